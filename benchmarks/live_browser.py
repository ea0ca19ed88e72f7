"""The website's in-browser edition, timed in headless chromium (make bench-live).

Builds nothing: it serves an already built site (``make book`` writes _build/html) on
127.0.0.1 and measures, for one chapter:

- the page's own explorer made live in place (its button; Pyodide in a web worker,
  no notebook): cold and warm, from the click to the first live picture, split into
  Pyodide, packages, imports and the first picture; the bytes against the figure
  the button states; a move of its lr slider to the new picture, end to end;

and the chapter's notebook in the in-browser edition (JupyterLite):

- cold (a new browser profile, nothing cached): from the click on "Run this chapter
  in your browser" to the first live explorer picture, split into the JupyterLite
  page, the kernel (Pyodide and IPython), the first cell (installs mlopt and
  ipywidgets from the site's wheels), the imports, and the explorer's first run;
  and the bytes downloaded, against the figure the chapter page states;
- warm (the same profile again, from the browser's cache): the same path;
- a move of the lr slider to the new picture: the Python side measured inside the
  browser's kernel (``Explorer.refresh``) and end to end (typing a value into the
  slider's readout to the new image in the page), medians, beside the same Python
  side natively in this process.

    .venv/bin/python benchmarks/live_browser.py [--site _build/html] [--chapter adam]
"""

import argparse
import pathlib
import re
import statistics
import sys
import tempfile
import time

from playwright.sync_api import sync_playwright

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from browser import CHROMIUM, LITE_APP, LITE_READY, downloaded, execute, serve, show_explorer  # noqa: E402

MOVES = 15
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]

RUN_CELL = """async index => {
  const panel = window.jupyterapp.shell.currentWidget;
  const notebook = panel.content;
  notebook.activeCellIndex = index;
  await window.jupyterapp.commands.execute('notebook:run-cell');
  const cell = notebook.widgets[index];
  const errors = cell.model.outputs.toJSON().filter(o => o.output_type === 'error');
  if (errors.length) throw new Error(errors[0].ename + ': ' + errors[0].evalue);
}"""

CELL_INDEX = """pattern => window.jupyterapp.shell.currentWidget.content.widgets
  .findIndex(c => c.model.type === 'code' && new RegExp(pattern).test(c.model.sharedModel.getSource()))"""

PYTHON_SIDE = """
import statistics, time
import numpy as np
from mlopt.viz.widgets import Explorer
_explorer = Explorer(optimizer="adam", surface="rosenbrock", steps=300)
_times = []
for _lr in np.geomspace(0.003, 0.3, {moves}):
    _start = time.perf_counter()
    _explorer.controls["lr"].value = float(_lr)   # observe -> refresh -> new JPEG
    _times.append(time.perf_counter() - _start)
print(f"{{1000 * statistics.median(_times):.1f}}")
"""

OBSERVE = """() => {
  const image = document.querySelector('.widget-image');
  const before = image.src;
  window.__shown = null;
  const observer = new MutationObserver(() => {
    if (image.src !== before) { observer.disconnect(); window.__shown = performance.now(); }
  });
  observer.observe(image, {attributes: true, attributeFilter: ['src']});
}"""


def stated_megabytes(site, chapter):
    text = (site / "book" / f"{chapter}.html").read_text()
    return int(re.search(r"loads about (\d+) MB", text).group(1))


def stated_explorer_megabytes(site):
    text = (site / "book" / "adam.html").read_text()
    return int(re.search(r'data-megabytes="(\d+)"', text).group(1))


def to_first_picture(context, base, chapter):
    """Click "Run in your browser" on the chapter's page; times of each part, in seconds."""
    page = context.new_page()
    page.goto(f"{base}/book/{chapter}.html")
    times, start = {}, time.perf_counter()

    def lap(name):
        nonlocal start
        now = time.perf_counter()
        times[name], start = now - start, now

    page.click("a.mlopt-live-run")
    page.wait_for_function(LITE_APP, timeout=120_000)
    lap("JupyterLite page")
    page.evaluate(LITE_READY)
    lap("kernel (Pyodide, IPython)")
    page.evaluate(RUN_CELL, 0)
    lap("first cell (installs mlopt, ipywidgets)")
    page.evaluate(RUN_CELL, page.evaluate(CELL_INDEX, "^import numpy"))
    lap("imports (numpy, matplotlib, mlopt)")
    page.evaluate(RUN_CELL, page.evaluate(CELL_INDEX, "^Explorer\\("))
    show_explorer(page)
    lap("explorer's first picture")
    return page, times


LIVE_IMAGE_OBSERVE = OBSERVE.replace(".widget-image", ".mlopt-live-image")


def in_place(context, base, chapter):
    """Click "Make this explorer live here" on the chapter's page; times of each part, in seconds."""
    page = context.new_page()
    page.goto(f"{base}/book/{chapter}.html")
    page.click(".mlopt-live-here")
    page.wait_for_function("() => window.mlopt_live.shown !== undefined", timeout=120_000)
    live = page.evaluate("window.mlopt_live")
    parts = {"Pyodide (core, stdlib)": live["phases"]["pyodide"] / 1e3,
             "packages (numpy, matplotlib, IPython, mlopt)": live["phases"]["packages"] / 1e3,
             "imports (mlopt.viz.webpage, ipywidgets)": live["phases"]["imports"] / 1e3}
    parts["explorer's first picture"] = (live["shown"] - live["clicked"]) / 1e3 - sum(parts.values())
    return page, parts


