"""End to end in a real browser: a key press on the lr slider -> the new picture shown.

Starts JupyterLab on 127.0.0.1 (``pip install jupyterlab``; not needed for anything
else), opens a notebook in Debian's chromium with Playwright, and times, for the
same figure, `mlopt.viz.widgets.Explorer` against a plain ``ipywidgets.interact`` that
redraws it: from the key press on the slider to the moment the new image is in the
page (a MutationObserver's timestamp), median of the moves.

Run: ``.venv/bin/python benchmarks/widget_browser.py``.
"""

import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

from playwright.sync_api import sync_playwright

MOVES = 15
CELLS = [
    """from mlopt.viz.widgets import Explorer
explorer = Explorer(optimizer="adam", surface="rosenbrock", steps=500)
explorer""",
    """import matplotlib.pyplot as plt
import mlopt
from ipywidgets import FloatLogSlider, interact
from mlopt.viz import plot

surface = mlopt.SURFACES["rosenbrock"]()

def show(lr):
    xy = mlopt.trajectory(mlopt.adam(lr=lr), surface, surface.start, 500)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4.5), layout="constrained")
    plot.contour(left, surface)
    plot.paths(left, {"adam": xy})
    plot.loss_curves(right, surface, {"adam": xy})
    plt.show()

_ = interact(show, lr=FloatLogSlider(value=0.05, base=10, min=-5, max=1, step=0.05, description="lr"))""",
]

OBSERVE = """cell => {
  window.__shown = [];
  new MutationObserver(() => {
    for (const img of cell.querySelectorAll('.jp-OutputArea img')) {
      if (!img.__seen || img.__src !== img.src) {
        img.__seen = true; img.__src = img.src; window.__shown.push(performance.now());
      }
    }
  }).observe(cell, {subtree: true, childList: true, attributes: true, attributeFilter: ['src']});
}"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def notebook(path):
    cells = [{"cell_type": "code", "metadata": {}, "source": c, "outputs": [], "execution_count": None}
             for c in CELLS]
    meta = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    path.write_text(json.dumps({"cells": cells, "metadata": meta, "nbformat": 4, "nbformat_minor": 5}))


def time_moves(page, cell):
    page.evaluate(OBSERVE, cell.element_handle())
    handle = cell.locator(".widget-hslider", has_text="lr").first.locator(".noUi-handle")
    handle.focus()
    times = []
    for _ in range(MOVES):
        seen = page.evaluate("window.__shown.length")
        start = page.evaluate("performance.now()")
        page.keyboard.press("ArrowRight")
        page.wait_for_function(f"window.__shown.length > {seen}", timeout=20000)
        page.wait_for_timeout(150)  # let a burst of updates settle
        times.append(page.evaluate(f"window.__shown[{seen}]") - start)
    return statistics.median(times)


def main():
    folder = tempfile.mkdtemp()
    notebook(__import__("pathlib").Path(folder) / "bench.ipynb")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
         "--ServerApp.token=", "--ServerApp.password=", f"--ServerApp.root_dir={folder}",
         "--LabApp.news_url=", "--allow-root", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": os.getcwd()},
    )
    try:
        for _ in range(60):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                        args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"http://127.0.0.1:{port}/lab/tree/bench.ipynb")
            page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60000)
            page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=60000)
            cells = page.locator(".jp-Notebook .jp-Cell")
            for attempt in range(3):  # the first menu click can come before the notebook is ready
                page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
                page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
                try:
                    for i in range(len(CELLS)):
                        cells.nth(i).locator(".jp-OutputArea img").first.wait_for(timeout=30000)
                    break
                except Exception:
                    if attempt == 2:
                        raise
            cells.nth(0).screenshot(path=os.path.join(folder, "lab.png"))
            ours = time_moves(page, cells.nth(0))
            theirs = time_moves(page, cells.nth(1))
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=20)
    print(f"Key press on the lr slider -> new picture in JupyterLab (chromium), median of {MOVES}")
    print(f"  Explorer                {ours:7.1f} ms")
    print(f"  interact (full redraw)  {theirs:7.1f} ms")
    print(f"  speed-up                {theirs / ours:7.1f}x")
    print(f"  screenshot: {os.path.join(folder, 'lab.png')}")


if __name__ == "__main__":
    main()
