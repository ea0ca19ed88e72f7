"""A Sphinx extension for this book: every chapter runs live in the reader's browser.

- After an HTML build, the in-browser edition (JupyterLite on a local Pyodide, with
  the chapters and the student edition) is written into the site's ``lite/`` folder
  by tools/lite_site.py: plain static files, served by the site itself.
- Each chapter page starts with a "Run in your browser" link to its notebook there
  (and to its student version), saying what the first visit downloads.
- The live explorer's static picture links to the same place (its link is written
  as ``mlopt.viz.widgets.LIVE_LINK`` and replaced here by the page's address), and
  static/live_explorer.js gives it a button that makes it live in place: the same
  Explorer, run by Pyodide in a web worker (static/live_worker.js) from the files
  of ``lite/``, with no notebook around it (mlopt/viz/webpage.py).

Their styles are in static/book.css (offline_site.py adds it).
"""

import html
import pathlib
import sys

from sphinx.util import logging

from mlopt.viz.widgets import LIVE_LINK

logger = logging.getLogger(__name__)

ROOT = pathlib.Path(__file__).resolve().parents[2]


def lite_url(context, notebook):
    return context["pathto"]("lite/notebooks/index.html", 1) + "?path=" + notebook


def banner(context, notebook, megabytes):
    run, student = lite_url(context, notebook), lite_url(context, f"student/{notebook}")
    lite = context["pathto"]("lite/", 1)
    return (
        f'<div class="mlopt-live" id="mlopt-live" role="note" data-lite="{html.escape(lite)}">'
        f'<a class="mlopt-live-run" href="{html.escape(run)}">&#9654; Run this chapter in your browser</a> '
        f'<span class="mlopt-live-cost">Python, numpy and mlopt run inside this browser: no installation, '
        f"nothing sent anywhere. The first visit loads about {megabytes} MB from this site; later "
        "visits use the browser's cache.</span> "
        f'<a class="mlopt-live-student" href="{html.escape(student)}">Student edition</a> '
        "(exercises without their solutions)</div>"
    )


def uses_scikit_learn(path):
    """Whether a chapter loads scikit-learn (directly, or through mlopt.models' digits)."""
    text = pathlib.Path(path).read_text()
    return "sklearn" in text or "models.digits(" in text


def add_launch(app, pagename, templatename, context, doctree):
    if doctree is None or not str(app.env.doc2path(pagename)).endswith(".ipynb"):
        return
    notebook = pathlib.PurePosixPath(pagename).name + ".ipynb"
    sizes = app.config.myst_substitutions  # _config.yml: live_mb, live_sklearn_mb, live_explorer_mb
    megabytes = sizes["live_mb"] + (sizes["live_sklearn_mb"] if uses_scikit_learn(app.env.doc2path(pagename)) else 0)
    body = context.get("body", "")
    body = body.replace(f'href="{LIVE_LINK}"', f'href="{html.escape(lite_url(context, notebook))}"')
    body = body.replace('class="mlopt-explorer-snapshot"',
                        f'class="mlopt-explorer-snapshot" data-megabytes="{sizes["live_explorer_mb"]}"')
    context["body"] = banner(context, notebook, megabytes) + body


def build_lite(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    sys.path.insert(0, str(ROOT / "tools"))
    import lite_site

    lite_site.build(pathlib.Path(app.outdir) / "lite", log=logger.info)


def setup(app):
    app.connect("html-page-context", add_launch)
    app.connect("build-finished", build_lite)
    app.add_js_file("live_explorer.js", defer="defer")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
