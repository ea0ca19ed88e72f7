"""Pictures of optimizers on 2D surfaces (matplotlib; no update rule in here).

Every function draws on the Axes it is given and returns what it drew; none
calls ``plt.show()``. Colours come from the Okabe-Ito palette, which stays
distinct under the common colour-vision deficiencies; each optimizer keeps its
colour in every figure of the book.
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import LogNorm

from ..optimizers import OPTIMIZERS
from ..records import FAMILIES
from ..trajectory import trajectory

# Okabe & Ito (2008), without the yellow, which is hard to see on a light background.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
LINESTYLES = ["-", "--", ":", "-."]

_ORDER = list(OPTIMIZERS)

# How a path looks in every picture (these figures, the explorer's scene, the website's
# viewer): a line in its optimizer's colour and dashes, a hollow circle at the start, a
# filled one at the end, and its loss floored where the pictures' log axes stop.
LINE_WIDTH = 1.8
START = dict(marker="o", markersize=8, markerfacecolor="white", markeredgewidth=1.6)  # edge: its colour
END = dict(marker="o", markersize=7, markeredgecolor="white", markeredgewidth=1.0)  # face: its colour
DASHES = {"-": [], "--": [6, 4], ":": [2, 3], "-.": [6, 3, 2, 3]}  # matplotlib's line styles as canvas dash patterns
LOSS_FLOOR = 1e-14


def companion(own):
    """The style of a second line of the same run (its evaluated average): its colour, other dashes."""
    return {**own, "linestyle": ":" if own["linestyle"] != ":" else "--"}


def style(name):
    """The colour and line style of an optimizer (or any label), the same everywhere.

    ``"<optimizer>: <what>"`` (its evaluated average, say) has the optimizer's
    colour and another line style.
    """
    base, _, part = name.partition(": ")
    if part and base in _ORDER:
        return companion(style(base))
    index = _ORDER.index(name) if name in _ORDER else len(_ORDER) + sum(map(ord, name))
    return {
        "color": PALETTE[index % len(PALETTE)],
        "linestyle": LINESTYLES[(index // len(PALETTE)) % len(LINESTYLES)],
    }


def markers(color):
    """Keyword arguments for a path's start and end markers in ``color``."""
    return {**START, "markeredgecolor": color}, {**END, "color": color}


def families(names):
    """The families of `FAMILIES` that have one of ``names``, in the book's order."""
    return {family: members for family, members in FAMILIES.items() if set(members) & set(names)}


def by_family(axes, curves, legend=True, **kwargs):
    """One panel per family that has a curve (`families`): its optimizers in their colours
    over all the others in light grey, so that no panel has more than six colours.

    ``axes`` holds one Axes per such family; ``curves`` maps an optimizer to its ``(x, y)``;
    other keyword arguments go to every line (``marker``, ``drawstyle``, ...).
    """
    for ax, (family, members) in zip(axes, families(curves).items(), strict=True):
        for name, (x, y) in curves.items():
            if name not in members:
                ax.plot(x, y, color="0.8", linewidth=1, **kwargs)
        for name in members:
            if name in curves:
                ax.plot(*curves[name], label=name, linewidth=2, **style(name), **kwargs)
        ax.set_title(family, fontsize="medium")
        if legend:
            ax.legend(fontsize="small")
    return axes


def grid(surface, resolution=300):
    """``X, Y, Z``: the loss above its minimum on a grid over the surface's box."""
    (x0, x1), (y0, y1) = surface.bounds
    X, Y = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    Z = surface.f(np.stack([X, Y], axis=-1)) - surface.f_min
    return X, Y, np.maximum(Z, 0.0)


def log_levels(Z, count=20):
    """``count`` log-spaced contour levels spanning the positive values of Z."""
    positive = Z[Z > 0]
    low = max(np.quantile(positive, 0.002), positive.max() * 1e-9)
    return np.geomspace(low, positive.max(), count)


def contour(ax, surface, levels=20, resolution=300):
    """Filled contours with log-spaced levels, the minima as white stars; returns the ContourSet."""
    X, Y, Z = grid(surface, resolution)
    lv = log_levels(Z, levels)
    filled = ax.contourf(X, Y, np.maximum(Z, lv[0]), levels=lv, norm=LogNorm(), cmap="Greys", alpha=0.35)
    ax.contour(X, Y, Z, levels=lv, colors="0.45", linewidths=0.4)
    ax.plot(*surface.minima.T, linestyle="none", marker="*", markersize=13, color="white",
            markeredgecolor="black", label="_minimum", zorder=3)
    (x0, x1), (y0, y1) = surface.bounds
    ax.set(xlim=(x0, x1), ylim=(y0, y1), xlabel="$x$", ylabel="$y$")
    return filled


