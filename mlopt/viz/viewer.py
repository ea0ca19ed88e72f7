"""The kernel-free explorer for the website: precomputed paths, a tiny inline viewer.

On the static website no Python runs, so a slider of the live `Explorer` moves
but its picture cannot change. `static_explorer` computes, at build time and
with the same `mlopt.trajectory`, every path over a log grid of learning rates,
and returns one self-contained HTML block: the background (contours, loss axes)
as an embedded PNG, the paths already in pixel coordinates, and a few lines of
JavaScript that draw them on a canvas as the reader moves an lr slider per
optimizer or plays and scrubs through the steps. It loads nothing from the
network, and its output is the same on every build (ids come from a hash of
the content), so notebooks that show it stay deterministic.
"""

import base64
import hashlib
import io
import json
import re
import string
from importlib import resources

import numpy as np

from ..optimizers import OPTIMIZERS
from ..records import RECORDS, record
from ..trajectory import trajectory_and_average
from . import plot
from .scene import Scene

# The viewer's markup and script, with ${placeholders} that `static_explorer` fills.
_TEMPLATE = string.Template(resources.files(__package__).joinpath("viewer.html").read_text(encoding="utf-8").rstrip())

_SLIDER = (
    '<label style="white-space:nowrap"><span aria-hidden="true" style="display:inline-block;width:16px;'
    'height:4px;margin-right:3px;vertical-align:middle;background:{color}"></span><b>{label}</b> lr '
    '<input type="range" class="mlopt-lr" min="0" max="{top}" value="{index}" '
    'aria-label="learning rate of {label}" style="vertical-align:middle"> '
    "<output>{value}</output></label>"
)


def lr_grid(name, points=25, span=1000.0):
    """``points`` log-spaced learning rates around optimizer ``name``'s start lr (its record's)."""
    centre = record(name).start_lr
    return np.geomspace(centre / np.sqrt(span), centre * np.sqrt(span), points)


def static_explorer(surface, optimizers, steps=200, start=None, lrs=None, width=960):
    """A self-contained HTML viewer of ``optimizers`` on ``surface`` (see the module doc).

    ``optimizers`` maps a label to an optimizer name or factory, optionally with
    fixed hyperparameters: ``{"adam": mlopt.adam, "momentum": (mlopt.momentum,
    {"beta": 0.8})}``. ``lrs`` maps labels to 1-D learning-rate grids (default
    `lr_grid`). Returns an object with ``_repr_html_`` (shown by Jupyter and
    by the book) whose ``html`` attribute is the markup.
    """
    start = surface.start if start is None else np.asarray(start, dtype=float)
    scene = Scene(width=width, height=round(width * 0.45))
    scene.set_surface(surface, steps)
    scene.canvas.draw()
    png = io.BytesIO()
    scene.figure.savefig(png, format="png", dpi=scene.figure.dpi)
    height = scene.canvas.get_width_height()[1]
    to_pixels = _pixels(scene, height)

    runs, sliders = [], []
    for label, spec in optimizers.items():
        factory, fixed = spec if isinstance(spec, tuple) else (spec, {})
        factory = OPTIMIZERS[factory] if isinstance(factory, str) else factory
        grid = np.asarray(lrs[label] if lrs and label in lrs else lr_grid(factory.__name__), dtype=float)
        on_surfaces = RECORDS[factory.__name__].on_surfaces if factory.__name__ in RECORDS else {}
        opt = factory(lr=grid[:, None], **{**on_surfaces, **fixed})
        style = plot.style(label)
        paths, average = trajectory_and_average(opt, surface, start, steps)  # (T, n, 2) each
        drawn = _drawn(scene, surface, paths, style, to_pixels)
        run = {"color": style["color"], "dash": drawn["dash"], "lrs": [f"{lr:.2e}" for lr in grid],
               "paths": drawn["paths"], "losses": drawn["losses"]}
        if average is not None:  # ASGD, Schedule-Free: also the average the model is evaluated at
            run["evaluated"] = _drawn(scene, surface, average, plot.companion(style), to_pixels)
        runs.append(run)
        middle = len(grid) // 2
        sliders.append(_SLIDER.format(color=style["color"], label=label, top=len(grid) - 1,
                                      index=middle, value=f"{grid[middle]:.2e}"))
    pixels_per_point = scene.figure.dpi / 72  # the markers' sizes, as the scene draws them
    marks = {"width": plot.LINE_WIDTH * pixels_per_point}
    for key, marker in (("start", plot.START), ("end", plot.END)):  # [radius, edge width]
        marks[key] = [marker["markersize"] / 2 * pixels_per_point, marker["markeredgewidth"] * pixels_per_point]
    data = json.dumps({"runs": runs, "marks": marks}, separators=(",", ":"))
    png_text = base64.b64encode(png.getvalue()).decode()
    # The id names what was asked for, not the computed pixels: paths are
    # floating-point results whose last bits differ between CPUs, and the id
    # must be the same on every machine that builds the book.
    asked = [surface.name, surface.formula, surface.noise, surface.bounds, start.round(9).tolist(),
             steps, width, [(label, _describe(spec), run["lrs"]) for (label, spec), run in
                            zip(optimizers.items(), runs, strict=True)]]
    uid = "mlopt-" + hashlib.sha1(repr(asked).encode()).hexdigest()[:12]
    html = _TEMPLATE.substitute(
        uid=uid, width=width, sliders="\n".join(sliders), steps=steps, png=png_text,
        px_width=scene.canvas.get_width_height()[0], px_height=height, data=data,
        alt=f"{', '.join(optimizers)} on the {surface.name} surface" + (
            "; for ASGD and Schedule-Free a second line in the same colour, with other dashes, is the "
            "average the model is evaluated at" if any("evaluated" in run for run in runs) else ""),
    )
    return StaticHTML(html)


def _drawn(scene, surface, paths, style, to_pixels):
    """Paths (T, n, 2) and their loss curves in pixels, as the scene draws them, with their dashes."""
    steps = len(paths) - 1
    losses = np.log10(plot.loss_values(surface, paths))  # (T, n)
    return {
        "dash": plot.DASHES[style["linestyle"]],
        "paths": [to_pixels(scene.ax_path, paths[:, i]) for i in range(paths.shape[1])],
        "losses": [to_pixels(scene.ax_loss, np.column_stack([np.arange(steps + 1), 10 ** losses[:, i]]))
                   for i in range(paths.shape[1])],
    }


def _describe(spec):
    """An optimizer spec as text that is the same in every process (no addresses)."""
    factory, fixed = spec if isinstance(spec, tuple) else (spec, {})
    name = factory if isinstance(factory, str) else getattr(factory, "__name__", type(factory).__name__)
    return f"{name}{sorted(fixed.items())}"


def _pixels(scene, height):
    """A function: data points (n, 2) of an Axes -> pixel [x, y] pairs (None where not finite)."""

    def convert(ax, points):
        points = np.asarray(points, dtype=float)
        finite = np.isfinite(points).all(axis=1)
        xy = np.zeros_like(points)
        xy[finite] = ax.transData.transform(points[finite])
        return [
            [round(float(x), 1), round(float(height - y), 1)] if ok else None
            for (x, y), ok in zip(xy, finite, strict=True)
        ]

    return convert


class StaticHTML:
    """HTML that Jupyter and the book display as is."""

    def __init__(self, html):
        self.html = html
        self.uid = re.search(r'id="(mlopt-[0-9a-f]{12})"', html).group(1)

    def _repr_html_(self):
        return self.html

    def __repr__(self):
        return f"<mlopt static explorer {self.uid}: {len(self.html) / 1e6:.2f} MB of HTML>"
