"""The live explorer: it draws mlopt's own paths, redraws contours only when needed,
and shows the controls of the chosen optimizer."""

import io

import numpy as np
import pytest
from PIL import Image

pytest.importorskip("ipywidgets")

import mlopt  # noqa: E402
from mlopt.records import ON_SURFACES, record  # noqa: E402
from mlopt.viz import widgets  # noqa: E402


@pytest.fixture
def explorer():
    return widgets.Explorer(optimizer="adam", surface="rosenbrock", steps=120)


def picture(explorer):
    return np.asarray(Image.open(io.BytesIO(explorer.image.value)).convert("RGB"), dtype=int)


def test_the_picture_is_an_image_of_the_scene(explorer):
    image = Image.open(io.BytesIO(explorer.image.value))
    assert image.format == "JPEG" and image.size == (960, 430)


def test_paths_are_mlopts_own_trajectories(explorer):
    c = explorer.controls
    c["lr"].value, c["beta1"].value = 0.02, 0.8
    surface = mlopt.SURFACES["rosenbrock"]()
    expected = mlopt.trajectory(mlopt.adam(lr=0.02, beta1=0.8), surface, surface.start, 120)
    assert np.array_equal(explorer.scene.paths["adam"], expected)
    line = explorer.scene.artists["adam"][0]
    assert np.array_equal(np.column_stack(line.get_data()), expected)


def test_a_slider_move_redraws_paths_but_not_contours(explorer):
    before, draws = picture(explorer), explorer.scene.background_draws
    explorer.controls["lr"].value = 0.003
    assert explorer.scene.background_draws == draws
    assert np.abs(picture(explorer) - before).sum() > 1000
    explorer.controls["x0"].value = 0.3  # a new start: new paths, same contours
    assert explorer.scene.background_draws == draws
    assert explorer.scene.paths["adam"][0].tolist() == [0.3, 1.0]
    explorer.controls["surface"].value = "himmelblau"
    assert explorer.scene.background_draws == draws + 1
    assert explorer.controls["x0"].min == -5 and explorer.controls["x0"].max == 5


def test_the_sliders_follow_the_optimizer(explorer):
    shown = lambda: [s.description for s in explorer._hyper_box.children]  # noqa: E731
    assert shown() == ["beta1", "beta2", "eps", "weight_decay"]
    explorer.controls["optimizer"].value = "momentum"
    assert shown() == ["beta", "dampening", "weight_decay"]
    assert explorer.controls["beta"].value == 0.9
    assert explorer.controls["lr"].value == pytest.approx(record("momentum").start_lr)
    explorer.controls["optimizer"].value = "adadelta"
    assert shown() == ["rho", "eps", "weight_decay"]
    assert list(explorer.scene.paths) == ["adadelta"]
    explorer.controls["optimizer"].value = "nadam"
    assert shown() == ["beta1", "beta2", "eps", "momentum_decay", "weight_decay"]
    assert explorer.controls["momentum_decay"].value == 4e-3
    explorer.controls["optimizer"].value = "adamw"
    assert explorer.controls["weight_decay"].value == 1e-2  # AdamW's own default
    explorer.controls["optimizer"].value = "lion"
    assert shown() == ["beta1", "beta2", "weight_decay"]


def test_every_optimizer_is_in_the_explorer(explorer):
    assert list(explorer.controls["optimizer"].options) == ON_SURFACES
    assert list(explorer.controls["race"].options) == ON_SURFACES
    # The two that are not there, and why, under the picture.
    assert set(mlopt.OPTIMIZERS) - set(ON_SURFACES) == {"muon", "adafactor"}
    assert any("Muon and Adafactor are not offered here" in getattr(child, "value", "")
               for child in explorer.widget.children)