def path(ax, xy, label=None, **kwargs):
    """One path of shape (steps + 1, 2): a line, a circle at the start, a dot at the end.

    Returns ``(line, start_marker, end_marker)``. A diverged path (NaN from some
    step on) ends where it left the picture.
    """
    kw = {**style(label or ""), "linewidth": LINE_WIDTH, **kwargs}
    xy = np.asarray(xy)
    (line,) = ax.plot(xy[:, 0], xy[:, 1], label=label, zorder=4, **kw)
    finite = xy[np.isfinite(xy).all(axis=1)]
    start_kw, end_kw = markers(kw["color"])
    (start,) = ax.plot(*xy[0], zorder=5, **start_kw)
    end_xy = finite[-1] if len(finite) else xy[0]
    (end,) = ax.plot(*end_xy, zorder=5, **end_kw)
    return line, start, end


def paths(ax, runs, legend=True):
    """Several labelled paths (``{label: xy}``) on one Axes, with a legend."""
    drawn = {label: path(ax, xy, label) for label, xy in runs.items()}
    if legend:
        ax.legend(loc="best", fontsize="small", framealpha=0.9)
    return drawn


def loss_values(surface, xy):
    """J - J_min along a path, floored at `LOSS_FLOOR` so that it can go on a log axis."""
    with np.errstate(invalid="ignore"):
        return np.maximum(surface.f(np.asarray(xy)) - surface.f_min, LOSS_FLOOR)


def loss_curves(ax, surface, runs, legend=True):
    """Loss above the minimum against the step, on a log axis; returns the lines."""
    lines = {}
    for label, xy in runs.items():
        (lines[label],) = ax.plot(loss_values(surface, xy), label=label, linewidth=LINE_WIDTH, **style(label))
    ax.set(yscale="log", xlabel="step $t$", ylabel=r"$J(\theta_t) - J^\star$")
    ax.grid(True, which="major", alpha=0.3)
    if legend:
        ax.legend(loc="best", fontsize="small", framealpha=0.9)
    return lines


def stability_map(ax, result, log_axes=("lr",), colorbar=True):
    """A `mlopt.Sweep` as an image: final loss per pair of settings; diverged runs hatched.

    Returns the QuadMesh.
    """
    (name0, name1), (v0, v1) = result.names, result.values
    loss = np.ma.masked_invalid(np.where(np.isinf(result.loss), np.nan, result.loss))
    finite = loss.compressed()
    low = max(finite.min(), 1e-16) if finite.size else 1e-16
    high = max(finite.max(), low * 10) if finite.size else 1.0
    mesh = ax.pcolormesh(v1, v0, np.ma.maximum(loss, low), norm=LogNorm(low, high),
                         cmap="viridis", shading="nearest")
    diverged = np.isinf(result.loss)
    if diverged.any():
        ax.contourf(v1, v0, diverged.astype(float), levels=[0.5, 1.5], colors="none",
                    hatches=["xx"], zorder=2)
        ax.pcolormesh(v1, v0, np.ma.masked_where(~diverged, diverged), cmap="Greys",
                      vmin=0, vmax=3, shading="nearest", zorder=1)
    ax.set(xlabel=name1, ylabel=name0)
    ax.set_xscale("log" if name1 in log_axes else "linear")
    ax.set_yscale("log" if name0 in log_axes else "linear")
    if colorbar:
        ax.figure.colorbar(mesh, ax=ax, label=f"$J - J^\\star$ after {result.steps} steps (hatched: diverged)")
    return mesh


def race(surface, optimizers, steps=200, start=None, figsize=(11, 4.6)):
    """A figure: every optimizer's path on the contours (left) and its loss (right).

    ``optimizers`` maps a label (an optimizer's name, for its colour) to an
    optimizer. Returns ``(figure, paths)``, ``paths`` mapping label to path.
    """
    start = surface.start if start is None else np.asarray(start, dtype=float)
    runs = {label: trajectory(opt, surface, start, steps) for label, opt in optimizers.items()}
    fig, (left, right) = plt.subplots(1, 2, figsize=figsize, width_ratios=(1.1, 1), layout="constrained")
    contour(left, surface)
    paths(left, runs)
    left.set_title(f"{surface.name}: ${surface.formula}$" if surface.formula else surface.name, fontsize="medium")
    loss_curves(right, surface, runs, legend=False)
    return fig, runs
