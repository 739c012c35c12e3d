"""`mathdl watch` driven through a pseudo-terminal, as a student at a terminal uses it."""

import os
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from support import course, mutant_source, mutants, reference_source

CH2 = course.chapter("ch2")
ROOT = Path(__file__).resolve().parents[1]
ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][A-Z0-9]|\r")


class Terminal:
    """A program on the slave side of a pty, with the pty as its controlling terminal."""

    def __init__(self, argv, env, cwd):
        import fcntl
        import pty
        import termios

        master, slave = pty.openpty()

        def controlling_tty():
            os.setsid()
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=cwd, preexec_fn=controlling_tty, close_fds=True)
        os.close(slave)
        self.master = master
        self.text = ""

    def read_until(self, pattern, start=0, timeout=60.0):
        """Everything printed so far, once `pattern` appears after offset `start`."""
        deadline = time.monotonic() + timeout
        while not re.search(pattern, self.text[start:]):
            left = deadline - time.monotonic()
            assert left > 0, f"{pattern!r} never appeared (exit {self.proc.poll()}); the screen showed:\n{self.text[start:][-3000:]}"
            ready, _, _ = select.select([self.master], [], [], min(left, 0.5))
            if ready:
                try:
                    chunk = os.read(self.master, 65536)
                except OSError:  # the program closed the terminal
                    chunk = b""
                if not chunk and self.proc.poll() is not None:
                    assert re.search(pattern, self.text[start:]), f"{pattern!r} never appeared:\n{self.text[start:][-3000:]}"
                self.text += ANSI.sub("", chunk.decode("utf-8", "replace"))
        return self.text[start:]

    def type(self, data: bytes):
        os.write(self.master, data)

    def close(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        os.close(self.master)


def processes_under(folder: Path) -> list[str]:
    """Live processes whose command line or working folder lies in `folder`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            cwd = os.readlink(entry / "cwd")
        except OSError:
            continue
        if str(folder) in cmd or cwd.startswith(str(folder)):
            found.append(f"{entry.name}: {cmd}")
    return found


def save(path: Path, text: str):
    """Save like an editor: write a new file, then move it over the old one."""
    tmp = path.with_name(path.name + ".swp~")
    tmp.write_text(text)
    os.replace(tmp, path)


@pytest.mark.parametrize("mode", ["events", "poll"])
def test_watch_redraws_on_save_shows_syntax_errors_and_leaves_on_ctrl_c(tmp_path, mode):
    wb, scratch = tmp_path / "wb", tmp_path / "tmp"
    wb.mkdir()
    scratch.mkdir()
    module = wb / CH2.filename
    module.write_text(mutant_source(course, mutants(course, CH2)[0]))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(scratch), "COLUMNS": "120", "LINES": "40", "TERM": "xterm"}
    argv = [sys.executable, "-m", "mathdl_cli", "watch", "ch2", "--dir", str(wb), *(["--poll"] if mode == "poll" else [])]
    term = Terminal(argv, env, tmp_path)
    try:
        first = term.read_until(r"watching for saves")
        assert "mathdl watch · " + CH2.filename in first
        assert re.search(r"[█░]{30} 1[0-9](\.\d+)? / 16 points · 4 of 5 exercises passed", first)
        assert "✗ ch02.gd_least_squares" in first and "trajectory" in first and "rerun just this case" in first
        assert f"mathdl hint ch02.gd_least_squares --dir {wb}" in first

        mark = len(term.text)
        t0 = time.monotonic()
        save(module, reference_source(course, CH2))
        fixed = term.read_until(r"watching for saves", mark)
        assert "16 / 16 points · 5 of 5 exercises passed" in fixed and "Every public check of the chapter passes" in fixed
        assert time.monotonic() - t0 < 15  # live: a rerun takes well under a second on an idle machine

        mark = len(term.text)
        save(module, "import numpy as np\n\n\ndef least_squares(X, y:\n    pass\n")
        broken = term.read_until(r"watching for saves", mark)
        assert f"syntax error in {CH2.filename}, line 4" in broken and "def least_squares(X, y:" in broken

        # the child for the next run is started ahead of time: it must not survive Ctrl-C
        time.sleep(0.5)
        term.type(b"\x03")
        term.read_until(r"stopped watching", mark)
        assert term.proc.wait(timeout=20) == 0
        deadline = time.monotonic() + 5
        while processes_under(scratch) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert processes_under(scratch) == []
        assert list(scratch.iterdir()) == []  # every sandbox folder was removed
    finally:
        term.close()
