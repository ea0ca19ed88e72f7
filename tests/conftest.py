"""Fixtures shared by the test files."""

import pytest
from browser import chromium


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session (Playwright's sync API allows one)."""
    with chromium() as b:
        yield b
