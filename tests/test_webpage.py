"""The explorer on a plain web page (mlopt.viz.webpage): its widgets listed as data, and a
change from the page applied to the very widgets Jupyter shows."""

import io
import json

import numpy as np
import pytest
from PIL import Image

pytest.importorskip("ipywidgets")

import mlopt
from mlopt.records import ON_SURFACES  # noqa: E402
from mlopt.viz.webpage import Page  # noqa: E402


@pytest.fixture
def page():
    return Page(optimizer="adam", surface="rosenbrock", steps=120)


def controls(state):
    """``{label: node}`` of every control in a state's tree."""
    found, todo = {}, [state["tree"]]
    while todo:
        node = todo.pop()
        todo.extend(node.get("children", []))
        if "id" in node:
            found[node["label"]] = node
    return found


def test_the_state_is_json_and_a_jpeg_of_the_explorer(page):
    state = page.state()
    json.dumps(state["tree"])  # plain data, as the page receives it
    assert Image.open(io.BytesIO(state["image"])).format == "JPEG"
    assert state["image"] == page.explorer.image.value
    assert set(controls(state)) == {"optimizer", "surface", "lr", "lr schedule", "beta1", "beta2", "eps",
                                    "weight_decay", "start x", "start y", "steps", "noise σ", "play",
                                    "show step", "race"}
    image = [n for n in json.loads(json.dumps(state["tree"]))["children"] if n["kind"] == "image"]
    assert image == [{"kind": "image", "alt": page.explorer.describe()}]


def test_a_log_slider_travels_as_its_exponent(page):
    lr = controls(page.state())["lr"]
    assert lr["kind"] == "range" and np.isclose(10 ** lr["value"], page.explorer.controls["lr"].value)
    after = controls(page.set(lr["id"], -1.5))
    assert page.explorer.controls["lr"].value == 10 ** -1.5 and after["lr"]["readout"] == "3.16e-02"
    surface = mlopt.SURFACES["rosenbrock"]()
    expected = mlopt.trajectory(mlopt.adam(lr=10 ** -1.5), surface, surface.start, 120)
    assert np.array_equal(page.explorer.scene.paths["adam"], expected)  # mlopt's own run


def test_a_menu_travels_as_an_index_and_the_controls_follow(page):
    before = page.state()
    optimizer = controls(before)["optimizer"]
    after = page.set(optimizer["id"], optimizer["options"].index("momentum"))
    assert page.explorer.controls["optimizer"].value == "momentum"
    assert "beta" in controls(after) and "beta1" not in controls(after)
    assert after["image"] != before["image"]


def test_play_drives_the_step_as_in_jupyter(page):
    play = controls(page.state())["play"]
    state = page.set(play["id"], 10)
    assert page.explorer.controls["step"].value == 10 and page.explorer.scene.step == 10
    assert controls(state)["show step"]["value"] == 10


def test_a_race_lists_each_racers_lr(page):
    race = controls(page.state())["race"]
    state = page.set(race["id"], [race["options"].index("gd"), race["options"].index("lion")])
    assert page.explorer.controls["race"].value == ("gd", "lion")
    assert {"lr gd", "lr lion"} <= set(controls(state))
    assert set(page.explorer.scene.paths) == {"gd", "lion"}


def test_the_surface_moves_the_start_sliders(page):
    surface = controls(page.state())["surface"]
    state = page.set(surface["id"], surface["options"].index("himmelblau"))
    himmelblau = mlopt.SURFACES["himmelblau"]()
    x = controls(state)["start x"]
    assert (x["min"], x["max"]) == himmelblau.bounds[0] and x["value"] == himmelblau.start[0]


def test_an_unknown_control_is_named(page):
    page.state()
    with pytest.raises(KeyError, match="widget_id 'nope' is not a control of this page"):
        page.set("nope", 1)


@pytest.mark.parametrize("value", [len(ON_SURFACES), -1, 1.5, "adam"])
def test_a_menu_value_that_is_not_an_option_is_named(page, value):
    optimizer = controls(page.state())["optimizer"]
    last = len(ON_SURFACES) - 1  # the explorer's optimizers: those that run on a 2D surface
    with pytest.raises(ValueError, match=rf"is not the index of an option of 'optimizer' \(0 to {last}\)"):
        page.set(optimizer["id"], value)
    assert page.explorer.controls["optimizer"].value == "adam"
