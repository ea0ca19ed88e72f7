"""A Sphinx extension for this book: the whole book as one PDF, beside the website.

After an HTML build, tools/book_pdf.py prints every page of the table of contents
with headless chromium (the site's own MathJax, its print styles) and joins them
into ``book.pdf`` at the site's root, which the introduction links to.
"""

import pathlib
import sys

from sphinx.util import logging

logger = logging.getLogger(__name__)
ROOT = pathlib.Path(__file__).resolve().parents[2]


def print_book(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    sys.path.insert(0, str(ROOT / "tools"))
    import book_pdf

    book_pdf.build(app.outdir, log=logger.info)


def setup(app):
    app.connect("build-finished", print_book, priority=900)  # after the in-browser edition
    return {"parallel_read_safe": True, "parallel_write_safe": True}
