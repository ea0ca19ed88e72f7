"""The live explorer: sliders for an optimizer on a surface (ipywidgets 8).

Only standard ipywidgets are used (no front-end extension), so it runs in
JupyterLab, Notebook 7, VS Code, Binder, JupyterHub and Colab. The picture is a
`mlopt.viz.scene.Scene` shown as a JPEG in an ``Image`` widget: a slider move
recomputes the paths with `mlopt.trajectory` and blits them onto contours that
are drawn once per surface.

    from mlopt.viz.widgets import Explorer
    Explorer(optimizer="adam", surface="rosenbrock")
"""

import base64
import contextlib
import html
import inspect
import json

import ipywidgets as w
import numpy as np

from ..hyper import FACTS
from ..optimizers import OPTIMIZERS
from ..records import ON_SURFACES, on_surfaces, record
from ..schedules import SCHEDULES, preset
from ..surfaces import SURFACES
from ..trajectory import trajectory_and_average
from .scene import Scene


def _slider(fact):
    """A slider's class and options from a hyperparameter's facts (mlopt.hyper.FACTS)."""
    scale, low, high, step, readout = fact.slider
    options = dict(min=low, max=high, step=step, **({"readout_format": readout} if readout else {}))
    if scale == "log":
        return w.FloatLogSlider, dict(base=10, **options)
    return w.FloatSlider, options


SLIDERS = {  # hyperparameter -> (widget class, options), lr's apart: it comes first, with the schedule
    name: _slider(fact) for name, fact in FACTS.items() if fact.slider and name != "lr"
}
# Why two optimizers of the book are not among the explorer's (shown under it).
NOT_HERE = ("Muon and Adafactor are not offered here: each acts on a whole matrix, and a point of these "
            "surfaces is a vector of two numbers. On one (a 1 x 2 matrix) Muon would step the same distance, "
            "0.70 lr, along its momentum's direction whatever the gradient's size, and Adafactor would be an "
            "RMSProp whose steps scale with the point's size. The chapter on matrices runs both.")
# Where the static page's "run it live" link goes: the website's build replaces it.
LIVE_LINK = "#mlopt-live"
LR = _slider(FACTS["lr"])[1]


def defaults(name):
    """The factory's keyword defaults: ``{"lr": 1e-3, "beta1": 0.9, ...}``."""
    return {k: p.default for k, p in inspect.signature(OPTIMIZERS[name]).parameters.items()}


