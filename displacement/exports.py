"""CSV helpers shared by every export: streaming and protection against formula injection."""

from __future__ import annotations

import csv
from collections.abc import Iterable

from django.http import StreamingHttpResponse
from django.utils import timezone

# A cell starting with one of these is run as a formula by Excel and LibreOffice.
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class Echo:
    """A file-like object whose write returns the line, for streaming csv.writer output."""

    def write(self, value: str) -> str:
        return value


def safe_cell(value) -> str:
    """Render ``value`` for a CSV cell, neutralising a leading formula character.

    Numbers stay numbers: a negative count is not text an attacker controls.
    """
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    text = str(value)
    if text.startswith(_FORMULA_PREFIXES):
        return "'" + text
    return text


def safe_row(row: Iterable) -> list[str]:
    return [safe_cell(value) for value in row]


def csv_response(rows: Iterable[Iterable], *, name: str) -> StreamingHttpResponse:
    """Stream ``rows`` as a CSV download: UTF-8 with a byte order mark (Excel reads Ukrainian
    correctly), every cell made safe against formulas."""
    writer = csv.writer(Echo())

    def stream():
        yield "\ufeff"
        for row in rows:
            yield writer.writerow(safe_row(row))

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.csv"'
    return response
