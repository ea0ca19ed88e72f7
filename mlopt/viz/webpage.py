"""The live explorer on a plain web page, without Jupyter (the book's website, in Pyodide).

The website makes each chapter's explorer live in place: its script
(book/_ext/static/live_explorer.js) starts Pyodide in a web worker and runs this
module there. The `Explorer` is the very one Jupyter shows. Its ipywidgets run with
no front end (``comm``'s stand-in carries no messages), so their observers still
react to a change of value; `Page` lists the widgets as plain data, which the
page draws as HTML controls, and applies the reader's changes to them.

    page = Page(optimizer="adam", surface="rosenbrock")
    page.state()                      # {"tree": {...}, "image": b"\\xff\\xd8..."}
    page.set(widget_id, 0.01)         # the same, after the change
"""

import math

import ipywidgets as w

from .widgets import Explorer


def _readout(widget, value):
    return format(value, widget.readout_format) if widget.readout else ""


class Page:
    """One explorer, its widgets as data, and the reader's changes applied to them."""

    def __init__(self, **explorer):
        self.explorer = Explorer(**explorer)
        self.widgets = {}  # id -> widget, for the widgets last listed

    def state(self):
        """The widget tree as JSON-ready data, and the picture (JPEG bytes)."""
        self.widgets = {}
        return {"tree": self._node(self.explorer.widget), "image": bytes(self.explorer.image.value)}

    def set(self, widget_id, value):
        """Give a control a new value, as its HTML twin reports it; then the new `state`.

        A slider's value is a number (a log slider's, the exponent), a menu's the
        index of its option, a multiple choice's the list of indices. Links that
        Jupyter keeps in the front end (play drives the step) are applied here.
        """
        if widget_id not in self.widgets:
            raise KeyError(f"widget_id {widget_id!r} is not a control of this page")
        widget = self.widgets[widget_id]
        if isinstance(widget, w.FloatLogSlider):
            value = widget.base ** float(value)
        elif isinstance(widget, w.SelectMultiple):
            value = tuple(widget.options[self._index(widget, i)] for i in value)
        elif isinstance(widget, w.Dropdown):
            value = widget.options[self._index(widget, value)]
        widget.value = value
        for source, target in self.explorer.links:
            if source[0] is widget:
                setattr(target[0], target[1], getattr(widget, source[1]))
        return self.state()

    @staticmethod
    def _index(widget, value):
        if not (isinstance(value, int) and 0 <= value < len(widget.options)):
            raise ValueError(f"value {value!r} is not the index of an option of {widget.description!r} "
                             f"(0 to {len(widget.options) - 1})")
        return value

    def _node(self, widget):
        if isinstance(widget, w.Box):
            kind = "row" if isinstance(widget, w.HBox) else "column"
            return {"kind": kind, "children": [self._node(child) for child in widget.children]}
        if isinstance(widget, w.HTML):
            return {"kind": "html", "html": widget.value}
        if isinstance(widget, w.Image):
            return {"kind": "image", "alt": self.explorer.describe()}
        node = {"id": widget.model_id, "label": widget.description}
        self.widgets[node["id"]] = widget
        if isinstance(widget, w.SelectMultiple):
            return {**node, "kind": "multiple", "options": list(widget.options), "rows": widget.rows,
                    "value": [widget.options.index(v) for v in widget.value]}
        if isinstance(widget, w.Dropdown):
            return {**node, "kind": "select", "options": list(widget.options), "value": widget.index}
        if isinstance(widget, w.Play):
            return {**node, "kind": "play", "min": widget.min, "max": widget.max, "step": widget.step,
                    "value": widget.value, "interval": widget.interval}
        if isinstance(widget, w.FloatLogSlider):
            return {**node, "kind": "range", "min": widget.min, "max": widget.max, "step": widget.step,
                    "value": math.log(widget.value, widget.base), "readout": _readout(widget, widget.value)}
        if isinstance(widget, (w.FloatSlider, w.IntSlider)):
            return {**node, "kind": "range", "min": widget.min, "max": widget.max, "step": widget.step,
                    "value": widget.value, "readout": _readout(widget, widget.value)}
        raise TypeError(f"the page cannot draw a {type(widget).__name__} widget")

