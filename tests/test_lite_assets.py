"""The in-browser edition's assets: every file is checked before it enters the site.

A Pyodide wheel whose sha256 differs from the official lock's, a missing wheel, or a
core file that is not the pinned one stops the build with a message naming the file.
"""

import io
import pathlib
import sys
import tarfile

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import lite_site  # noqa: E402

PACKAGING = "packaging-24.2-py3-none-any.whl"


def archive(tmp_path, files):
    """A release-style archive: pyodide/<file_name> for each file."""
    path = tmp_path / "pyodide-test.tar.bz2"
    with tarfile.open(path, "w:bz2") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(f"pyodide/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return str(path)


@pytest.fixture
def packaging_only(monkeypatch):
    if not (lite_site.NPM_PYODIDE / "pyodide-lock.json").exists():
        pytest.fail("run `make offline` first: npm pyodide is missing")
    monkeypatch.setattr(lite_site, "PACKAGES", ["packaging"])


@pytest.fixture(scope="module")
def real_packaging(tmp_path_factory):
    """The genuine packaging wheel, from the configured source (downloaded once)."""
    files = lite_site.wheel_archive(lite_site.PYODIDE_WHEELS, ROOT / ".offline" / "lite" / "cache")
    return files[PACKAGING]()


def test_a_genuine_wheel_enters_the_site(tmp_path, packaging_only, real_packaging):
    out = tmp_path / "pyodide"
    lite_site.copy_pyodide(out, archive(tmp_path, {PACKAGING: real_packaging}), tmp_path / "cache")
    assert (out / PACKAGING).read_bytes() == real_packaging
    assert sorted(p.name for p in out.iterdir()) == sorted([*lite_site.CORE, PACKAGING])


def test_a_tampered_wheel_stops_the_build(tmp_path, packaging_only, real_packaging):
    tampered = real_packaging[:-1] + bytes([real_packaging[-1] ^ 1])
    with pytest.raises(lite_site.AssetError, match=f"{PACKAGING}: sha256 .* differs from the official lock"):
        lite_site.copy_pyodide(tmp_path / "out", archive(tmp_path, {PACKAGING: tampered}), tmp_path / "c")


def test_a_missing_wheel_stops_the_build(tmp_path, packaging_only):
    with pytest.raises(lite_site.AssetError, match=f"{PACKAGING} \\(packaging\\) is missing"):
        lite_site.copy_pyodide(tmp_path / "out", archive(tmp_path, {}), tmp_path / "c")


def test_a_core_file_that_is_not_the_pinned_one_stops_the_build(tmp_path, packaging_only, monkeypatch):
    monkeypatch.setitem(lite_site.CORE, "pyodide.js", "0" * 64)
    with pytest.raises(lite_site.AssetError, match="pyodide.js: sha256 .* is not the pinned"):
        lite_site.copy_pyodide(tmp_path / "out", archive(tmp_path, {}), tmp_path / "c")


def test_the_closure_follows_dependencies():
    lock = {"packages": {"a": {"depends": ["B_c"]}, "b-c": {"depends": []}, "d": {"depends": []}}}
    assert sorted(lite_site.closure(lock, ["a"])) == ["a", "b-c"]
    with pytest.raises(lite_site.AssetError, match="zzz is not in Pyodide"):
        lite_site.closure(lock, ["zzz"])
