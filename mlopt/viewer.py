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

import numpy as np

from . import plot
from .optimizers import OPTIMIZERS
from .scene import LOSS_FLOOR, Scene
from .trajectory import trajectory

_TEMPLATE = """<div class="mlopt-viewer" id="{uid}" style="max-width:{width}px;font:13px sans-serif">
<div class="mlopt-controls" style="display:flex;flex-wrap:wrap;gap:4px 18px;align-items:center;margin:4px 0">
{sliders}
<span style="white-space:nowrap"><button type="button" class="mlopt-play" aria-label="play">&#9654; play</button>
<label>step <input type="range" class="mlopt-step" min="0" max="{steps}" value="{steps}" style="vertical-align:middle">
<output class="mlopt-step-out">{steps}</output></label></span>
</div>
<div style="position:relative">
<img alt="{alt}" src="data:image/png;base64,{png}" style="width:100%;height:auto;display:block">
<canvas width="{px_width}" height="{px_height}" style="position:absolute;left:0;top:0;width:100%;height:100%"></canvas>
</div>
</div>
<script>
(function () {{
  var root = document.getElementById("{uid}"), data = {data};
  var canvas = root.querySelector("canvas"), ctx = canvas.getContext("2d");
  var step = root.querySelector(".mlopt-step"), stepOut = root.querySelector(".mlopt-step-out");
  var sliders = root.querySelectorAll(".mlopt-lr"), play = root.querySelector(".mlopt-play");
  function line(points, upTo, color, dash) {{
    ctx.strokeStyle = color; ctx.setLineDash(dash); ctx.lineWidth = 2; ctx.beginPath();
    var open = false, last = null;
    for (var i = 0; i <= upTo && i < points.length; i++) {{
      var p = points[i];
      if (p === null) {{ open = false; continue; }}
      if (open) ctx.lineTo(p[0], p[1]); else ctx.moveTo(p[0], p[1]);
      open = true; last = p;
    }}
    ctx.stroke(); ctx.setLineDash([]);
    return last;
  }}
  function draw() {{
    var t = +step.value; stepOut.value = t;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    data.runs.forEach(function (run, k) {{
      var i = +sliders[k].value;
      sliders[k].nextElementSibling.value = run.lrs[i];
      var end = line(run.paths[i], t, run.color, run.dash);
      line(run.losses[i], t, run.color, run.dash);
      if (end) {{
        ctx.fillStyle = run.color; ctx.strokeStyle = "white"; ctx.lineWidth = 1.5;
        ctx.beginPath(); ctx.arc(end[0], end[1], 5, 0, 2 * Math.PI); ctx.fill(); ctx.stroke();
      }}
    }});
  }}
  var timer = null;
  function stop() {{ clearInterval(timer); timer = null; play.innerHTML = "&#9654; play"; }}
  play.addEventListener("click", function () {{
    if (timer) {{ stop(); return; }}
    if (+step.value >= +step.max) step.value = 0;
    play.innerHTML = "&#10074;&#10074; pause";
    timer = setInterval(function () {{
      step.value = Math.min(+step.value + Math.max(1, Math.round(step.max / 150)), +step.max);
      draw();
      if (+step.value >= +step.max) stop();
    }}, 30);
  }});
  step.addEventListener("input", draw);
  sliders.forEach(function (s) {{ s.addEventListener("input", draw); }});
  draw();
}})();
</script>"""

_SLIDER = (
    '<label style="white-space:nowrap"><span aria-hidden="true" style="display:inline-block;width:16px;'
    'height:4px;margin-right:3px;vertical-align:middle;background:{color}"></span><b>{label}</b> lr '
    '<input type="range" class="mlopt-lr" min="0" max="{top}" value="{index}" '
    'aria-label="learning rate of {label}" style="vertical-align:middle"> '
    "<output>{value}</output></label>"
)


def lr_grid(label, points=25, span=1000.0):
    """``points`` log-spaced learning rates around the optimizer's picture default."""
    centre = plot.START_LR.get(label, 1e-3)
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
        grid = np.asarray(lrs[label] if lrs and label in lrs else lr_grid(label), dtype=float)
        paths = trajectory(factory(lr=grid[:, None], **fixed), surface, start, steps)  # (T, n, 2)
        losses = np.log10(plot.loss_values(surface, paths).clip(LOSS_FLOOR))  # (T, n)
        style = plot.style(label)
        dash = {"-": [], "--": [6, 4], ":": [2, 3]}[style["linestyle"]]
        runs.append({
            "color": style["color"], "dash": dash,
            "lrs": [f"{lr:.2e}" for lr in grid],
            "paths": [to_pixels(scene.ax_path, paths[:, i]) for i in range(len(grid))],
            "losses": [
                to_pixels(scene.ax_loss, np.column_stack([np.arange(steps + 1), 10 ** losses[:, i]]))
                for i in range(len(grid))
            ],
        })
        middle = len(grid) // 2
        sliders.append(_SLIDER.format(color=style["color"], label=label, top=len(grid) - 1,
                                      index=middle, value=f"{grid[middle]:.2e}"))
    data = json.dumps({"runs": runs}, separators=(",", ":"))
    png_text = base64.b64encode(png.getvalue()).decode()
    # The id names what was asked for, not the computed pixels: paths are
    # floating-point results whose last bits differ between CPUs, and the id
    # must be the same on every machine that builds the book.
    asked = [surface.name, surface.formula, surface.noise, surface.bounds, start.round(9).tolist(),
             steps, width, [(label, _describe(spec), run["lrs"]) for (label, spec), run in
                            zip(optimizers.items(), runs)]]
    uid = "mlopt-" + hashlib.sha1(repr(asked).encode()).hexdigest()[:12]
    html = _TEMPLATE.format(
        uid=uid, width=width, sliders="\n".join(sliders), steps=steps, png=png_text,
        px_width=scene.canvas.get_width_height()[0], px_height=height, data=data,
        alt=f"{', '.join(optimizers)} on the {surface.name} surface",
    )
    return StaticHTML(html)


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
            for (x, y), ok in zip(xy, finite)
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
