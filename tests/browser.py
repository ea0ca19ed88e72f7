"""Headless Chromium for the tests: Debian's chromium driven by Playwright for Python.

Where either is missing the browser tests skip, unless MLOPT_REQUIRE_BROWSER is set
(CI sets it), which turns the skip into a failure.
"""

import contextlib
import functools
import http.server
import os
import pathlib
import shutil
import threading

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


def serve(folder):
    """Serve a folder over http on 127.0.0.1 (Pyodide cannot run from file://); the server's
    address and the server (``.shutdown()`` stops it)."""
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{httpd.server_address[1]}", httpd


def watch(page):
    """Record a page's console errors, page errors and requested URLs on the page object."""
    page.problems, page.requests = [], []
    page.on("console", lambda m: m.type == "error" and page.problems.append(m.text))
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    page.on("request", lambda r: page.requests.append(r.url))
    return page


# The in-browser edition (JupyterLite, under the site's lite/) ---------------------------

LITE_READY = """async () => {
  const panel = window.jupyterapp.shell.currentWidget;
  await panel.context.ready;
  await panel.sessionContext.ready;
  while (!panel.sessionContext.session || !panel.sessionContext.session.kernel) {
    await new Promise(r => setTimeout(r, 100));
  }
  const kernel = panel.sessionContext.session.kernel;
  await kernel.info;  // the kernel answered: Pyodide and IPython are up
}"""

LITE_CELLS = """() => window.jupyterapp.shell.currentWidget.content.widgets
  .filter(c => c.model.type === 'code')
  .map(c => ({count: c.model.executionCount, source: c.model.sharedModel.getSource(),
              errors: c.model.outputs.toJSON().filter(o => o.output_type === 'error')
                        .map(o => `${o.ename}: ${o.evalue}`)}))"""

LITE_EXECUTE = """async code => {
  const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  const future = kernel.requestExecute({code});
  let text = '';
  future.onIOPub = msg => {
    const c = msg.content;
    if (msg.header.msg_type === 'stream') text += c.text;
    if (msg.header.msg_type === 'execute_result') text += c.data['text/plain'];
    if (msg.header.msg_type === 'error') text += `${c.ename}: ${c.evalue}`;
  };
  await future.done;
  return text;
}"""


LITE_APP = ("() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
            " && window.jupyterapp.shell.currentWidget.sessionContext")

SHOW_EXPLORER = """async () => {
  const notebook = window.jupyterapp.shell.currentWidget.content;
  const index = notebook.widgets.findIndex(c => c.model.sharedModel.getSource().startsWith('Explorer('));
  notebook.activeCellIndex = index;
  await notebook.scrollToItem(index, 'start');
}"""


def open_lite(context, url, timeout=120_000):
    """Open a notebook of the in-browser edition; return the page once its kernel answers."""
    page = watch(context.new_page())
    page.goto(url)
    page.wait_for_function(LITE_APP, timeout=timeout)
    page.evaluate(LITE_READY)
    return page


def show_explorer(page, timeout=60_000):
    """Scroll the notebook to its explorer (cells out of view are not drawn) and wait for its picture."""
    page.evaluate(SHOW_EXPLORER)
    page.wait_for_function("() => (document.querySelector('.widget-image') || {src: ''}).src.startsWith('blob:')",
                           timeout=timeout)


def downloaded(requests, prefix):
    """Bytes received for the URLs under ``prefix``, each once (the service worker
    fetches what the page asks for, and both requests are reported)."""
    sizes = {}
    for request in requests:
        if request.url.startswith(prefix):
            sizes[request.url] = max(sizes.get(request.url, 0), request.sizes()["responseBodySize"])
    return sum(sizes.values())


def run_all(page):
    """Run every cell (as Run > Run All Cells: it stops at the first error); the cells after."""
    page.evaluate("async () => { await window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
    return page.evaluate(LITE_CELLS)


def execute(page, code):
    """Run code in the page's kernel; its printed text, result and error, as one string."""
    return page.evaluate(LITE_EXECUTE, code)


def watch_context(context):
    """Record every request of a browser context (pages, workers, service worker)."""
    context.requests = []
    context.on("request", lambda r: context.requests.append(r.url))
    return context


# Accessibility: axe-core (npm, installed by `make offline`), WCAG 2 A and AA rules ------

AXE = pathlib.Path(__file__).resolve().parent.parent / ".offline" / "node_modules" / "axe-core" / "axe.min.js"


def axe_violations(page, context=None):
    """axe-core's WCAG 2 A/AA violations on the page (or inside ``context``, a CSS selector)."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: `make offline` installs axe-core from npm")
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async context => (await axe.run(context ? document.querySelector(context) : document,
                                          {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}}))
             .violations.map(v => `${v.id}: ${v.nodes.map(n => n.target.join(' ')).join(', ')}`)""",
        context)
