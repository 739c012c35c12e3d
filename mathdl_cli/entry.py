"""The ``mathdl`` executable: start what can start before the CLI is imported.

``mathdl check`` spends most of its time waiting for the child process that
will run the student's code to start Python and import numpy. Starting that
child first, before typer and the grader's own modules are imported, overlaps
the two start-ups (see mathdl_cli.early).

The grader's own linear algebra is on small arrays: one BLAS thread each (set
before numpy is imported, and inherited by the pool's workers) instead of a
thread pool whose idle threads spin for a while after every call, taking the
other core from the child that runs the student's code or from the other
worker. A value the user set wins.
"""

import os
import sys

ONE_THREAD = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def one_blas_thread() -> None:
    """One BLAS thread for this process and the processes it starts, unless the
    user asked for more (call before numpy is imported)."""
    for name in ONE_THREAD:
        os.environ.setdefault(name, "1")


def main() -> None:
    one_blas_thread()
    args = sys.argv[1:]
    if args[:1] == ["check"] and not {"--help", "-h"} & set(args):
        from .early import start_early

        start_early()
    from .cli import main as run

    run()
