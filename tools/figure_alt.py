"""Alt text for the book's figures: what each matplotlib figure shows, in words.

    python tools/figure_alt.py [NOTEBOOK ...]     (make alt-text; all of book/ by default)

Runs each notebook with ``Figure.__repr__`` replaced by `describe` (panels, titles,
axes and their scales, what is drawn and the legend's entries), and writes the
descriptions of each cell's figures into the cell's metadata
(``mystnb.image.alt``), which the website uses as the images' alt
text. tests/test_book.py checks that every figure on every page has one; run this
again after changing a figure.
"""

import argparse
import pathlib
import re

import nbclient
import nbformat

ROOT = pathlib.Path(__file__).resolve().parent.parent

SETUP = '''
import matplotlib.figure as _figure
import re as _re

def _text(label):
    label = _re.sub(r"\\\\t?frac\\{?(\\w)\\}?\\{?(\\w)\\}?", r"\\1/\\2", label or "")
    label = _re.sub(r"\\\\(mathbb|mathrm|text|operatorname)\\{([^}]*)\\}", r"\\2", label)
    label = _re.sub(r"\\\\([A-Za-z]+)", r"\\1 ", label)
    return _re.sub(r"\\s+", " ", _re.sub(r"[$\\\\{}]", "", label)).strip()

def _describe_axes(ax):
    parts = []
    if ax.get_title():
        parts.append(f"'{_text(ax.get_title())}'")
    x, y = _text(ax.get_xlabel()), _text(ax.get_ylabel())
    if x or y:
        scales = [f"{name} on a log scale" for name, scale in ((y or "y", ax.get_yscale()), (x or "x", ax.get_xscale()))
                  if scale == "log"]
        parts.append(f"{y or 'y'} against {x or 'x'}" + (f" ({', '.join(scales)})" if scales else ""))
    drawn = []
    if ax.collections and any(type(c).__name__ in ("QuadContourSet", "ContourSet") or "Contour" in type(c).__name__
                              for c in ax.collections):
        drawn.append("contours")
    if ax.images or any(type(c).__name__ == "QuadMesh" for c in ax.collections):
        drawn.append("a colour map")
    legend = ax.get_legend()
    names = [_text(t.get_text()) for t in legend.get_texts()] if legend else []
    if names:
        drawn.append("curves for " + ", ".join(names))
    elif ax.lines:
        drawn.append(f"{len(ax.lines)} line{'s' if len(ax.lines) > 1 else ''}")
    if drawn:
        parts.append(", ".join(drawn))
    return "; ".join(parts)

def _describe(fig):
    axes = [ax for ax in fig.axes if ax.get_label() != "<colorbar>" and ax.get_visible()]
    described = [_describe_axes(ax) for ax in axes]
    colours = [_text(ax.get_ylabel() or ax.get_xlabel()) for ax in fig.axes if ax.get_label() == "<colorbar>"]
    if colours and colours[0]:
        described[-1] += f"; colour: {colours[0]}"
    if len(axes) == 1:
        return f"Figure: {described[0]}."
    panels = "; ".join(f"panel {i + 1}: {d}" for i, d in enumerate(described) if d)
    return f"Figure with {len(axes)} panels. {panels}."

_figure.Figure.__repr__ = _describe
'''


def alt_texts(notebook, path):
    """``{cell index: description}`` for the cells that show figures."""
    run = nbformat.from_dict(notebook)
    run.cells.insert(0, nbformat.v4.new_code_cell(SETUP))
    nbclient.NotebookClient(run, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}}).execute()
    found = {}
    for index, cell in enumerate(run.cells[1:]):
        texts = [o["data"]["text/plain"] for o in cell.get("outputs", [])
                 if "image/png" in o.get("data", {}) and "text/plain" in o["data"]]
        if texts:
            found[index] = " ".join(re.sub(r"\s+", " ", t) for t in texts)
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=pathlib.Path)
    paths = parser.parse_args().notebooks or sorted((ROOT / "book").glob("*.ipynb"))
    for path in paths:
        notebook = nbformat.read(path, as_version=4)
        texts = alt_texts(notebook, path)
        for index, cell in enumerate(notebook.cells):
            options = cell.metadata.get("mystnb", {}).get("image", {})
            options.pop("alt", None)
            if index in texts:
                options["alt"] = texts[index]
            if options:
                cell.metadata.setdefault("mystnb", {})["image"] = options
            elif "mystnb" in cell.metadata:
                cell.metadata["mystnb"].pop("image", None)
                if not cell.metadata["mystnb"]:
                    del cell.metadata["mystnb"]
        nbformat.write(notebook, path)
        print(f"{path.name}: {len(texts)} figure cells described")


if __name__ == "__main__":
    main()
