"""Every optimizer is complete: its record, chapter, toc line, exports, README row and
naive reference. A new optimizer is its module, its record, its chapter and its toc
line; these tests name whatever else is missing."""

import ast
import inspect
import pathlib
import re
import subprocess
import sys

import pytest
from reference import CLOSURE_REFERENCES, REFERENCES
from test_convergence import SURFACES

import mlopt
from mlopt.records import FAMILIES, ON_SURFACES, RECORDS, record

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import book_pdf  # noqa: E402  (its chapters(): the toc's documents)

NAMES = list(mlopt.OPTIMIZERS)


def defaults(name):
    return {key: p.default for key, p in inspect.signature(mlopt.OPTIMIZERS[name]).parameters.items()}


def test_every_optimizer_has_a_record_and_every_record_an_optimizer():
    assert not set(NAMES) - set(RECORDS), f"no record in mlopt/records.py for {sorted(set(NAMES) - set(RECORDS))}"
    assert not set(RECORDS) - set(NAMES), f"records for unknown optimizers {sorted(set(RECORDS) - set(NAMES))}"
    with pytest.raises(KeyError, match="add one to RECORDS in mlopt/records.py"):
        record("no-such-optimizer")


@pytest.mark.parametrize("name", NAMES)
def test_the_record_fits_the_factory(name):
    entry, hyperparameters = RECORDS[name], defaults(name)
    assert set(entry.non_default) == set(hyperparameters), "non_default sets every hyperparameter"
    same = [key for key, value in entry.non_default.items() if value == hyperparameters[key]]
    assert not same, f"non_default keeps the default for {same}"
    on_surfaces = set(SURFACES) if name in ON_SURFACES else set()  # Muon, Adafactor: matrices only
    assert set(entry.budgets) == on_surfaces, "a convergence budget on every test surface"
    assert entry.family in FAMILIES and name in FAMILIES[entry.family]
    assert 0 < entry.start_lr
    if entry.reference:
        torch_arguments = inspect.signature(entry.reference.arguments).parameters
        named = [key for key, p in torch_arguments.items() if p.kind is not p.VAR_KEYWORD]
        assert set(named) <= set(hyperparameters), f"the torch mapping takes {named}"
        assert set(entry.reference.buffers) <= set(mlopt.OPTIMIZERS[name]().slot_names)


@pytest.mark.parametrize("name", NAMES)
def test_the_book_and_the_package_have_it(name):
    entry = record(name)
    assert f"book/{entry.chapter}" in book_pdf.chapters(), f"{entry.chapter} is not in _toc.yml"
    assert (ROOT / "book" / f"{entry.chapter}.ipynb").exists()
    assert name in mlopt.__all__ and getattr(mlopt, name) is mlopt.OPTIMIZERS[name], "export it in mlopt/__init__.py"
    intro = re.sub(r"\s+", " ", (ROOT / "book" / "intro.md").read_text())
    assert entry.title in intro, f"book/intro.md does not name {entry.title}"
    assert name in REFERENCES or name in CLOSURE_REFERENCES, f"tests/reference.py has no naive reference for {name}"


def readme_rows():
    """The README's factory table: name -> [(argument, default as written, as a Python value)]."""
    rows = {}
    for match in re.finditer(r"^\| `(\w+\(.*?\))` \|", (ROOT / "README.md").read_text(), re.M):
        call = ast.parse(match.group(1), mode="eval").body
        rows[call.func.id] = [(keyword.arg, ast.literal_eval(keyword.value)) for keyword in call.keywords]
    return rows


@pytest.mark.parametrize("name", NAMES)
def test_the_readme_lists_it_with_the_factorys_signature(name):
    rows = readme_rows()
    assert name in rows, f"README.md's factory table has no row for {name}"
    written = rows[name]
    assert [key for key, _ in written] == list(defaults(name)), "the arguments, in order"
    for key, value in written:
        assert value == defaults(name)[key], f"README says {key}={value!r}"


def test_every_optimizer_module_is_registered():
    """A module in mlopt/optimizers/ that OPTIMIZERS does not list would be silently unused."""
    modules = {path.stem for path in (ROOT / "mlopt" / "optimizers").glob("*.py") if path.stem != "__init__"}
    assert modules == set(NAMES), f"list {sorted(modules - set(NAMES))} in mlopt/optimizers/__init__.py"


def test_the_maths_layer_imports_no_pictures():
    """``import mlopt`` and its numpy modules load neither matplotlib, Pillow nor ipywidgets."""
    code = ("import sys, mlopt, mlopt.records, mlopt.selfcheck, mlopt.models, mlopt.checkpoint, mlopt.table; "
            "print(sorted(m for m in ('matplotlib', 'PIL', 'ipywidgets') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
