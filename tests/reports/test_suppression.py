"""Small cells: nothing published lies in 1..k-1, and nothing suppressed can be recomputed."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given, settings
from hypothesis import strategies as st

from displacement.reports.suppression import suppress_counts, suppress_table
from tests.support.disclosure import recoverable, table_numbers

tables = st.dictionaries(
    keys=st.tuples(st.sampled_from("ABCDE"), st.sampled_from("vwxyz")),
    values=st.one_of(st.integers(0, 8), st.integers(0, 200)),
    min_size=1,
    max_size=25,
)


def _published(table):
    values = [v for v in table.cells.values()]
    values += list(table.row_totals.values()) + list(table.column_totals.values()) + [table.grand_total]
    return [v for v in values if v is not None]


@settings(max_examples=400, deadline=None)
@given(counts=tables, k=st.integers(3, 11))
def test_no_published_cell_is_small(counts, k):
    table = suppress_table(counts, k=k)
    assert all(v == 0 or v >= k for v in _published(table))


@settings(max_examples=400, deadline=None)
@given(counts=tables, k=st.integers(3, 11))
def test_no_suppressed_cell_can_be_recomputed_from_its_row_or_column(counts, k):
    table = suppress_table(counts, k=k)
    for row in table.rows:
        hidden = [c for c in table.columns if table.cells[(row, c)] is None]
        if table.row_totals[row] is not None:
            assert len(hidden) != 1, (row, hidden)
    for column in table.columns:
        hidden = [r for r in table.rows if table.cells[(r, column)] is None]
        if table.column_totals[column] is not None:
            assert len(hidden) != 1, (column, hidden)
    if table.grand_total is not None:
        assert sum(v is None for v in table.row_totals.values()) != 1
        assert sum(v is None for v in table.column_totals.values()) != 1


@settings(max_examples=200, deadline=None)
@given(counts=tables, k=st.integers(3, 11))
def test_what_is_published_is_true(counts, k):
    table = suppress_table(counts, k=k)
    for (row, column), value in table.cells.items():
        if value is not None:
            assert value == counts.get((row, column), 0)
    for row, total in table.row_totals.items():
        if total is not None:
            assert total == sum(counts.get((row, c), 0) for c in table.columns)
    assert table.suppressed == {key for key, value in table.cells.items() if value is None}


@settings(max_examples=200, deadline=None)
@given(counts=st.dictionaries(st.sampled_from("abcdefg"), st.integers(0, 40), min_size=1), k=st.integers(3, 9))
def test_a_single_list_with_its_total(counts, k):
    cells, total = suppress_counts(counts, k=k)
    published = [v for v in cells.values() if v is not None] + ([total] if total is not None else [])
    assert all(v == 0 or v >= k for v in published)
    if total is not None:
        assert sum(v is None for v in cells.values()) != 1


def test_a_worked_example():
    counts = {
        ("Donetska", "children"): 2,
        ("Donetska", "adults"): 40,
        ("Kharkivska", "children"): 12,
        ("Kharkivska", "adults"): 30,
    }
    table = suppress_table(counts, k=5)
    assert table.cells[("Donetska", "children")] is None
    assert table.cells[("Donetska", "adults")] is None  # else 42 - 40 gives the 2 away
    assert table.cells[("Kharkivska", "children")] is None  # else the column total gives it away
    assert table.cells[("Kharkivska", "adults")] is None
    assert table.grand_total == 84


def test_k_below_three_is_refused():
    with pytest.raises(ImproperlyConfigured, match="at least 3"):
        suppress_table({("a", "b"): 1}, k=2)


def _recomputable(table):
    numbers = table_numbers(table)
    return recoverable((f for f, v in numbers if v is not None), (f for f, v in numbers if v is None))


@settings(max_examples=400, deadline=None)
@given(counts=tables, k=st.integers(3, 11))
def test_no_suppressed_number_can_be_recomputed_by_any_sums_and_differences_of_published_ones(counts, k):
    table = suppress_table(counts, k=k)
    assert _recomputable(table) == [], (counts, k)


def test_a_hidden_total_recomputed_from_its_published_cells_gives_nothing_away():
    # Row B holds one household, so B's cell, B's total and column u's total are hidden. The
    # grand total needs a second hidden column total: v's 3, whose cells were all published.
    # Before, v's total was recomputed from them, then subtracted from the grand total.
    table = suppress_table({("A", "v"): 3, ("B", "u"): 1}, k=3)
    assert table.cells[("B", "u")] is None
    assert _recomputable(table) == []
