"""Fixtures shared by the test files: the built book, a server for it, one Chromium."""

import os
import pathlib
import re
import subprocess
import sys

import pytest
from browser import chromium, serve

ROOT = pathlib.Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session (Playwright's sync API allows one)."""
    with chromium() as b:
        yield b


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """Build the book (notebooks executed) with warnings as errors; return its html folder.

    MLOPT_BUILT_SITE=<html folder> tests an existing build instead (while working on the tests).
    """
    if os.environ.get("MLOPT_BUILT_SITE"):
        return pathlib.Path(os.environ["MLOPT_BUILT_SITE"])
    out = tmp_path_factory.mktemp("book")
    result = subprocess.run(
        [str(pathlib.Path(sys.executable).with_name("jupyter-book")), "build", str(ROOT), "--path-output", str(out),
         "-W", "-n", "--keep-going"],
        capture_output=True, text=True,
    )
    log = result.stdout + result.stderr
    warnings = [line for line in log.splitlines() if re.search(r"\b(WARNING|ERROR): ", line)]
    assert result.returncode == 0 and not warnings, "\n".join(warnings) or log[-3000:]
    return out / "_build" / "html"


@pytest.fixture(scope="session")
def server(site):
    """The built site over http on 127.0.0.1 (Pyodide cannot run from file://)."""
    url, httpd = serve(site)
    yield url
    httpd.shutdown()