class Explorer:
    """Sliders for one optimizer (or a race of several) on one surface, and the picture.

    Display it as the last expression of a cell. ``scene`` holds the figure;
    ``controls`` maps each control's name to its widget.
    """

    def __init__(self, optimizer="adam", surface="rosenbrock", steps=300, race=()):
        self.arguments = dict(optimizer=optimizer, surface=surface, steps=steps, race=list(race))
        self.scene = Scene()
        self._surfaces = {name: make() for name, make in SURFACES.items()}
        c = self.controls = {}
        c["optimizer"] = w.Dropdown(options=ON_SURFACES, value=optimizer, description="optimizer")
        c["surface"] = w.Dropdown(options=list(SURFACES), value=surface, description="surface")
        c["lr"] = w.FloatLogSlider(value=record(optimizer).start_lr, description="lr", **LR)
        c["schedule"] = w.Dropdown(options=list(SCHEDULES), value="constant", description="lr schedule")
        for name, (cls, options) in SLIDERS.items():
            c[name] = cls(description=name, continuous_update=True, **options)
        start = self._surfaces[surface].start
        c["x0"] = w.FloatSlider(value=start[0], description="start x", step=0.01)
        c["y0"] = w.FloatSlider(value=start[1], description="start y", step=0.01)
        c["steps"] = w.IntSlider(value=steps, min=10, max=1000, step=10, description="steps")
        c["noise"] = w.FloatSlider(value=0.0, min=0.0, max=5.0, step=0.05, description="noise σ")
        c["step"] = w.IntSlider(value=steps, min=0, max=steps, description="show step")
        c["play"] = w.Play(value=steps, min=0, max=steps, step=1, interval=20, description="play")
        # Kept in the front end, so playing costs no round trip; mlopt.viz.webpage applies it itself.
        self.links = [((c["play"], "value"), (c["step"], "value"))]
        for source, target in self.links:
            w.jslink(source, target)
        c["race"] = w.SelectMultiple(options=ON_SURFACES, value=tuple(race),
                                     description="race", rows=len(ON_SURFACES))
        self._race_lr = {
            name: w.FloatLogSlider(value=record(name).start_lr, description=f"lr {name}", **LR)
            for name in ON_SURFACES
        }
        self.image = w.Image(format="jpeg", layout=w.Layout(width="100%", max_width="960px"))
        self.caption = w.HTML()  # what the picture shows, in words (ipywidgets' Image has no alt)
        self._race_box = w.VBox()
        self._hyper_box = w.VBox()
        self.widget = w.VBox([
            w.HBox([c["optimizer"], c["surface"]]),
            w.HBox([w.VBox([c["lr"], c["schedule"], self._hyper_box]),
                    w.VBox([c["x0"], c["y0"], c["steps"], c["noise"]])]),
            w.HBox([c["play"], c["step"]]),
            self.image,
            self.caption,
            w.HBox([c["race"], w.VBox([w.HTML(
                "<small>Race: pick several optimizers (ctrl/cmd-click), each with its own lr; "
                "pick none to go back to one.</small>"), self._race_box])]),
            w.HTML(f"<small>{NOT_HERE}</small>"),
        ])
        self._set_optimizer(optimizer, keep_lr=True)
        self._set_surface()
        for name in ("lr", "schedule", *SLIDERS, "noise"):
            c[name].observe(self._on_setting, "value")
        for slider in self._race_lr.values():
            slider.observe(self._on_setting, "value")
        c["optimizer"].observe(lambda change: self._set_optimizer(change["new"]), "value")
        c["surface"].observe(lambda change: self._set_surface(), "value")
        for name in ("x0", "y0"):
            c[name].observe(self._on_setting, "value")
        c["steps"].observe(self._on_frame, "value")
        c["step"].observe(self._on_step, "value")
        c["race"].observe(self._on_race, "value")
        self._on_race()

    # What the reader sees ---------------------------------------------------
    def _repr_mimebundle_(self, **kwargs):
        """The live widget, and for a page without a kernel its picture as HTML.

        Jupyter front ends show the widget (they rank widget views first); the
        book's website shows the HTML instead (``nb_mime_priority_overrides`` in
        _config.yml): the picture, what it shows, and how to make it live, rather
        than controls that would do nothing. The link's address is written by the
        website's build in place of ``LIVE_LINK``.
        """
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/html"] = self.snapshot_html()
        return bundle

    def describe(self):
        """What the picture shows, in words (the picture's alt text)."""
        c = self.controls
        who = ", ".join(c["race"].value) or f"{c['optimizer'].value} at lr {c['lr'].value:.3g}"
        return (f"Paths of {who} on the {c['surface'].value} surface for {c['steps'].value} steps "
                f"from ({c['x0'].value:.3g}, {c['y0'].value:.3g}), drawn over the loss contours "
                f"(left), and the loss against the step on a log scale (right)."
                + (" A second path in the same colour, with other dashes, is the average the model is evaluated at "
                   "(ASGD's ax, Schedule-Free's x)." if any(o.evaluate_at for o in self.runs().values()) else ""))

    def snapshot_html(self):
        picture = base64.b64encode(self.scene.image()).decode()
        arguments = html.escape(json.dumps(self.arguments), quote=True)
        own = [name.replace("_", " ") for name in defaults(self.arguments["optimizer"]) if name in SLIDERS]
        return (
            f'<figure class="mlopt-explorer-snapshot" data-explorer="{arguments}">'
            f'<img src="data:image/jpeg;base64,{picture}" alt="{html.escape(self.describe())}" '
            'style="width:100%;max-width:960px">'
            f"<figcaption>The explorer as it starts. Its controls (optimizer, surface, lr, "
            f"{', '.join(own)}, lr schedule, start, steps, noise, play and race) work "
            f'wherever Python runs: <a class="mlopt-live-link" href="{LIVE_LINK}">run this chapter '
            "in your browser</a>, or open it on Binder or Colab (the launch button at the top of "
            "the page).</figcaption></figure>"
        )

    @property
    def surface(self):
        return self._surfaces[self.controls["surface"].value]

    @property
    def start(self):
        return np.array([self.controls["x0"].value, self.controls["y0"].value])

    def runs(self):
        """``{label: optimizer}`` for the current controls: one optimizer, or the race.

        The lr schedule applies to every run, shaped for the number of steps.
        """
        c = self.controls

        def lr(value):  # a constant stays a float: no per-step schedule call
            name = c["schedule"].value
            return value if name == "constant" else preset(name, value, c["steps"].value)

        racers = c["race"].value
        if racers:  # each with its own lr and its surface settings (L-BFGS: one iteration per step)
            return {name: on_surfaces(name, lr=lr(self._race_lr[name].value)) for name in racers}
        name = c["optimizer"].value
        hyper = {k: c[k].value for k in defaults(name) if k in c}
        return {name: on_surfaces(name, **{**hyper, "lr": lr(hyper["lr"])})}

    # Reactions ------------------------------------------------------------------
    def _set_optimizer(self, name, keep_lr=False):
        """Show the sliders of this optimizer's hyperparameters, at its defaults."""
        c, values = self.controls, defaults(name)
        with self._hold():
            if not keep_lr:
                c["lr"].value = record(name).start_lr
            for key in SLIDERS:
                if key in values:
                    c[key].value = values[key]
        self._hyper_box.children = [c[key] for key in SLIDERS if key in values]
        self.refresh()

    def _set_surface(self):
        surface, c = self.surface, self.controls
        (x0, x1), (y0, y1) = surface.bounds
        with self._hold():
            for key, low, high, value in (("x0", x0, x1, surface.start[0]), ("y0", y0, y1, surface.start[1])):
                c[key].min, c[key].max = -1e9, 1e9  # no clipping while the range moves
                c[key].min, c[key].max, c[key].value = low, high, value
                c[key].step = (high - low) / 400
        self._on_frame()

    def _on_frame(self, change=None):
        """The surface or the number of steps changed: new background, new paths."""
        if getattr(self, "_held", False):
            return
        c = self.controls
        steps = c["steps"].value
        with self._hold():
            for key in ("step", "play"):
                c[key].max = steps
                c[key].value = steps
        self.scene.set_surface(self.surface, steps)
        self.refresh()

    def _on_setting(self, change=None):
        if not getattr(self, "_held", False):
            self.refresh()

    def _on_step(self, change):
        if not getattr(self, "_held", False):
            self.scene.step = change["new"]
            self.image.value = self.scene.image()

    def _on_race(self, change=None):
        racers = self.controls["race"].value
        self._race_box.children = [self._race_lr[name] for name in racers]
        self.refresh()

    def refresh(self):
        """Recompute the paths for the current controls and redraw them."""
        if getattr(self, "_held", False) or self.scene.surface is None:
            return
        c = self.controls
        noise = c["noise"].value
        surface = self.surface.with_noise(noise, seed=0) if noise else self.surface
        paths = {}
        for label, opt in self.runs().items():
            paths[label], average = trajectory_and_average(opt, surface, self.start, c["steps"].value)
            if average is not None:  # ASGD, Schedule-Free: also the average, where the model is evaluated
                paths[f"{label}: {opt.evaluate_at}, evaluated"] = average
        self.scene.set_paths(paths)
        self.scene.step = c["step"].value
        self.image.value = self.scene.image()
        self.caption.value = f"<small>{html.escape(self.describe())}</small>"

    @contextlib.contextmanager
    def _hold(self):
        """Change several controls without redrawing after each one."""
        previous, self._held = getattr(self, "_held", False), True
        try:
            yield
        finally:
            self._held = previous
