"""The website's in-browser edition: chapters run live, offline, from the site's own files.

Three chapters (one of the source post's, one after Adam, the theory chapter) are
opened in JupyterLite from the built site served on 127.0.0.1, in a fresh browser
profile (a cold cache): every cell runs without error, the explorer appears and its
picture changes when the lr slider and a beta slider move, and the self-check
names the step and the variable where a deliberately wrong rule differs. Every
request stays on 127.0.0.1. The student edition runs up to its first stub, and a
reader's runaway cell does not take the page down (restarting the kernel works).
A chapter page's own explorer goes live in place (its button starts Python in a web
worker) and every kind of control works there.
"""

import json
import pathlib
import sys

import nbformat
import pytest
import yaml
from browser import axe_violations, downloaded, execute, open_lite, run_all, show_explorer, watch_context

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import lite_site  # noqa: E402

SCREENSHOTS = ROOT / "_build" / "screenshots"
LIVE_CHAPTERS = ["adam", "lion", "theory"]

WRONG_MOMENTUM = """
from mlopt.selfcheck import check

def my_momentum(theta, g, v, *, t, lr, beta, weight_decay):
    v = beta * v + (1 - beta) * g   # an average, not torch's sum: a common slip
    return theta - lr * v, v

verdict = check("momentum", my_momentum)
print(verdict.step, verdict.variable)
print(verdict)
"""


def lite(server, path):
    return f"{server}/lite/notebooks/index.html?path={path}"


def slider(page, label):
    return page.locator(f".widget-slider:has(> .widget-label:text-is('{label}'))").first


def picture(page):
    return page.locator(".widget-image").first.get_attribute("src")


def set_slider(page, label, value):
    """Type a value into a slider's readout, as a reader can, and wait for a new picture."""
    before = picture(page)
    readout = slider(page, label).locator(".widget-readout")
    readout.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(str(value))
    page.keyboard.press("Enter")
    page.wait_for_function("before => document.querySelector('.widget-image').src !== before", arg=before,
                           timeout=30_000)
    return picture(page)


def offsite(context, server):
    return [u for u in context.requests if not u.startswith((server, "data:", "blob:", "about:"))]


@pytest.fixture
def context(browser):
    """A new browser profile: nothing cached, every request and its size recorded."""
    context = watch_context(browser.new_context(viewport={"width": 1280, "height": 900}))
    context.finished = []
    context.on("requestfinished", lambda r: context.finished.append(r))
    yield context
    context.close()


def stated_mb():
    """What the pages say a first visit downloads (_config.yml's substitutions)."""
    return yaml.safe_load((ROOT / "_config.yml").read_text())["parse"]["myst_substitutions"]


@pytest.mark.parametrize("chapter", LIVE_CHAPTERS)
def test_a_chapter_runs_live_in_the_browser(server, context, chapter):
    page = open_lite(context, lite(server, f"{chapter}.ipynb"))
    cells = run_all(page)
    failed = [(c["source"][:80], c["errors"]) for c in cells if c["errors"]]
    assert failed == []
    assert all(c["count"] for c in cells), [c["source"][:80] for c in cells if not c["count"]]

    show_explorer(page)
    first = picture(page)
    after_lr = set_slider(page, "lr", 0.02)
    beta = next(label for label in ("beta1", "beta", "rho") if slider(page, label).count())
    after_beta = set_slider(page, beta, 0.5)
    assert len({first, after_lr, after_beta}) == 3

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"live-{chapter}.png"))
    assert axe_violations(page) == []  # the interface and the explorer's controls, in view

    lines = execute(page, WRONG_MOMENTUM).splitlines()
    assert lines[0] == "1 theta" and lines[1] == "momentum: differs at step 1 in theta:", lines
    assert offsite(context, server) == []

    # "The first visit loads about N MB", as the chapter page says
    megabytes = downloaded(context.finished, f"{server}/lite/") / 1e6
    assert 0.75 * stated_mb()["live_mb"] <= megabytes <= 1.25 * stated_mb()["live_mb"], megabytes


def live_picture(page):
    return page.locator(".mlopt-live-image").get_attribute("src")


def live_control(page, label):
    return page.locator(f".mlopt-live-control:has(> .mlopt-live-label:text-is('{label}'))")


def move(page, label, key):
    """Press a key on a live control, as a reader can, and wait for the new picture."""
    before = live_picture(page)
    live_control(page, label).locator("input, select").focus()
    page.keyboard.press(key)
    page.wait_for_function("before => document.querySelector('.mlopt-live-image').src !== before",
                           arg=before, timeout=30_000)
    return live_picture(page)


