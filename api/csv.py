"""CSV with an HXL hashtag row, streamed, safe to open in Excel.

The columns and their HXL hashtags are ``selectors.columns`` (the reports' too). The file starts with a UTF-8 byte
order mark so that Excel reads Ukrainian correctly, and every text cell starting with
= + - @ is prefixed with an apostrophe so that no spreadsheet runs it as a formula.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.http import StreamingHttpResponse

from displacement import exports
from displacement.selectors.columns import csv_rows


def csv_response(kind: str, rows: Iterable[dict]) -> StreamingHttpResponse:
    return exports.csv_response(csv_rows(kind, rows), name=kind)
