"""Can a suppressed count be recomputed from what is published? Linear algebra says exactly.

Every number an aggregate publishes is a sum of some true cells (a cell, a row total, a
grand total, the same cell in two answers). A suppressed number is a sum of true cells too.
It can be recomputed, by any sums and differences of published numbers, exactly when its
sum lies in the span of the published sums: checked here in exact rational arithmetic.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from fractions import Fraction

from displacement.reports.suppression import TOTAL, SuppressedTable

Form = dict[Hashable, Fraction]  # true cell -> coefficient


def form(cells: Iterable[Hashable]) -> Form:
    return {cell: Fraction(1) for cell in cells}


class Span:
    """The sums that published numbers determine (Gaussian elimination, kept reduced)."""

    def __init__(self):
        self.rows: list[tuple[Hashable, Form]] = []  # (pivot cell, row with 1 at the pivot)

    def _reduce(self, vector: Form) -> Form:
        vector = {cell: value for cell, value in vector.items() if value}
        for pivot, row in self.rows:
            factor = vector.get(pivot)
            if factor:
                for cell, value in row.items():
                    vector[cell] = vector.get(cell, Fraction(0)) - factor * value
                vector = {cell: value for cell, value in vector.items() if value}
        return vector

    def add(self, vector: Form) -> None:
        rest = self._reduce(vector)
        if rest:
            pivot = min(rest, key=str)
            row = {cell: value / rest[pivot] for cell, value in rest.items()}
            for index, (other_pivot, other) in enumerate(self.rows):
                factor = other.get(pivot)
                if factor:
                    updated = {c: other.get(c, Fraction(0)) - factor * row.get(c, Fraction(0)) for c in {*other, *row}}
                    self.rows[index] = (other_pivot, {c: v for c, v in updated.items() if v})
            self.rows.append((pivot, row))

    def determines(self, vector: Form) -> bool:
        return not self._reduce(vector)


def table_numbers(table: SuppressedTable, *, prefix: tuple = ()) -> list[tuple[Form, int | None]]:
    """Every number of a suppressed table (its cells, row totals, column totals and grand
    total) as (the sum of true cells it stands for, its value or None when suppressed). True
    cells are named ``(*prefix, row, column)``."""
    rows, columns = table.rows, table.columns
    numbers = [(form([(*prefix, r, c)]), table.cells[(r, c)]) for r in rows for c in columns]
    numbers += [(form((*prefix, r, c) for c in columns), table.row_totals[r]) for r in rows]
    numbers += [(form((*prefix, r, c) for r in rows), table.column_totals[c]) for c in columns]
    numbers.append((form((*prefix, r, c) for r in rows for c in columns), table.grand_total))
    return numbers


def recoverable(published: Iterable[Form], suppressed: Iterable[Form]) -> list[Form]:
    """The suppressed sums that the published ones determine."""
    span = Span()
    for vector in published:
        span.add(vector)
    return [vector for vector in suppressed if span.determines(vector)]


__all__ = ["TOTAL", "Form", "Span", "form", "recoverable", "table_numbers"]