@pytest.mark.parametrize("chapter", ["adam", "lion"])
def test_a_pages_explorer_goes_live_in_place(server, context, chapter):
    """The chapter page's own explorer, made live by its button: Python in a web worker."""
    page = context.new_page()
    page.goto(f"{server}/book/{chapter}.html")
    button = page.locator(".mlopt-live-here")
    assert button.count() == 1 and "MB" not in button.inner_text()
    button.click()
    assert f"about {stated_mb()['live_explorer_mb']} MB" in page.inner_text(".mlopt-live-status")
    page.wait_for_function("() => window.mlopt_live.shown !== undefined", timeout=120_000)
    first = live_picture(page)
    assert first.startswith("blob:") and page.locator(".mlopt-explorer-snapshot > img").count() == 0

    readout = live_control(page, "lr").locator("output")
    lr_before = readout.inner_text()
    after_lr = move(page, "lr", "ArrowRight")
    assert readout.inner_text() != lr_before
    after_beta = move(page, "beta1", "ArrowLeft")
    assert len({first, after_lr, after_beta}) == 3
    alt = page.locator(".mlopt-live-image").get_attribute("alt")
    assert alt.startswith(f"Paths of {chapter} at lr ")

    move(page, "optimizer", "Home")  # gd: no betas
    assert live_control(page, "beta1").count() == 0 and live_control(page, "weight_decay").count() == 1

    step = live_control(page, "show step").locator("output")
    move(page, "show step", "Home")
    assert step.inner_text() == "0"
    page.locator(".mlopt-live-play").click()  # plays to the last step, then stops
    page.wait_for_function("() => document.querySelector('.mlopt-live-play').getAttribute('aria-pressed')"
                           " === 'false'", timeout=60_000)
    assert step.inner_text() == live_control(page, "steps").locator("output").inner_text()

    page.locator(".mlopt-live-control select[multiple]").select_option(["adam", "lion"])
    page.wait_for_function("() => document.querySelectorAll('.mlopt-live-label').length > 12")
    assert live_control(page, "lr adam").count() == 1 and live_control(page, "lr lion").count() == 1

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.locator(".mlopt-explorer-snapshot").screenshot(path=str(SCREENSHOTS / f"live-here-{chapter}.png"))
    assert axe_violations(page) == []
    assert offsite(context, server) == []
    megabytes = downloaded(context.finished, f"{server}/lite/") / 1e6
    stated = stated_mb()["live_explorer_mb"]
    assert 0.75 * stated <= megabytes <= 1.25 * stated, megabytes


def test_scikit_learn_adds_what_the_real_data_chapter_says(site):
    lock = json.loads((site / "lite" / "static" / "pyodide" / "pyodide-lock.json").read_text())
    extra = {"scikit-learn", "scipy", "joblib", "threadpoolctl", "openblas"}
    size = sum((site / "lite" / "static" / "pyodide" / p["file_name"]).stat().st_size
               for k, p in lock["packages"].items() if k in extra) / 1e6
    assert abs(size - stated_mb()["live_sklearn_mb"]) < 0.1 * stated_mb()["live_sklearn_mb"], size


def test_the_student_edition_runs_up_to_its_first_stub(server, context):
    page = open_lite(context, lite(server, "student/adam.ipynb"))
    cells = run_all(page)
    stub = next(i for i, c in enumerate(cells) if c["errors"])
    assert "NotImplementedError" in cells[stub]["errors"][0] and "Exercise" in cells[stub]["source"]
    assert all(c["count"] and not c["errors"] for c in cells[:stub])
    assert offsite(context, server) == []


def test_a_runaway_cell_leaves_the_page_usable(server, context):
    page = open_lite(context, lite(server, "gd.ipynb"))
    assert "ZeroDivisionError" in execute(page, "1 / 0")
    page.evaluate("""() => { window.jupyterapp.shell.currentWidget.sessionContext.session.kernel
                            .requestExecute({code: 'while True: pass'}); }""")
    page.evaluate("async () => { await window.jupyterapp.shell.currentWidget.sessionContext.session"
                  ".kernel.restart(); }")
    page.evaluate("async () => { await window.jupyterapp.shell.currentWidget.sessionContext.session"
                  ".kernel.info; }")
    first_cell = nbformat.read(ROOT / "book" / "gd.ipynb", as_version=4).cells[0].source
    execute(page, first_cell)  # what a reader runs first after a restart
    assert execute(page, "print(sorted(mlopt.OPTIMIZERS)[:2])") == "['adadelta', 'adafactor']\n"


def test_the_kernel_never_reaches_beyond_the_site(site):
    lite_site.check_config(site / "lite")  # local Pyodide, local wheels, no PyPI fallback
    served = json.loads((site / "lite" / "static" / "pyodide" / "pyodide-lock.json").read_text())
    for package in served["packages"].values():  # the served lock lists only served files
        assert (site / "lite" / "static" / "pyodide" / package["file_name"]).exists()


def test_a_students_saved_work_is_there_on_the_next_visit(server, context):
    """What the instructors' page promises: saved edits stay in the browser; download is offered."""
    url = lite(server, "student/gd.ipynb")
    page = open_lite(context, url)
    page.evaluate("""async () => {
      const panel = window.jupyterapp.shell.currentWidget;
      panel.content.widgets[1].model.sharedModel.setSource('# my answer: 42');
      await window.jupyterapp.commands.execute('docmanager:save');
    }""")
    assert page.evaluate("() => window.jupyterapp.commands.isEnabled('docmanager:download')")
    page.close()
    again = open_lite(context, url)
    assert again.evaluate("() => window.jupyterapp.shell.currentWidget.content.widgets[1]"
                          ".model.sharedModel.getSource()") == "# my answer: 42"
