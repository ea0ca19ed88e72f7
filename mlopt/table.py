"""A table for a notebook: HTML on a web page, aligned text for everything else.

A wide table printed as text runs off the right edge of a web page. A `Table`
shown as a cell's last expression gives Jupyter and the book's website an HTML
table (which wraps and scrolls with the page) and gives text front ends, and nbval's
comparison of stored outputs, the same cells as aligned text.

    Table(["lr", "loss"], [["1e-2", "0.31"], ["1e-1", "0.02"]], index=["gd", "adam"],
          caption="Best lr and final loss")
"""

import html

__all__ = ["Table"]


class Table:
    """Rows of cells (strings) under ``columns``, each row named by ``index`` if given."""

    def __init__(self, columns, rows, index=None, caption=""):
        self.columns = [str(c) for c in columns]
        self.rows = [[str(cell) for cell in row] for row in rows]
        self.index = None if index is None else [str(name) for name in index]
        self.caption = caption
        for number, row in enumerate(self.rows):
            if len(row) != len(self.columns):
                raise ValueError(f"rows[{number}] has {len(row)} cells but there are "
                                 f"{len(self.columns)} columns")
        if self.index is not None and len(self.index) != len(self.rows):
            raise ValueError(f"index has {len(self.index)} names but there are {len(self.rows)} rows")

    def _lines(self):
        names = self.index or [""] * len(self.rows)
        header = ["", *self.columns] if self.index else self.columns
        body = [[name, *row] if self.index else row for name, row in zip(names, self.rows, strict=True)]
        widths = [max(len(line[k]) for line in [header, *body]) for k in range(len(header))]
        left = 1 if self.index else 0  # the row names align left, the cells right

        def line(cells):
            return "  ".join(c.ljust(w) if k < left else c.rjust(w)
                             for k, (c, w) in enumerate(zip(cells, widths, strict=True))).rstrip()

        return [line(header), *(line(cells) for cells in body)]

    def __repr__(self):
        return "\n".join(([self.caption] if self.caption else []) + self._lines())

    def _repr_html_(self):
        e = html.escape
        head = "".join(f'<th scope="col">{e(c)}</th>' for c in (([""] if self.index else []) + self.columns))
        body = []
        for k, row in enumerate(self.rows):
            # A long row name (rmsprop_centered) may break after its underscores.
            name = f'<th scope="row">{e(self.index[k]).replace("_", "_<wbr>")}</th>' if self.index else ""
            body.append("<tr>" + name + "".join(f"<td>{e(cell)}</td>" for cell in row) + "</tr>")
        caption = f"<caption>{e(self.caption)}</caption>" if self.caption else ""
        # A wide table scrolls sideways: its box takes the keyboard focus, named by the caption.
        name = e(self.caption or "table")
        return (f'<div class="mlopt-table" tabindex="0" role="region" aria-label="{name}">'
                f'<table>{caption}<thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table></div>')
