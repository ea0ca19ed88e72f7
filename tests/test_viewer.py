"""The website's kernel-free explorer, driven in headless Chromium (Playwright).

Runs where Debian's chromium and the playwright package are installed (CI
installs both and sets MLOPT_REQUIRE_BROWSER=1, which turns a skip into a failure).
"""

import json
import re

import pytest
from browser import watch

import mlopt
from mlopt.viz.viewer import static_explorer


@pytest.fixture(scope="module")
def page(tmp_path_factory, browser):
    surface = mlopt.SURFACES["rosenbrock"]()
    viewer = static_explorer(surface, {"gd": "gd", "momentum": "momentum", "adam": "adam"}, steps=150)
    html = tmp_path_factory.mktemp("viewer") / "viewer.html"
    html.write_text(f"<!doctype html><meta charset='utf-8'><body>{viewer.html}</body>")
    page = watch(browser.new_page(viewport={"width": 1000, "height": 700}))
    page.goto(html.as_uri())
    page.wait_for_load_state("load")
    yield page
    page.close()


def canvas(page):
    return page.eval_on_selector(".mlopt-viewer canvas", "c => c.toDataURL()")


def test_it_loads_offline_without_errors(page):
    assert page.problems == []
    assert all(url.startswith(("file:", "data:")) for url in page.requests), page.requests
    assert page.eval_on_selector(".mlopt-viewer img", "i => i.complete && i.naturalWidth") == 960


def test_the_paths_are_drawn(page):
    blank = page.evaluate(
        "() => { const c = document.createElement('canvas'); c.width = 960; c.height = 432;"
        " return c.toDataURL(); }"
    )
    assert canvas(page) != blank


def test_moving_a_learning_rate_changes_the_picture(page):
    slider = page.locator(".mlopt-lr").nth(1)  # momentum
    before, label = canvas(page), slider.evaluate("s => s.nextElementSibling.value")
    slider.focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    assert slider.input_value() == "15"
    assert canvas(page) != before
    assert slider.evaluate("s => s.nextElementSibling.value") != label
    expected = mlopt.viz.viewer.lr_grid("momentum")[15]
    assert float(slider.evaluate("s => s.nextElementSibling.value")) == pytest.approx(expected, rel=1e-2)


def test_scrubbing_and_playing_the_steps(page):
    step = page.locator(".mlopt-step")
    full = canvas(page)
    step.focus()
    page.keyboard.press("Home")
    assert step.input_value() == "0" and canvas(page) != full
    page.click(".mlopt-play")
    page.wait_for_timeout(600)
    assert 0 < int(step.input_value())
    page.wait_for_function("() => +document.querySelector('.mlopt-step').value === 150", timeout=10000)
    assert page.inner_text(".mlopt-play").strip().endswith("play")
    assert page.problems == []


def test_a_chapter_sized_viewer_stays_under_3_mb():
    surface = mlopt.SURFACES["himmelblau"]()
    names = ["gd", "momentum", "nesterov", "adam"]
    viewer = static_explorer(surface, {n: n for n in names}, steps=300)
    assert len(viewer.html.encode()) < 3e6
    again = static_explorer(surface, {n: n for n in names}, steps=300)
    assert again.html == viewer.html  # deterministic: notebooks that show it stay stable
    assert "http" not in viewer.html.replace("http://www.w3.org", "")
    assert viewer.html.count('class="mlopt-lr"') == len(names)


def test_an_averaging_optimizer_also_shows_its_evaluated_average():
    """Schedule-Free's kernel-free view carries x (the evaluated average) beside y, for every lr of
    its grid, with other dashes; an optimizer without an average carries nothing more."""
    surface = mlopt.SURFACES["quadratic"]()
    viewer = static_explorer(surface, {"sgd_schedule_free": "sgd_schedule_free", "adam": "adam"}, steps=40)
    data = json.loads(re.search(r"data = (\{.*?\});\n", viewer.html).group(1))
    free, adam = data["runs"]
    assert "evaluated" not in adam and len(free["evaluated"]["paths"]) == len(free["paths"])
    assert free["evaluated"]["dash"] != free["dash"]
    assert free["evaluated"]["paths"] != free["paths"]
    assert "the average the model is evaluated at" in viewer.html
