"""Every grader uses mathdl's pytest plugin (fixtures student, ref, tol, rng, exercise)."""

pytest_plugins = ["mathdl_cli.grading.plugin"]
