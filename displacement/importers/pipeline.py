"""The import pipeline: a reader yields rows, a mapper turns each into a row result (values or
problems), a writer applies the accepted ones through a service. Nothing here knows ACLED.

- ``Table`` (from a reader): the rows as ``(row_number, {column: text})``, the columns that
  were ignored and an estimate of the number of rows (for the progress bar).
- ``RowResult`` (from a mapper): ``external_id``, ``values`` (None when rejected) and its
  ``problems`` (rejections and flags, each with a field and a message).
- a writer: ``write(results) -> Counts``, inside the pipeline's transaction.

A ``FileError`` anywhere (not a CSV, truncated, too big, required columns missing) fails the
whole file: the transaction is rolled back and nothing is written.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from displacement.models.imports import ReportLevel


class FileError(Exception):
    """The file as a whole cannot be imported; nothing was written."""


@dataclass
class Problem:
    level: str  # ReportLevel
    field: str
    message: str
    row_number: int | None = None
    external_id: str = ""


@dataclass
class RowResult:
    row_number: int
    external_id: str = ""
    values: object | None = None  # what the writer needs; None: rejected, or unchanged
    problems: list[Problem] = field(default_factory=list)
    unchanged: bool = False  # the database already holds this revision: nothing to write

    def reject(self, field_name: str, message: str) -> RowResult:
        self.values = None
        self.problems.append(Problem(ReportLevel.REJECTED, field_name, message))
        return self

    def flag(self, field_name: str, message: str) -> None:
        self.problems.append(Problem(ReportLevel.FLAGGED, field_name, message))

    @property
    def rejected(self) -> bool:
        return any(p.level == ReportLevel.REJECTED for p in self.problems)


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    rejected: int = 0
    flagged: int = 0


class Known(str):
    """A row that ``read_csv``'s ``unchanged`` check found already imported (its external id):
    no dict is made of its cells and no mapper sees it."""


@dataclass
class Table:
    rows: Iterator[tuple[int, dict[str, str]]]
    columns: list[str]
    ignored_columns: list[str] = field(default_factory=list)
    rows_estimate: int = 0


# --- reading text files ------------------------------------------------------------------

CHUNK = 1 << 20


#: The first bytes of what people upload instead of a CSV file, and what to tell them.
NOT_CSV = (
    (
        (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE),
        "This file is UTF-16 (Excel's “Unicode Text”): save it as “CSV UTF-8”.",
    ),
    ((b"PK\x03\x04",), "This is a ZIP file or an Excel workbook, not a CSV file."),
    ((b"\x1f\x8b",), "This is a gzip file: unpack it first."),
    ((b"%PDF",), "This is a PDF document, not a CSV file."),
    ((b"\x89PNG", b"\xff\xd8\xff", b"GIF8"), "This is an image, not a CSV file."),
)


def not_csv(head: bytes) -> str:
    """Why a file starting with ``head`` cannot be a CSV file, in words its uploader can act on
    ("" when its first bytes say nothing)."""
    return next((why for starts, why in NOT_CSV if head.startswith(starts)), "")


def detect_encoding(path: Path) -> tuple[str, int, bool]:
    """UTF-8 (with or without BOM) or, when that fails, cp1251 (Excel in Ukrainian locales);
    with the number of line breaks (an estimate of the rows) and whether the last is the end."""
    with path.open("rb") as raw:
        head = raw.read(4)
        if why := not_csv(head):
            raise FileError(why)
        encoding = "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8"
        try:
            lines, last = _scan(raw, "utf-8")
        except UnicodeDecodeError:
            encoding = "cp1251"
            try:  # cp1251 leaves one byte (0x98) undefined: a file with it is neither
                lines, last = _scan(raw, "cp1251")
            except UnicodeDecodeError:
                raise FileError("This is not a text file in UTF-8 or cp1251.") from None
    return encoding, lines, last in (b"\n", b"\r")


def _scan(raw, encoding: str) -> tuple[int, bytes]:
    """Decode ``raw`` whole from its start (``UnicodeDecodeError`` if it is not ``encoding``):
    its number of line breaks and its last byte."""
    raw.seek(0)
    decoder = codecs.getincrementaldecoder(encoding)()
    lines, last = 0, b""
    while chunk := raw.read(CHUNK):
        if b"\x00" in chunk:
            raise FileError("This is not a text file (it holds NUL bytes).")
        decoder.decode(chunk)
        lines += chunk.count(b"\n")
        last = chunk[-1:]
    decoder.decode(b"", final=True)
    return lines, last


def sniff_delimiter(first_line: str) -> str:
    """``,`` or ``;`` (Excel in Ukrainian and Russian locales) or a tab, whichever the header uses most."""
    counts = {sep: first_line.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def read_csv(
    path: Path,
    *,
    required: Iterable[str],
    known: Iterable[str],
    unchanged: Callable[[list[str]], Callable[[list[str]], str] | None] | None = None,
) -> Table:
    """A CSV file's rows as dicts keyed by the (lower-cased, trimmed) header.

    ``unchanged(header)`` may answer a check of a row's cells that returns its external id when
    the database already holds that revision (else ""): such a row comes as a ``Known`` id, and
    a re-import of a large file reads it and little else (``results`` counts it unchanged)."""
    encoding, lines, ends_with_newline = detect_encoding(path)
    handle = path.open(encoding=encoding, newline="")
    first = handle.readline()
    if not first.strip():
        handle.close()
        raise FileError("The file is empty.")
    delimiter = sniff_delimiter(first)
    handle.seek(0)
    reader = csv.reader(handle, delimiter=delimiter, strict=True)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except csv.Error as exc:
        handle.close()
        raise FileError(f"This is not a CSV file: {exc}.") from None
    missing = [c for c in required if c not in header]
    repeated = sorted({h for h in header if h and header.count(h) > 1})
    if problem := (
        f"Required columns are missing: {', '.join(missing)}." if missing
        else f"Columns appear more than once (which one holds the value?): {', '.join(repeated)}." if repeated
        else ""
    ):  # fmt: skip
        handle.close()
        raise FileError(problem)
    known = set(known)
    ignored = [h for h in header if h and h not in known]
    check = unchanged(header) if unchanged is not None else None  # (no named column twice: refused above)
    width = len(header)

    def rows():
        with handle:
            row_number, held = 1, None
            try:
                for cells in reader:
                    row_number += 1
                    if check is not None and len(cells) == width and (external_id := check(cells)):
                        if held is not None:
                            yield held
                        held = row_number, Known(external_id)
                        continue
                    if not any(c.strip() for c in cells):
                        continue
                    if held is not None:
                        yield held
                    held = row_number, _cells(header, cells, row_number)
            except csv.Error as exc:
                raise FileError(
                    f"Row {row_number + 1} cannot be read ({exc}): the file is cut short or not CSV."
                ) from None
            if held is not None:
                if isinstance(held[1], ShortRow) and not ends_with_newline:
                    raise FileError(f"The last row ({held[0]}) is cut short: the file is truncated.")
                yield held

    return Table(rows=rows(), columns=header, ignored_columns=ignored, rows_estimate=max(lines - 1, 1))


class ShortRow(dict):
    """A row with another number of cells than the header (its mapper rejects it)."""

    cells: int = 0


def _cells(header: list[str], cells: list[str], row_number: int) -> dict[str, str]:
    if len(cells) != len(header):
        row = ShortRow(zip(header, cells, strict=False))
        row.cells = len(cells)
        return row
    return dict(zip(header, cells, strict=True))


def read_json_list(path: Path, *, required: Iterable[str], known: Iterable[str]) -> Table:
    """An API answer ``{"status": 200, "data": [{...}, ...]}`` (or a bare list) as rows."""
    try:
        with path.open("rb") as handle:
            document = json.load(io.TextIOWrapper(handle, encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FileError(f"This is not a JSON file, or it is cut short: {exc}.") from None
    if isinstance(document, dict):
        if document.get("status") not in (None, 200, "200"):
            raise FileError(f"The API answered with status {document.get('status')}, not 200.")
        document = document.get("data")
    if not isinstance(document, list) or not all(isinstance(item, dict) for item in document):
        raise FileError('Expected {"status": 200, "data": [...]}, a list of objects.')
    columns: list[str] = []
    for item in document[:1000]:
        columns += [k.strip().lower() for k in item if k.strip().lower() not in columns]
    missing = [c for c in required if document and c not in columns]
    if missing:
        raise FileError(f"Required fields are missing: {', '.join(missing)}.")
    known = set(known)

    def rows():
        for number, item in enumerate(document, start=1):
            yield number, {k.strip().lower(): _text(v) for k, v in item.items()}

    return Table(
        rows=rows(),
        columns=columns,
        ignored_columns=[c for c in columns if c not in known],
        rows_estimate=len(document),
    )


def _text(value) -> str:
    """A JSON value as a CSV export writes it: null and false are empty (ACLED's own API sends
    text, "Civilian targeting" or ""; another tool's ``false`` must not read as a yes)."""
    return "" if value is None or value is False else str(value)


def results(
    table: Table,
    mapper: Callable[[int, dict], RowResult],
    report: list[Problem],
    counts: Counts,
    progress: Callable[[int], None] | None = None,
) -> Iterator[RowResult]:
    """Map every row, keep the problems in ``report`` and count them; yield the accepted rows.

    An id repeated in the same file rejects the later rows: which one ACLED meant is unknown
    (also when the first was rejected: the later one may be the row ACLED meant, or not).
    """
    seen: set[str] = set()
    for done, (row_number, raw) in enumerate(table.rows, start=1):
        if progress is not None and done % 5000 == 0:
            progress(done)
        if raw.__class__ is Known:
            if raw not in seen:
                seen.add(raw)
                counts.unchanged += 1
                continue
            result = RowResult(row_number, raw, unchanged=True)
        else:
            result = mapper(row_number, raw)
        rejected = result.rejected  # once a row: this loop runs 200,000 times a large file
        if result.external_id:
            if result.external_id not in seen:
                seen.add(result.external_id)
            elif not rejected:
                result.reject("event_id_cnty", f"{result.external_id} appears more than once in this file.")
                rejected = True
        if rejected:  # the flags of a rejected row do not matter any more
            result.problems = [p for p in result.problems if p.level == ReportLevel.REJECTED]
        for problem in result.problems:
            problem.row_number = row_number
            problem.external_id = result.external_id
            report.append(problem)
        if rejected:
            counts.rejected += 1
        elif result.unchanged:
            counts.unchanged += 1
        else:
            counts.flagged += any(p.level == ReportLevel.FLAGGED for p in result.problems)
            yield result
