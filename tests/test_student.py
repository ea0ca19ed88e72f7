"""Student versions: no solution left, they run up to (and past) the stubs, and pasting
the solutions back makes every self-check pass."""

import pathlib
import sys

import nbclient
import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
from student_versions import student_version  # noqa: E402

WITH_SOLUTIONS = [
    p for p in sorted((ROOT / "book").glob("*.ipynb"))
    if any("solution" in c.metadata.get("tags", []) for c in nbformat.read(p, as_version=4).cells)
]


def run(notebook):
    client = nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3", allow_errors=True,
                                     resources={"metadata": {"path": str(ROOT / "book")}})
    client.execute()
    return notebook


def errors(cell):
    return [o for o in cell.get("outputs", []) if o.output_type == "error"]


def test_there_are_exercises_to_assign():
    assert len(WITH_SOLUTIONS) >= 8


@pytest.mark.parametrize("path", WITH_SOLUTIONS, ids=lambda p: p.stem)
def test_student_version(path):
    book = nbformat.read(path, as_version=4)
    student = student_version(book)
    text = "\n".join(c.source for c in student.cells)
    assert "{solution" not in text and "solution-end" not in text
    solutions = [c.source for c in book.cells if "solution" in c.metadata.get("tags", [])]
    stubs = [i for i, c in enumerate(student.cells) if c.source.startswith("# Exercise ")]
    assert len(stubs) == len(solutions) > 0
    for solution in solutions:
        assert solution not in text
    exercises = book.cells and sum(c.source.count(":::{exercise}") for c in book.cells)
    assert sum(c.source.count(":::{exercise}") for c in student.cells) == exercises

    # It runs: the only errors are the stubs' NotImplementedError.
    ran = run(nbformat.from_dict(student))
    for i, cell in enumerate(ran.cells):
        if cell.cell_type != "code":
            continue
        if i in stubs:
            assert [e.ename for e in errors(cell)] == ["NotImplementedError"]
        else:
            assert errors(cell) == [], (i, cell.source[:200])

    # Pasting the solutions back: every self-check passes.
    for i, solution in zip(stubs, solutions, strict=True):
        student.cells[i].source = solution
    ran = run(nbformat.from_dict(student))
    for i in stubs:
        assert errors(ran.cells[i]) == []
        printed = "".join(o.get("text", "") + o.get("data", {}).get("text/plain", "") for o in ran.cells[i].outputs)
        if "check(" in ran.cells[i].source:
            assert ": pass" in printed and "differs" not in printed, printed
