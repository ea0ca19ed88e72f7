"""Make assignment notebooks: the book's notebooks without their solutions.

    python tools/student_versions.py [OUT]      (make student; OUT defaults to _build/student)

In each notebook of book/:
- a code cell tagged "solution" becomes a stub that raises NotImplementedError with
  a hint naming the exercise and the check to run;
- solution text in markdown is removed: ``:::{solution}`` blocks, and the text
  between ``{solution-start}`` and ``{solution-end}``;
- every other cell is kept as it is, outputs cleared, so students run it themselves.
"""

import pathlib
import re
import sys

import nbformat

ROOT = pathlib.Path(__file__).resolve().parent.parent
SOLUTION_BLOCK = re.compile(r"(?ms)^:::\{solution\}.*?^:::[ \t]*$\n?")
START = re.compile(r"```\{solution-start\}\s*(\S+)")
END = re.compile(r"(?ms)^```\{solution-end\}\s*\n```[ \t]*\n?")


def stub(label, solution):
    checks = [line.strip() for line in solution.splitlines() if "check(" in line]
    then = f" then run {checks[-1]}" if checks else ""
    message = f"Exercise {label}: write your solution in this cell,{then}"
    return f"# Exercise {label}: your solution goes here.\nraise NotImplementedError({message!r})"


def student_version(notebook):
    cells, label, in_solution = [], None, False
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            source = SOLUTION_BLOCK.sub("", cell.source)
            start = START.search(source)
            if start:
                label, in_solution = start.group(1), True
                source = source[: start.start()]
            if END.search(source) or source.lstrip().startswith("```{solution-end}"):
                in_solution = False
                source = END.sub("", source)
            elif in_solution and not start:
                continue  # solution text between start and end
            if source.strip():
                cells.append(nbformat.v4.new_markdown_cell(source.strip("\n")))
            continue
        if "solution" in cell.metadata.get("tags", []):
            cells.append(nbformat.v4.new_code_cell(stub(label or "?", cell.source)))
            continue
        copy = nbformat.v4.new_code_cell(cell.source)
        copy.metadata = dict(cell.metadata)
        cells.append(copy)
    out = nbformat.v4.new_notebook(cells=cells, metadata=notebook.metadata)
    return out


def main():
    out = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "_build" / "student"
    out.mkdir(parents=True, exist_ok=True)
    for path in sorted((ROOT / "book").glob("*.ipynb")):
        nbformat.write(student_version(nbformat.read(path, as_version=4)), out / path.name)
        print(f"wrote {out / path.name}")


if __name__ == "__main__":
    main()
