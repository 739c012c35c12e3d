"""The ``mathdl`` executable: start what can start before the CLI is imported.

``mathdl check`` spends most of its time waiting for the child process that
will run the student's code to start Python and import numpy. Starting that
child first, before the grader's own modules are imported, overlaps the two
start-ups (see mathdl_cli.early); and its usual command lines are read without
typer (see mathdl_cli.commands.check_run).

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
    command = None
    if args[:1] == ["check"] and not {"--help", "-h"} & set(args):
        from .early import start_early

        start_early()
        from .commands.check_run import fast_arguments, run

        try:
            given = fast_arguments(args[1:])
        except Exception:  # noqa: BLE001 - whatever it could not read, typer reads and explains
            given = None
        if given is not None:  # the usual command line: no typer (see commands/check_run)
            command = lambda: run(**given)  # noqa: E731
    if command is None:
        from .cli import run_typer as command
    from .console import printable_streams

    printable_streams()  # (after the child is started: it needs nothing of this)
    finish(command)


def finish(command) -> None:
    """Run ``command``, then leave without the interpreter's teardown of numpy,
    pytest and friends (about a tenth of a second): every command has already
    closed its sandboxes, pools and files, the output is flushed and the exit
    handlers run here. A SystemExit gives the status; an interrupt 130 and a
    closed stdout 1, as typer does for the commands it runs."""
    try:
        command()
        code = 0
    except SystemExit as exc:
        if isinstance(exc.code, str):
            try:
                print(exc.code, file=sys.stderr)
            except OSError:  # a closed stderr
                pass
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except KeyboardInterrupt:
        code = 130
    except BrokenPipeError:  # `mathdl check --json | head`
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe
            pass
    import atexit

    atexit._run_exitfuncs()  # os._exit skips them: sandboxes' folders and cgroups, multiprocessing's temporary folder
    os._exit(code)
