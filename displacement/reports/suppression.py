"""Small-cell suppression for every aggregate given outside the owning organisation.

A count between 1 and k-1 can single out a family. Such a cell is suppressed (primary
suppression); so is any further cell, or total, that would let a reader recompute it by
subtraction (complementary suppression): in every row and column whose total is
published, the number of suppressed cells is never exactly one, and the same holds for
the row totals against the grand total and the column totals against the grand total.
Zero is published: it singles out nobody. Suppressed cells are ``None`` and listed in
``suppressed`` so that a file can mark them explicitly.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
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


def suppress_table(counts: Mapping[tuple[Hashable, Hashable], int], *, k: int | None = None) -> SuppressedTable:
    """Suppress ``counts`` (a mapping (row, column) -> count; absent keys are 0).

    Totals take the positions (row, TOTAL), (TOTAL, column) and (TOTAL, TOTAL); the result
    keeps every row and column that has a key in ``counts``.
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

    hidden = {key for key, value in full.items() if is_small(value, k)}

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


def suppress_counts(counts: Mapping[Hashable, int], *, k: int | None = None) -> tuple[dict, int | None]:
    """A single list of counts with its total: ``({key: count or None}, total or None)``."""
    column = "count"
    table = suppress_table({(key, column): value for key, value in counts.items()}, k=k)
    cells = {row: table.cells[(row, column)] for row in table.rows}
    return cells, table.column_totals.get(column, 0)
