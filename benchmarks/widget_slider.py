"""The Python-side cost of one slider move in the explorer (500-step path).

Compares, in the same run, `mlopt.viz.widgets.Explorer` (persistent figure,
contours drawn once, paths blitted, JPEG) with what ``ipywidgets.interact``
does on every move: build a new figure, draw contours, path and loss, and
encode it as PNG (the inline backend). Target: median <= 20 ms.

Run: ``make bench`` or ``.venv/bin/python benchmarks/widget_slider.py``.
"""

import io
import statistics
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import mlopt  # noqa: E402
from mlopt.viz import plot  # noqa: E402
from mlopt.viz.widgets import Explorer  # noqa: E402

STEPS, MOVES = 500, 40


def median_ms(fn, values):
    times = []
    for value in values:
        start = time.perf_counter()
        fn(value)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3


ROSENBROCK = mlopt.SURFACES["rosenbrock"]()


def interact_style(lr, surface=ROSENBROCK):
    xy = mlopt.trajectory(mlopt.adam(lr=lr), surface, surface.start, STEPS)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4.5), layout="constrained")
    plot.contour(left, surface)
    plot.paths(left, {"adam": xy})
    plot.loss_curves(right, surface, {"adam": xy})
    fig.savefig(io.BytesIO(), format="png", dpi=96)
    plt.close(fig)


def main():
    values = np.logspace(-3, -1, MOVES)
    explorer = Explorer(optimizer="adam", surface="rosenbrock", steps=STEPS)

    def move(lr):
        explorer.controls["lr"].value = lr

    ours = median_ms(move, values)
    theirs = median_ms(interact_style, values[:10])
    print(f"One slider move, {STEPS}-step path, median")
    print(f"  Explorer (blitting, JPEG)        {ours:7.1f} ms   (target <= 20 ms)")
    print(f"  rebuild + PNG, as interact does  {theirs:7.1f} ms")
    print(f"  speed-up                         {theirs / ours:7.1f}x")


if __name__ == "__main__":
    main()