def test_the_schedule_control_runs_mlopts_schedule(explorer):
    c = explorer.controls
    c["lr"].value = 0.05
    c["schedule"].value = "warmup_cosine"
    surface = mlopt.SURFACES["rosenbrock"]()
    schedule = mlopt.schedules.warmup_cosine(0.05, warmup_steps=12, total_steps=120)
    expected = mlopt.trajectory(mlopt.adam(lr=schedule), surface, surface.start, 120)
    assert np.array_equal(explorer.scene.paths["adam"], expected)
    c["steps"].value = 200  # the schedule is reshaped for the new length
    schedule = mlopt.schedules.warmup_cosine(0.05, warmup_steps=20, total_steps=200)
    expected = mlopt.trajectory(mlopt.adam(lr=schedule), surface, surface.start, 200)
    assert np.array_equal(explorer.scene.paths["adam"], expected)
    c["race"].value = ("gd", "lion")  # and to every racer
    lion = mlopt.trajectory(
        mlopt.lion(lr=mlopt.schedules.warmup_cosine(explorer._race_lr["lion"].value, 20, 200)),
        surface, surface.start, 200,
    )
    assert np.array_equal(explorer.scene.paths["lion"], lion)


def test_scrubbing_shows_part_of_the_path_without_recomputing(explorer, monkeypatch):
    calls = []
    real = widgets.trajectory_and_average  # the explorer's one run per optimizer
    monkeypatch.setattr(widgets, "trajectory_and_average", lambda *a: calls.append(a) or real(*a))
    explorer.controls["step"].value = 30
    line = explorer.scene.artists["adam"][0]
    assert len(line.get_xdata()) == 31 and calls == []


def test_race_mode_runs_each_optimizer_with_its_own_lr(explorer):
    c = explorer.controls
    c["race"].value = ("gd", "momentum", "adam")
    assert set(explorer.scene.paths) == {"gd", "momentum", "adam"}
    assert [s.description for s in explorer._race_box.children] == ["lr gd", "lr momentum", "lr adam"]
    explorer._race_lr["gd"].value = 2e-4
    surface = mlopt.SURFACES["rosenbrock"]()
    expected = mlopt.trajectory(mlopt.gd(lr=2e-4), surface, surface.start, 120)
    assert np.array_equal(explorer.scene.paths["gd"], expected)
    c["race"].value = ()
    assert list(explorer.scene.paths) == ["adam"]


def test_noise_gives_stochastic_but_repeatable_paths(explorer):
    clean = explorer.scene.paths["adam"].copy()
    explorer.controls["noise"].value = 1.0
    noisy = explorer.scene.paths["adam"].copy()
    explorer.refresh()
    assert not np.array_equal(clean, noisy)
    assert np.array_equal(explorer.scene.paths["adam"], noisy)


def test_the_start_and_the_steps(explorer):
    c = explorer.controls
    c["x0"].value, c["y0"].value, c["steps"].value = 0.5, 2.0, 50
    path = explorer.scene.paths["adam"]
    assert path.shape == (51, 2) and np.array_equal(path[0], [0.5, 2.0])
    assert c["step"].max == 50 and c["play"].max == 50


def test_an_averaging_optimizer_shows_its_iterates_and_its_evaluated_average(explorer):
    """Schedule-Free: y, where the gradients are taken, and x, where the model is evaluated,
    in the same colour, with other dashes; the alt text says which is which."""
    c = explorer.controls
    c["optimizer"].value = "sgd_schedule_free"
    c["lr"].value = 1e-3
    surface = mlopt.SURFACES["rosenbrock"]()
    opt = mlopt.sgd_schedule_free(lr=1e-3)
    paths = explorer.scene.paths
    assert set(paths) == {"sgd_schedule_free", "sgd_schedule_free: x, evaluated"}
    assert np.array_equal(paths["sgd_schedule_free"], mlopt.trajectory(opt, surface, surface.start, 120))
    assert np.array_equal(paths["sgd_schedule_free: x, evaluated"],
                          mlopt.trajectory(opt, surface, surface.start, 120, evaluated=True))
    y_line, x_line = (explorer.scene.artists[label][0] for label in paths)
    assert y_line.get_color() == x_line.get_color() and x_line.get_linestyle() != y_line.get_linestyle()
    assert "evaluated at" in explorer.describe()
    c["optimizer"].value = "adam"
    assert set(explorer.scene.paths) == {"adam"} and "evaluated at" not in explorer.describe()
