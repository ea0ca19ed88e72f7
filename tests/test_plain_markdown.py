"""The in-browser edition's notebooks: the book's MyST markup becomes plain Markdown."""

import pathlib
import re
import sys

import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import plain_markdown  # noqa: E402
from plain_markdown import plain  # noqa: E402

NAMES = plain_markdown.references()
MYST = re.compile(r"\{[\w:-]+\}`|^:::|^```\{|^:\w+:", re.M)


def test_exercise_and_hidden_solution():
    text = ":::{exercise}\n:label: x-1\nWhy?\n:::\n\n:::{solution} x-1\n:class: dropdown\nBecause.\n:::"
    assert plain(text, NAMES) == ("**Exercise** *(x-1).* Why?\n\n"
                                  "<details><summary>Solution</summary>\n\nBecause.\n\n</details>")


def test_solution_over_several_cells():
    assert plain("```{solution-start} x-2\n:class: dropdown\n```\nText", NAMES) == (
        "**Solution** (the cells below, up to *End of solution*):\nText")
    assert plain("```{solution-end}\n```\n\nNext", NAMES) == "*End of solution.*\n\nNext"


def test_note_and_margin_become_quotes():
    assert plain(":::{note}\nOne\n\nTwo\n:::", NAMES) == "> **Note.** One\n>\n> Two"
    assert plain("```{margin} The source post\nsays so.\n```", NAMES) == "> **The source post.** says so."


def test_citations_name_authors_and_year():
    assert plain("Adam {cite:p}`kingma2015` and {cite:t}`kingma2015`", NAMES) == (
        "Adam (Kingma and Ba, 2015) and Kingma and Ba (2015)")


def test_literalinclude_is_the_modules_own_function():
    text = ("```{literalinclude} ../mlopt/optimizers/adam.py\n:pyobject: update\n:language: python\n"
            ":caption: the rule\n```")
    source = (ROOT / "mlopt" / "optimizers" / "adam.py").read_text()
    body = source[source.index("def update("):source.index("\n\n\n", source.index("def update("))]
    assert plain(text, NAMES) == f"*the rule*\n\n```python\n{body}\n```"


def test_an_unknown_directive_is_an_error_not_raw_text():
    with pytest.raises(ValueError, match="no plain form for the 'figure' directive"):
        plain(":::{figure} a.png\n:::", NAMES)


@pytest.mark.parametrize("path", sorted((ROOT / "book").glob("*.ipynb")), ids=lambda p: p.name)
def test_no_myst_is_left_in_a_chapter(path):
    notebook = plain_markdown.plain_notebook(nbformat.read(path, as_version=4), NAMES)
    left = [c.source[:120] for c in notebook.cells if c.cell_type == "markdown" and MYST.search(c.source)]
    assert left == []
