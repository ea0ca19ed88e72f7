"""mlopt.table.Table: the same cells as an HTML table and as aligned text."""

import pytest

from mlopt.table import Table


def test_text_and_html_hold_the_same_cells():
    table = Table(["lr", "loss"], [["1e-2", "0.31"], ["1e-1", "0.02 <"]], index=["gd", "adam"], caption="Best")
    assert repr(table).splitlines() == ["Best", "        lr    loss", "gd    1e-2    0.31", "adam  1e-1  0.02 <"]
    html = table._repr_html_()
    assert "<caption>Best</caption>" in html and '<th scope="row">adam</th><td>1e-1</td><td>0.02 &lt;</td>' in html
    assert html.count("<tr>") == 3
    wide = Table(["lr"], [["1e-3"]], index=["rmsprop_centered"])._repr_html_()
    assert '<th scope="row">rmsprop_<wbr>centered</th>' in wide  # a long name may wrap on the page


def test_without_index_or_caption():
    assert repr(Table(["a", "bb"], [["1", "2"]])).splitlines() == ["a  bb", "1   2"]


@pytest.mark.parametrize("rows, index, message", [
    ([["1"]], None, r"rows\[0\] has 1 cells but there are 2 columns"),
    ([["1", "2"]], ["x", "y"], "index has 2 names but there are 1 rows"),
])
def test_a_ragged_table_is_named(rows, index, message):
    with pytest.raises(ValueError, match=message):
        Table(["a", "b"], rows, index=index)
