"""CSV helpers shared by every export: streaming and protection against formula injection."""

from __future__ import annotations

from collections.abc import Iterable

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