def median_move_ms(page, observe, moves):
    """Median ms from a key press to the new image in the page; ``moves`` yields, per move,
    what to do first and the key to press."""
    times = []
    for prepare, key in moves:
        page.evaluate(observe)
        prepare()
        start = page.evaluate("performance.now()")
        page.keyboard.press(key)
        page.wait_for_function("() => window.__shown !== null", timeout=30_000)
        times.append(page.evaluate("window.__shown") - start)
    return statistics.median(times)


def in_place_moves(page):
    """Press the right arrow on the live lr slider, MOVES times."""
    slider = page.locator(".mlopt-live-control:has(> .mlopt-live-label:text-is('lr')) input")
    return median_move_ms(page, LIVE_IMAGE_OBSERVE, ((slider.focus, "ArrowRight") for _ in range(MOVES)))


def end_to_end_moves(page):
    """Type a new lr into the notebook slider's readout, MOVES values from 0.003 to 0.3."""
    readout = page.locator(".widget-slider:has(> .widget-label:text-is('lr')) .widget-readout").first

    def typing(lr):
        def prepare():
            readout.click()
            page.keyboard.press("Control+A")
            page.keyboard.type(f"{lr:.4g}")
        return prepare

    lrs = [0.003 * (100 ** (i / (MOVES - 1))) for i in range(MOVES)]
    return median_move_ms(page, OBSERVE, ((typing(lr), "Enter") for lr in lrs))


def python_side_in_browser(page):
    return float(execute(page, PYTHON_SIDE.format(moves=MOVES)))


def python_side_here():
    namespace = {}
    exec(PYTHON_SIDE.format(moves=MOVES).replace("print(", "_result = ("), namespace)
    return float(namespace["_result"])


def report(title, times):
    print(title)
    for name, seconds in times.items():
        print(f"  {name:42s} {seconds:6.2f} s")
    print(f"  {'total':42s} {sum(times.values()):6.2f} s")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=pathlib.Path, default=ROOT / "_build" / "html")
    parser.add_argument("--chapter", default="adam")
    args = parser.parse_args()
    if not (args.site / "lite" / "jupyter-lite.json").exists():
        raise SystemExit(f"no in-browser edition in {args.site}: run `make book` first")
    base, _ = serve(args.site)
    with sync_playwright() as p, tempfile.TemporaryDirectory() as here, tempfile.TemporaryDirectory() as profile:
        def launch(folder=profile):
            return p.chromium.launch_persistent_context(folder, executable_path=CHROMIUM, args=ARGS,
                                                        viewport={"width": 1280, "height": 900})

        context = launch(here)  # the page's own explorer, in place (a profile of its own)
        sized_here = []
        context.on("requestfinished", lambda r: sized_here.append(r))
        page, here_cold = in_place(context, base, args.chapter)
        here_bytes = downloaded(sized_here, f"{base}/lite/")
        here_outside = [r.url for r in sized_here if not r.url.startswith((base, "data:", "blob:"))]
        here_moves = in_place_moves(page)
        context.close()
        context = launch(here)
        _, here_warm = in_place(context, base, args.chapter)
        context.close()

        context = launch()
        sized = []
        context.on("requestfinished", lambda r: sized.append(r))
        page, cold = to_first_picture(context, base, args.chapter)
        received = downloaded(sized, f"{base}/lite/")
        page_bytes = downloaded(sized, base) - received
        outside = [r.url for r in sized if not r.url.startswith((base, "data:", "blob:"))]
        ms_end_to_end = end_to_end_moves(page)
        ms_python = python_side_in_browser(page)
        context.close()

        context = launch()  # the same profile: the browser's cache is warm
        _, warm = to_first_picture(context, base, args.chapter)
        context.close()

    ms_native = python_side_here()
    report(f"In place, cold (new profile): '{args.chapter}' page, from the click on 'Make this explorer live "
           "here' to its first live picture", here_cold)
    print(f"  downloaded after the click: {here_bytes / 1e6:.1f} MB (the button says about "
          f"{stated_explorer_megabytes(args.site)} MB); requests off 127.0.0.1: {len(here_outside)}")
    report("In place, warm (same profile, browser cache):", here_warm)
    print(f"  lr slider move (arrow key) -> new picture, end to end, median of {MOVES}: {here_moves:.1f} ms")
    print()
    report(f"Cold (new profile): '{args.chapter}' from the click to the first live explorer picture", cold)
    print(f"  downloaded after the click: {received / 1e6:.1f} MB (the page states about "
          f"{stated_megabytes(args.site, args.chapter)} MB; the chapter page itself {page_bytes / 1e6:.1f} MB "
          f"before); requests off 127.0.0.1: {len(outside)}")
    report("Warm (same profile, browser cache):", warm)
    print(f"lr slider move -> new picture, median of {MOVES}:")
    print(f"  Python side in the browser (Explorer.refresh) {ms_python:7.1f} ms")
    print(f"  the same natively here                        {ms_native:7.1f} ms "
          f"(the browser is {ms_python / ms_native:.1f}x slower)")
    print(f"  end to end in the page (readout -> image)     {ms_end_to_end:7.1f} ms")


if __name__ == "__main__":
    main()
