"""Loading and validating the chapters' YAML; resolving user-given names."""

import ast
import textwrap
from pathlib import Path

import pytest

from mathdl_cli.catalog import CatalogError, LookupFailed, load_chapter, load_course
from mathdl_cli.stubs import stub_source

GOOD = """
number: 9
slug: demo
title: Demo
exercises:
  - id: f
    title: F
    points: 2
    tolerances: {default: {rtol: 1.0e-8, atol: 1e-10}}
    functions:
      - name: f
        signature: "(x: np.ndarray) -> float"
        doc: "The sum."
    hints: ["one", "two"]
"""


def write(tmp_path: Path, text: str, folder: str = "ch09_demo") -> Path:
    path = tmp_path / folder / "chapter.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


def test_good_chapter_loads(tmp_path):
    ch = load_chapter(write(tmp_path, GOOD))
    ex = ch.exercises[0]
    assert ch.module == "ch09_demo" and ex.id == "ch09.f" and ex.points == 2.0
    assert ex.tol().atol == 1e-10  # "1e-10" (a string in YAML 1.1) is read as a number


@pytest.mark.parametrize(
    "change, key, expected",
    [
        (("points: 2", "points: ten"), "exercises[0] (f).points", "a number"),
        (("number: 9", "number: nine"), "number", "the chapter number"),
        (("    hints: [\"one\", \"two\"]", "    hints: [\"one\"]"), "exercises[0] (f).hints", "at least two"),
        (("title: F\n", "title: F\n    colour: red\n"), "exercises[0] (f).colour", "unknown key"),
        (("title: F\n", "title: F\n    needs_torch: maybe\n"), "exercises[0] (f).needs_torch", "true or false"),
        (("tolerances: {default: {rtol: 1.0e-8, atol: 1e-10}}", "tolerances: {}"), "tolerances.default", "missing"),
        (('signature: "(x: np.ndarray) -> float"', 'signature: "x -> float"'), "functions[0].signature", "a signature"),
        (("        doc: \"The sum.\"\n", ""), "functions[0].doc", "missing"),
    ],
)
def test_errors_name_file_key_and_expectation(tmp_path, change, key, expected):
    path = write(tmp_path, GOOD.replace(*change))
    with pytest.raises(CatalogError) as info:
        load_chapter(path)
    message = str(info.value)
    assert str(path) in message and key in message and expected in message


def test_an_exercise_needs_torch_as_its_chapter_unless_it_says(tmp_path):
    """An exercise's needs_torch defaults to its chapter's; a numpy exercise of a torch
    chapter says false, and a check of it alone then starts no torch (preload_for)."""
    from mathdl_cli.catalog import preload_for

    torch_chapter = GOOD.replace("number: 9\n", "number: 9\nneeds_torch: true\n", 1)
    ch = load_chapter(write(tmp_path, torch_chapter))
    assert ch.needs_torch and ch.exercises[0].needs_torch and preload_for([ch], ch.exercises) == ("torch",)
    ch = load_chapter(write(tmp_path, torch_chapter.replace("title: F\n", "title: F\n    needs_torch: false\n", 1)))
    assert ch.needs_torch and not ch.exercises[0].needs_torch
    assert preload_for([ch], ch.exercises) == () and preload_for([ch]) == ("torch",)  # the whole chapter: torch
    ch22 = load_course().chapter("ch22")
    assert preload_for([ch22], [ch22.exercise("ode_solvers")]) == () and preload_for([ch22], [ch22.exercise("dgm_residual")]) == ("torch",)


def test_folder_must_match_number_and_slug(tmp_path):
    with pytest.raises(CatalogError, match="ch09_demo"):
        load_chapter(write(tmp_path, GOOD, folder="ch9_demo"))


def test_invalid_yaml_names_the_file(tmp_path):
    path = write(tmp_path, "number: [1,\n")
    with pytest.raises(CatalogError, match="not valid YAML"):
        load_chapter(path)


def test_chapter_and_exercise_resolution():
    course = load_course()
    ch = course.chapter("ch2")
    assert course.chapter("ch02") is ch and course.chapter("2") is ch and course.chapter("linear_regression") is ch
    assert course.exercise("ch02.ridge").short == "ridge"
    assert course.exercise("ridge", ch).id == "ch02.ridge"
    with pytest.raises(LookupFailed, match="mathdl list"):
        course.chapter("ch99")
    with pytest.raises(LookupFailed, match="its exercises are"):
        ch.exercise("nope")


@pytest.mark.parametrize("chapter", load_course().chapters, ids=lambda c: c.module)
def test_stub_declares_every_function_and_raises(chapter):
    source = stub_source(chapter)
    tree = ast.parse(source)
    defined = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
    for ex in chapter.exercises:
        for fn in ex.functions:
            node = defined[fn.name]
            assert ast.get_docstring(node), f"{fn.name} has no docstring"
            raises = [n for n in ast.walk(node) if isinstance(n, ast.Raise)]
            assert raises and ex.id in ast.unparse(raises[-1])
    compile(source, chapter.filename, "exec")
