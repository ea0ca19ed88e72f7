"""Headless Chromium for the tests: Debian's chromium driven by Playwright for Python.

Where either is missing the browser tests skip, unless MLOPT_REQUIRE_BROWSER is set
(CI sets it), which turns the skip into a failure.
"""

import contextlib
import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def require_browser():
    missing = []
    if not os.path.exists(CHROMIUM):
        missing.append("chromium (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("playwright (pip install playwright)")
    if missing:
        if os.environ.get("MLOPT_REQUIRE_BROWSER"):
            pytest.fail(f"browser tests required but missing: {', '.join(missing)}")
        pytest.skip(f"needs {', '.join(missing)}")


@contextlib.contextmanager
def chromium():
    """A launched browser (no sandbox: CI runs as root)."""
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            yield browser
        finally:
            browser.close()


def watch(page):
    """Record a page's console errors, page errors and requested URLs on the page object."""
    page.problems, page.requests = [], []
    page.on("console", lambda m: m.type == "error" and page.problems.append(m.text))
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    page.on("request", lambda r: page.requests.append(r.url))
    return page
