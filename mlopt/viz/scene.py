"""A persistent figure for the live explorer: contours drawn once, paths blitted.

Redrawing filled contours is the slow part of a figure. A `Scene` draws the
surface (contours, minima, axes, ticks) once per surface and keeps that picture;
a change of path only restores the picture, draws the few path and loss lines
on top ("blitting") and encodes the result as JPEG.
"""

import io

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from . import plot


class Scene:
    """Contours with paths (left) and loss against step (right), as an image."""

    def __init__(self, width=960, height=430, dpi=96):
        self.figure = Figure(figsize=(width / dpi, height / dpi), dpi=dpi, layout="constrained")
        self.canvas = FigureCanvasAgg(self.figure)
        self.ax_path, self.ax_loss = self.figure.subplots(1, 2, width_ratios=(1.1, 1))
        self.surface = None
        self.paths = {}  # label -> (steps + 1, 2)
        self.losses = {}  # label -> (steps + 1,)
        self.artists = {}  # label -> (line, start, end, loss line)
        self.step = None  # show the paths up to this step (None: all)
        self._background = None
        self.background_draws = 0  # how often the slow part ran (tests and benchmarks read it)

    def set_surface(self, surface, steps):
        """Draw the parts that change rarely: contours, axes, the loss axis' limits.

        The start point is drawn with the paths, so moving it redraws nothing else.
        """
        self.surface = surface
        for ax in (self.ax_path, self.ax_loss):
            ax.clear()
        plot.contour(self.ax_path, surface)
        title = f"{surface.name}: ${surface.formula}$" if surface.formula else surface.name
        self.ax_path.set_title(title, fontsize="medium")
        top = max(float(plot.grid(surface, 60)[2].max()), 1.0) * 3
        self.ax_loss.set(yscale="log", xlim=(0, steps), ylim=(plot.LOSS_FLOOR, top),
                         xlabel="step $t$", ylabel=r"$J(\theta_t) - J^\star$")
        self.ax_loss.grid(True, which="major", alpha=0.3)
        self.artists = {}
        self.paths, self.losses = {}, {}
        self._background = None

    def set_paths(self, paths):
        """Replace the paths: ``{label: array (steps + 1, 2)}``."""
        if set(paths) != set(self.artists):
            self._make_artists(list(paths))
        self.paths = paths
        self.losses = {label: plot.loss_values(self.surface, xy) for label, xy in paths.items()}

    def _make_artists(self, labels):
        for artists in self.artists.values():
            for artist in artists:
                artist.remove()
        self.artists = {}
        for label in labels:
            kw = plot.style(label)
            start_kw, end_kw = plot.markers(kw["color"])
            (line,) = self.ax_path.plot([], [], linewidth=plot.LINE_WIDTH, label=label, **kw)
            (start,) = self.ax_path.plot([], [], zorder=5, **start_kw)
            (end,) = self.ax_path.plot([], [], zorder=5, **end_kw)
            (loss,) = self.ax_loss.plot([], [], linewidth=plot.LINE_WIDTH, label=label, **kw)
            self.artists[label] = (line, start, end, loss)
            for artist in self.artists[label]:
                artist.set_animated(True)
        # Above the loss axes, outside the data: part of the kept background.
        self.ax_loss.legend(handles=[a[3] for a in self.artists.values()], loc="lower left",
                            bbox_to_anchor=(0, 1.01), ncols=4, fontsize="small", frameon=False)
        self._background = None

    def image(self):
        """The current picture as JPEG bytes: blit the paths onto the kept background.

        JPEG at quality 90 without chroma subsampling: encoded five times faster
        than PNG, smaller, and without visible loss on lines and contours.
        """
        if self._background is None:
            self.canvas.draw()  # draws everything not animated: the slow part
            self._background = self.canvas.copy_from_bbox(self.figure.bbox)
            self.background_draws += 1
        self.canvas.restore_region(self._background)
        for label, (line, start, end, loss) in self.artists.items():
            xy = self.paths[label]
            shown = xy if self.step is None else xy[: self.step + 1]
            line.set_data(shown[:, 0], shown[:, 1])
            finite = shown[np.isfinite(shown).all(axis=1)]
            end.set_data(finite[-1:, 0], finite[-1:, 1])
            start.set_data(xy[:1, 0], xy[:1, 1])
            values = self.losses[label][: len(shown)]
            loss.set_data(np.arange(len(values)), values)
            for artist in (line, start, end):
                self.ax_path.draw_artist(artist)
            self.ax_loss.draw_artist(loss)
        rgba = self.canvas.buffer_rgba()
        picture = Image.frombuffer("RGBA", (rgba.shape[1], rgba.shape[0]), rgba, "raw", "RGBA", 0, 1)
        buffer = io.BytesIO()
        picture.convert("RGB").save(buffer, format="JPEG", quality=90, subsampling=0)
        return buffer.getvalue()
