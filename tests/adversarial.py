"""The adversarial corpus: submissions that each try one attack on the grader.

Every attack targets chapter 2. ``ATTACKS`` maps a name to the files of the
submission and the exercises the attack must score zero on; the rest of the
module is the honest reference, so the attacker keeps its other points only if
they are earned. ``MARKER`` tags processes and files the attacks leave behind.
"""

from __future__ import annotations

from support import course, reference_source

MARKER = "mathdl-attack-7f3a"
CH2 = course.chapter("ch2")
ALL = [ex.short for ex in CH2.exercises]


def honest() -> str:
    return reference_source(course, CH2)


def with_function(source: str) -> str:
    """The reference with some functions redefined by the attack."""
    return honest() + "\n\n# ---- attack ----\n" + source


WRONG_LS = "\ndef least_squares(X, y, fit_intercept=True):\n    return np.zeros(X.shape[1]), 0.0\n"


def attacks(out_dir: str) -> dict[str, tuple[dict[str, str], list[str]]]:
    """name -> ({file name: content}, attacked exercises). ``out_dir`` is the
    grader's output folder, which a well-informed attacker might guess."""
    m = CH2.filename
    fake_report = '{"score": 100, "max_score": 16, "tests": []}'
    fake_csv = "student,total\\nme,16\\n"
    return {
        "syntax_error": ({m: "import numpy as np\ndef least_squares(X, y:\n    pass\n"}, ALL),
        "import_error": ({m: "import numpy as np\nimport solution_module_that_does_not_exist\n"}, ALL),
        "os_exit_at_import": ({m: honest() + "\nimport os\nos._exit(0)\n"}, ALL),
        "sys_exit_at_import": ({m: honest() + "\nimport sys\nsys.exit(0)\n"}, ALL),
        "os_exit_in_function": ({m: with_function("def least_squares(X, y, fit_intercept=True):\n    import os\n    os._exit(0)\n")}, ["least_squares"]),
        "sys_exit_in_function": ({m: with_function("def least_squares(X, y, fit_intercept=True):\n    import sys\n    sys.exit(0)\n")}, ["least_squares"]),
        "infinite_loop": ({m: with_function("def least_squares(X, y, fit_intercept=True):\n    while True:\n        pass\n")}, ["least_squares"]),
        "sleep": ({m: with_function("def least_squares(X, y, fit_intercept=True):\n    import time\n    time.sleep(10**6)\n")}, ["least_squares"]),
        "memory_bomb": (
            {m: with_function("def least_squares(X, y, fit_intercept=True):\n    big = np.ones(64 * 1024**3 // 8)\n    return big[:X.shape[1]], 0.0\n")},
            ["least_squares"],
        ),
        "fork_loop": (
            {m: with_function(
                "def least_squares(X, y, fit_intercept=True):\n"
                "    import os, time\n"
                "    for _ in range(300):\n"
                "        try:\n"
                "            if os.fork() == 0:\n"
                "                os.setsid()\n"
                f"                os.execvp('sleep', ['sleep', '3000', '{MARKER}'])\n"
                "        except OSError:\n"
                "            break\n"
                "    return np.zeros(X.shape[1]), 0.0\n"
            )},
            ["least_squares"],
        ),
        "fake_reports": (
            {m: with_function(
                "def least_squares(X, y, fit_intercept=True):\n"
                "    import os\n"
                f"    print('ALL TESTS PASSED 16/16 {{\"score\": 16}}')\n"
                f"    for d in ['.', os.environ.get('HOME', '.'), '/tmp', {out_dir!r}, os.path.dirname({out_dir!r})]:\n"
                "        for name in ['results.json', 'grades.csv', 'results.jsonl']:\n"
                "            try:\n"
                "                with open(os.path.join(d, name), 'a') as fh:\n"
                f"                    fh.write({fake_report!r} if name != 'grades.csv' else {fake_csv!r})\n"
                "            except OSError:\n"
                "                pass\n"
                "    return np.zeros(X.shape[1]), 0.0\n"
            )},
            ["least_squares"],
        ),
        "patch_numpy": (
            {m: with_function(
                "import numpy.testing\n"
                "np.allclose = lambda *a, **k: True\nnp.array_equal = lambda *a, **k: True\n"
                "numpy.testing.assert_allclose = lambda *a, **k: None\n"
                "np.isclose = lambda a, b, *r, **k: np.ones(np.shape(a), bool)\n" + WRONG_LS
            )},
            ["least_squares"],
        ),
        "runner_hijack_files": (
            {
                m: with_function(WRONG_LS),
                "conftest.py": "import pytest\n@pytest.hookimpl(hookwrapper=True)\ndef pytest_runtest_makereport(item, call):\n    out = yield\n    out.get_result().outcome = 'passed'\n",
                "sitecustomize.py": "import numpy\nnumpy.allclose = lambda *a, **k: True\n",
                "numpy.py": "def allclose(*a, **k):\n    return True\n",
            },
            ["least_squares"],
        ),
        "always_equal": (
            {m: with_function("class AlwaysEqual:\n    def __eq__(self, other):\n        return True\n    def __ne__(self, other):\n        return False\n\ndef least_squares(X, y, fit_intercept=True):\n    return AlwaysEqual(), AlwaysEqual()\n")},
            ["least_squares"],
        ),
        "ufunc_hijack": (
            {m: with_function(
                "class Liar(np.ndarray):\n"
                "    def __array_ufunc__(self, *args, **kwargs):\n        return np.zeros(3, dtype=bool) if False else True\n"
                "    def __eq__(self, other):\n        return np.ones(np.shape(other), dtype=bool)\n"
                "    def __sub__(self, other):\n        return np.zeros(np.shape(other))\n"
                "    def __rsub__(self, other):\n        return np.zeros(np.shape(other))\n"
                "def least_squares(X, y, fit_intercept=True):\n    return np.zeros(X.shape[1]).view(Liar), 0.0\n"
            )},
            ["least_squares"],
        ),
        "scalar_zero": ({m: with_function("def least_squares(X, y, fit_intercept=True):\n    return 0.0, 0.0\n")}, ["least_squares"]),
        "search_disk": (
            {m: with_function(
                "def least_squares(X, y, fit_intercept=True):\n"
                "    import os, glob, importlib.util\n"
                "    hits = []\n"
                "    for root in ['/', os.environ.get('HOME', '/'), '/tmp', '/work', '/root', '/proc/1']:\n"
                "        hits += glob.glob(os.path.join(root, '**', 'ch02_linear_regression*.py'), recursive=True)[:50]\n"
                "    for path in hits:\n"
                "        if 'solutions_private' in path or 'mutants' not in path:\n"
                "            try:\n"
                "                spec = importlib.util.spec_from_file_location('stolen', path)\n"
                "                mod = importlib.util.module_from_spec(spec)\n"
                "                spec.loader.exec_module(mod)\n"
                "                if mod.least_squares is not least_squares and 'solutions_private' in path:\n"
                "                    return mod.least_squares(X, y, fit_intercept)\n"
                "            except Exception:\n"
                "                pass\n"
                "    env = ' '.join(f'{k}={v}' for k, v in os.environ.items())\n"
                "    for pid in os.listdir('/proc'):\n"
                "        try:\n"
                "            env += open(f'/proc/{pid}/environ', 'rb').read().decode('latin1')\n"
                "        except OSError:\n"
                "            pass\n"
                "    if 'MATHDL_SECRET' in env:\n"
                "        raise RuntimeError('found the course secret: ' + env[:200])\n"
                "    return np.zeros(X.shape[1]), 0.0\n"
            )},
            ["least_squares"],
        ),
        "huge_output": (
            {m: with_function(
                "def least_squares(X, y, fit_intercept=True):\n"
                "    import os, sys\n"
                "    chunk = 'x' * (1 << 20)\n"
                "    for _ in range(1024):\n"
                "        sys.stdout.write(chunk)\n"
                "    for _ in range(1024):\n"
                "        try:\n"
                "            os.write(1, chunk.encode())\n"
                "        except OSError:\n"
                "            break\n"
                "    return np.zeros(X.shape[1]), 0.0\n"
            )},
            ["least_squares"],
        ),
    }
