"""Small-cell suppression for every aggregate given outside the owning organisation.

A count between 1 and k-1 can single out a family. Such a cell is suppressed (primary
suppression); so is any further cell, or total, that would let a reader recompute it by
subtraction (complementary suppression): in every row and column whose total is
published, the number of suppressed cells is never exactly one, and the same holds for
the row totals against the grand total and the column totals against the grand total;
and, across lines, every suppressed cell or total lies on a cycle of suppressed ones, so
that no sums and differences of published numbers recompute it (see ``_bridge``).
Zero is published: it singles out nobody. Suppressed cells are ``None`` and listed in
``suppressed`` so that a file can mark them explicitly.

Two tables over the same records (weeks and months of the same moves) are not suppressed each
on its own: both are made from one finer table, suppressed once, by ``combined``, which adds
only published numbers (``selectors.moves``).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

MINIMUM_K = 3
TOTAL = "__total__"


def threshold(k: int | None = None) -> int:
    k = settings.SMALL_CELL_THRESHOLD if k is None else k
    if k < MINIMUM_K:
        raise ImproperlyConfigured(f"The small-cell threshold must be at least {MINIMUM_K}, not {k}.")
    return k


def is_small(value: int, k: int) -> bool:
    return 0 < value < k


@dataclass
class SuppressedTable:
    """A rows x columns table of counts with its totals, after suppression."""

    rows: list[Hashable]
    columns: list[Hashable]
    cells: dict[tuple[Hashable, Hashable], int | None]
    row_totals: dict[Hashable, int | None]
    column_totals: dict[Hashable, int | None]
    grand_total: int | None
    k: int
    suppressed: set[tuple[Hashable, Hashable]] = field(default_factory=set)

    def value(self, row, column) -> int | None:
        return self.cells.get((row, column), 0)


def suppress_table(
    counts: Mapping[tuple[Hashable, Hashable], int], *, k: int | None = None, force: Iterable[tuple] = ()
) -> SuppressedTable:
    """Suppress ``counts`` (a mapping (row, column) -> count; absent keys are 0).

    Totals take the positions (row, TOTAL), (TOTAL, column) and (TOTAL, TOTAL); the result
    keeps every row and column that has a key in ``counts``. ``force``: positions (cells or
    totals) hidden whatever their count, as small ones are (another metric's hidden positions:
    "2 households, 9 people" would describe one family), with their complements.
    """
    k = threshold(k)
    rows = sorted({r for r, _ in counts}, key=str)
    columns = sorted({c for _, c in counts}, key=str)
    full: dict[tuple, int] = {(r, c): int(counts.get((r, c), 0)) for r in rows for c in columns}
    for value in full.values():
        if value < 0:
            raise ValueError("counts cannot be negative")
    for r in rows:
        full[(r, TOTAL)] = sum(full[(r, c)] for c in columns)
    for c in columns:
        full[(TOTAL, c)] = sum(full[(r, c)] for r in rows)
    full[(TOTAL, TOTAL)] = sum(full[(r, TOTAL)] for r in rows)

    hidden = {key for key, value in full.items() if is_small(value, k)} | (set(force) & set(full))

    # Each line is a set of cells whose sum is the line's total cell.
    lines = [([(r, c) for c in columns], (r, TOTAL)) for r in [*rows, TOTAL]]
    lines += [([(r, c) for r in rows], (TOTAL, c)) for c in [*columns, TOTAL]]

    changed = True
    while changed:
        changed = False
        for members, total in lines:
            if total in hidden:
                continue
            inside = [cell for cell in members if cell in hidden]
            if len(inside) != 1:
                continue
            # Hide the smallest other non-zero cell; a zero hides nothing, since a reader
            # who sees the rest of the line can still bound it. With none left, hide the total.
            candidates = sorted(
                (cell for cell in members if cell not in hidden and full[cell] > 0),
                key=lambda cell: (full[cell], str(cell)),
            )
            hidden.add(candidates[0] if candidates else total)
            changed = True
        # A line whose total is hidden too can still give a hidden cell away through other
        # lines (a column's hidden total recomputed from its published cells, then subtracted
        # from the grand total): hide more until no hidden cell is a bridge (``_bridge``).
        bridge = _bridge(hidden)
        if bridge is not None:
            hidden.add(_closing(bridge, hidden, full))
            changed = True

    return SuppressedTable(
        rows=rows,
        columns=columns,
        cells={(r, c): None if (r, c) in hidden else full[(r, c)] for r in rows for c in columns},
        row_totals={r: None if (r, TOTAL) in hidden else full[(r, TOTAL)] for r in rows},
        column_totals={c: None if (TOTAL, c) in hidden else full[(TOTAL, c)] for c in columns},
        grand_total=None if (TOTAL, TOTAL) in hidden else full[(TOTAL, TOTAL)],
        k=k,
        suppressed={key for key in hidden if TOTAL not in key},
    )


def hidden_positions(table: SuppressedTable) -> set[tuple]:
    """Every hidden position of ``table``, its totals' included (for ``suppress_table``'s ``force``)."""
    hidden = {key for key, value in table.cells.items() if value is None}
    hidden |= {(r, TOTAL) for r, value in table.row_totals.items() if value is None}
    hidden |= {(TOTAL, c) for c, value in table.column_totals.items() if value is None}
    if table.grand_total is None:
        hidden.add((TOTAL, TOTAL))
    return hidden


def combined(tables: Iterable[SuppressedTable], *, drop: Iterable[Hashable] = ()) -> SuppressedTable:
    """The sum of suppressed tables over disjoint records (the parts of a longer period),
    without the columns ``drop``, made from their published numbers only.

    A number is published when it is a sum of published numbers of the parts (a cell: the
    parts' cells; a row total: each part's cells of the row, or its row total less the
    dropped cells), and hidden otherwise. So it tells nothing that the parts' published
    numbers do not, and as each part's hidden numbers lie on cycles of hidden ones (no sums
    and differences of its published numbers give them), a sum holding one is not given by
    any either: the parts' records are disjoint.
    """
    tables, drop = list(tables), set(drop)
    rows = sorted({r for t in tables for r in t.rows if set(t.columns) - drop}, key=str)
    columns = sorted({c for t in tables for c in t.columns} - drop, key=str)
    cells = {(r, c): _sum(t.cells.get((r, c), 0) for t in tables) for r in rows for c in columns}

    def row_part(t: SuppressedTable, r) -> int | None:
        if r not in t.rows:
            return 0
        kept = _sum(t.cells[(r, c)] for c in t.columns if c not in drop)
        if kept is not None or t.row_totals[r] is None:
            return kept
        dropped = _sum(t.cells[(r, c)] for c in t.columns if c in drop)
        return None if dropped is None else t.row_totals[r] - dropped

    def grand_part(t: SuppressedTable) -> int | None:
        kept = _sum(t.column_totals[c] for c in t.columns if c not in drop)
        if kept is not None or t.grand_total is None:
            return kept
        dropped = _sum(t.column_totals[c] for c in t.columns if c in drop)
        return None if dropped is None else t.grand_total - dropped

    return SuppressedTable(
        rows=rows,
        columns=columns,
        cells=cells,
        row_totals={r: _sum(row_part(t, r) for t in tables) for r in rows},
        column_totals={c: _sum(t.column_totals.get(c, 0) for t in tables) for c in columns},
        grand_total=_sum(grand_part(t) for t in tables),
        k=tables[0].k if tables else threshold(),
        suppressed={key for key, value in cells.items() if value is None},
    )


def _sum(values: Iterable[int | None]) -> int | None:
    """A sum of published numbers; None if one of them is hidden."""
    total = 0
    for value in values:
        if value is None:
            return None
        total += value
    return total


def suppress_counts(counts: Mapping[Hashable, int], *, k: int | None = None) -> tuple[dict, int | None]:
    """A single list of counts with its total: ``({key: count or None}, total or None)``."""
    column = "count"
    table = suppress_table({(key, column): value for key, value in counts.items()}, k=k)
    cells = {row: table.cells[(row, column)] for row in table.rows}
    return cells, table.column_totals.get(column, 0)


# --- why a suppressed cell cannot be recomputed ---------------------------------------------
#
# Every line of the table with its totals (a row, a column, the row of column totals, the
# column of row totals) sums to its total cell. Take the table's rows and columns (the totals'
# included) as the two sides of a graph whose edges are the hidden cells. The published cells
# make each line's hidden cells sum to a known number, and the hidden values that fit are a
# solution plus any flow around a cycle of hidden cells (+t, -t, ... alternately). So a hidden
# cell can be recomputed, by any sum and difference of published numbers, exactly when it lies
# on no cycle: when it is a bridge of that graph. No bridge, nothing recomputable.


def _vertices(cell) -> tuple[tuple, tuple]:
    row, column = cell
    return ("row", row), ("column", column)


def _bridge(hidden: set) -> tuple | None:
    """A hidden cell that lies on no cycle of hidden cells (Tarjan's bridges, iteratively), or None."""
    graph: dict[tuple, list[tuple[tuple, tuple]]] = {}
    for cell in sorted(hidden, key=str):
        a, b = _vertices(cell)
        graph.setdefault(a, []).append((b, cell))
        graph.setdefault(b, []).append((a, cell))
    order: dict[tuple, int] = {}
    low: dict[tuple, int] = {}
    for root in graph:
        if root in order:
            continue
        order[root] = low[root] = len(order)
        stack = [(root, None, iter(graph[root]))]
        while stack:
            vertex, via, edges = stack[-1]
            for neighbour, cell in edges:
                if cell == via:
                    continue
                if neighbour in order:
                    low[vertex] = min(low[vertex], order[neighbour])
                    continue
                order[neighbour] = low[neighbour] = len(order)
                stack.append((neighbour, cell, iter(graph[neighbour])))
                break
            else:
                stack.pop()
                if stack:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[vertex])
                    if low[vertex] > order[parent]:
                        return via
    return None


def _closing(bridge: tuple, hidden: set, full: dict) -> tuple:
    """The published cell to hide so that ``bridge`` lies on a cycle: one joining the two sides
    that removing the bridge leaves (the smallest non-zero count first); failing that, one that
    reaches a line from either side, so that the next round can close the cycle."""
    sides = []
    for start in _vertices(bridge):
        seen, todo = {start}, [start]
        while todo:
            vertex = todo.pop()
            for cell in hidden:
                if cell == bridge:
                    continue
                a, b = _vertices(cell)
                other = b if a == vertex else a if b == vertex else None
                if other is not None and other not in seen:
                    seen.add(other)
                    todo.append(other)
        sides.append(seen)
    first, second = sides
    published = sorted(
        (cell for cell in full if cell not in hidden), key=lambda cell: (full[cell] == 0, full[cell], str(cell))
    )
    for cell in published:
        a, b = _vertices(cell)
        if (a in first and b in second) or (a in second and b in first):
            return cell
    for cell in published:
        if set(_vertices(cell)) & (first | second):
            return cell
    raise AssertionError("a table with its totals always has a cell to close a cycle")
