"""What the generator reports and refuses, and the ids it reserves."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field

from django.db import connection

from displacement import models as m
from displacement.synthetic.shape import SLUG


class SyntheticRefused(Exception):
    """The database holds real data (or synthetic data already): nothing was written."""


@dataclass
class Progress:
    """A progress bar on stderr: rows written, of how many, at what rate."""

    total: int
    out: object = field(default_factory=lambda: sys.stderr)
    done: int = 0
    started: float = field(default_factory=time.monotonic)
    _shown: float = 0.0

    def add(self, rows: int, label: str) -> None:
        self.done += rows
        now = time.monotonic()
        if now - self._shown < 0.5 and self.done < self.total:
            return
        self._shown = now
        share = min(1.0, self.done / max(1, self.total))
        bar = "#" * int(share * 30)
        rate = self.done / max(1e-6, now - self.started)
        end = "\n" if self.done >= self.total else "\r"
        self.out.write(f"[{bar:<30}] {share:4.0%} {self.done:>10,} rows {rate:>9,.0f} rows/s  {label:<22}{end}")
        self.out.flush()


@dataclass
class SyntheticResult:
    rows: dict[str, int]
    seconds: float

    @property
    def total(self) -> int:
        return sum(self.rows.values())

    @property
    def rate(self) -> float:
        return self.total / max(1e-6, self.seconds)


def real_data_present() -> bool:
    """Is there anything in the casework tables that this command did not make?"""
    synthetic = m.Organization.objects.filter(slug__startswith=SLUG)
    return any(
        model.objects.exclude(organization__in=synthetic).exists()
        for model in (m.Household, m.Testimony, m.Event, m.Case, m.Displacement)
    )


def synthetic_households() -> int:
    return m.Household.objects.filter(organization__slug=SLUG).count()


def _reserve_ids(model, count: int) -> int:
    """Take ``count`` ids from the table's sequence at once; return the first."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [model._meta.db_table])
        sequence = cursor.fetchone()[0]
        # The table and sequence names come from the models and the catalog, not from input.
        query = f"SELECT setval(%s, GREATEST((SELECT COALESCE(MAX(id), 0) FROM {table}), (SELECT last_value FROM {sequence})) + %s)"  # noqa: E501, S608
        cursor.execute(query, [sequence, max(count, 1)])
        end = cursor.fetchone()[0]
    return end - max(count, 1) + 1
