"""The ``mathdl`` executable: start what can start before the CLI is imported.

``mathdl check`` spends most of its time waiting for the child process that
will run the student's code to start Python and import numpy. Starting that
child first, before typer and the grader's own modules are imported, overlaps
the two start-ups (see mathdl_cli.early).
"""

import sys


def main() -> None:
    args = sys.argv[1:]
    if args[:1] == ["check"] and not {"--help", "-h"} & set(args):
        from .early import start_early

        start_early()
    from .cli import main as run

    run()
