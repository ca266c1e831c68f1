"""Report files: written as CSV with an HXL row while hashing, then checked before delivery.

The file is written to a temporary path, one row at a time, its SHA-256 computed as it is
written; only a complete, validated file is moved to its final name (``services.reports``).
The file holds no time of generation, so two runs over the same data are identical byte for
byte: a rerun after a crash can be checked against the first.
"""

from __future__ import annotations

import csv
import hashlib
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.dispatch import Signal
from django.utils.translation import gettext as _

from displacement.exports import Echo, safe_row
from displacement.reports.suppression import is_small, threshold

logger = logging.getLogger(__name__)

#: Sent every ``PROGRESS_EVERY`` rows while a report is written (``run``, ``rows``).
report_progress = Signal()
PROGRESS_EVERY = 100
_LOG_EVERY = 100_000

_HXL_TAG = re.compile(r"^#[a-z][a-z0-9_]*(\s*\+[a-z][a-z0-9_]*)*$")
_INTEGER = re.compile(r"^-?[0-9]+$")


class ReportInvalid(Exception):
    """A file that must not be delivered; the message says which row and column."""


@dataclass
class Written:
    rows: int
    size: int
    sha256: str


def write_csv(path: Path, columns, rows: Iterable[list], *, run_id: int | None = None) -> Written:
    """Write a header row, an HXL row and ``rows`` to ``path``: UTF-8 with a byte order mark
    (Excel reads Ukrainian correctly), every text cell safe against formulas."""
    writer = csv.writer(Echo())
    digest = hashlib.sha256()
    size = count = 0
    with open(path, "wb") as fh:

        def put(text: str):
            nonlocal size
            data = text.encode("utf-8")
            digest.update(data)
            fh.write(data)
            size += len(data)

        put("\ufeff")
        put(writer.writerow([column.name for column in columns]))
        put(writer.writerow([column.tag for column in columns]))
        for row in rows:
            put(writer.writerow(safe_row(row)))
            count += 1
            if count % PROGRESS_EVERY == 0:
                report_progress.send(sender=write_csv, run=run_id, rows=count)
            if count % _LOG_EVERY == 0:
                logger.info("report run %s: %d rows written", run_id, count)
    return Written(rows=count, size=size, sha256=digest.hexdigest())


def validate(path: Path, columns, *, expected_rows: int, partner: bool, k: int | None = None) -> None:
    """Check a written file before it goes anywhere: the header and HXL rows, numbers that
    are numbers, the row count, and for a partner no count between 1 and k-1."""
    k = threshold(k) if partner else None
    names = [column.name for column in columns]
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if header != names:
            raise ReportInvalid(_("The header row does not match the report's columns."))
        tags = next(reader, None) or []
        if len(tags) != len(columns) or not all(_HXL_TAG.match(tag) for tag in tags):
            raise ReportInvalid(_("The second row must carry an HXL hashtag for every column."))
        count = 0
        for number, row in enumerate(reader, start=3):
            count += 1
            if len(row) != len(columns):
                raise ReportInvalid(_("Row %(row)d has %(n)d cells.") % {"row": number, "n": len(row)})
            for column, value in zip(columns, row, strict=True):
                if not column.numeric or value == "":
                    continue
                if not _INTEGER.match(value):
                    raise ReportInvalid(
                        _("Row %(row)d, %(column)s: '%(value)s' is not a number.")
                        % {"row": number, "column": column.name, "value": value[:20]}
                    )
                if partner and column.count and is_small(int(value), k):
                    raise ReportInvalid(
                        _("Row %(row)d, %(column)s: a count below %(k)d would leave the organisation.")
                        % {"row": number, "column": column.name, "k": k}
                    )
    if count != expected_rows:
        raise ReportInvalid(
            _("%(found)d rows read back, %(written)d written.") % {"found": count, "written": expected_rows}
        )
