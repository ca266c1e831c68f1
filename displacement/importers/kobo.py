"""KoboToolbox submissions: the data API's JSON and the CSV and XLSX exports, as ``Submission``s.

Accepted shapes (exports with "XML values and headers" and groups separated by ``/``):

- the data API (``/api/v2/assets/<uid>/data/``): a page ``{"count", "next", "results": [...]}``
  or the list of records; a repeat group is a list of records keyed by full paths;
- a CSV export (``,`` or ``;``), one row per submission; a repeat group, if present, is a cell
  holding its JSON array;
- an XLSX export: the first sheet the submissions, each other sheet one repeat group, its rows
  joined to their parent's by ``_parent_table_name`` and ``_parent_index`` = the parent's
  ``_index``. A select-multiple's one-column-per-choice (``q/choice``) is dropped (``q`` holds
  the answer) and ``q_URL`` columns become the attachment of ``q``.

The stable id is ``meta/rootUuid`` (the first version's instanceID, kept through edits); without
it, the instanceID (``meta/instanceID``, else ``uuid:`` + ``_uuid``), which is right only for a
submission never edited: an edited one without ``meta/rootUuid`` is flagged (its original
cannot be matched, so it would come in as new).
"""

from __future__ import annotations

import csv
import io
import json
import posixpath
import zipfile
from collections import defaultdict

from openpyxl import load_workbook

from .pipeline import not_csv
from .submissions import (
    Attachment,
    ReviewStatus,
    Submission,
    SubmissionSet,
    SubmissionSetError,
    guess_mimetype,
    json_cell,
    text,
    timestamp,
    with_uuid_prefix,
)

PLATFORM = "kobotoolbox"
_EXTRA = "_cells_beyond_the_header"
#: Keys of a record that are KoboToolbox's, not the form's answers.
SYSTEM_KEYS = {"formhub/uuid", "__version__", "_version_", "version"}
META_PREFIX = "meta/"
VALIDATION = {
    "validation_status_approved": ReviewStatus.APPROVED,
    "approved": ReviewStatus.APPROVED,
    "validation_status_not_approved": ReviewStatus.REJECTED,
    "not approved": ReviewStatus.REJECTED,
    "validation_status_on_hold": ReviewStatus.ON_HOLD,
    "on hold": ReviewStatus.ON_HOLD,
}


def _is_system(key: str) -> bool:
    return key[:1] == "_" or key[:5] == META_PREFIX or key in SYSTEM_KEYS


def _review_status(value) -> str:
    """``_validation_status``: the API's object (``uid``, ``label``), or an export's label."""
    value = json_cell(value)
    if isinstance(value, dict):
        value = value.get("uid") or value.get("label") or ""
    return VALIDATION.get(str(value or "").strip().lower(), ReviewStatus.NONE)


def _answers(record: dict, prefix: str = "") -> dict:
    """The form's answers of a record (or a repeat's item), keyed by path below ``prefix``."""
    answers = {}
    cut = len(prefix)
    for key, value in record.items():
        # _is_system inlined, the common answer first: this loop runs for every answer of a file.
        if key[:1] == "_" or key[:5] == META_PREFIX or key in SYSTEM_KEYS or key[:cut] != prefix:
            continue
        path = key[cut:]
        if type(value) is str and value[:1] != "[":  # nearly every answer
            if value := value.strip():
                answers[path] = value
            continue
        decoded = json_cell(value)  # a repeat group in a CSV cell is its JSON array; other text stays text
        if isinstance(decoded, list) and all(isinstance(item, dict) for item in decoded):
            items = [_answers(item, f"{key}/") for item in decoded]
            if items:
                answers[path] = items
        elif (answer := text(value)) is not None:
            answers[path] = answer
    return answers


def _may_hold_media(item) -> bool:
    """Whether a repeat's item has ``_attachments`` or a repeat of its own: the others (nearly
    every item) hold nothing to gather, told without a call per item."""
    return isinstance(item, dict) and ("_attachments" in item or list in map(type, item.values()))


def _attachments(record: dict) -> list[Attachment]:
    """The record's ``_attachments``, and those an export's ``_URL`` columns gave its repeats' rows."""
    listed = json_cell(record.get("_attachments")) or []
    attachments = []
    for value in record.values():
        if isinstance(value, list):
            attachments += [found for item in value if _may_hold_media(item) for found in _attachments(item)]
    if not listed and not attachments:  # a repeat's item, nearly always: nothing to gather
        return attachments
    for item in listed if isinstance(listed, list) else []:
        if not isinstance(item, dict) or item.get("is_deleted"):
            continue
        name = text(item.get("media_file_basename")) or posixpath.basename(text(item.get("filename")) or "")
        attachments.append(
            Attachment(
                filename=name,
                mimetype=text(item.get("mimetype")) or guess_mimetype(name),
                download_url=text(item.get("download_url")) or "",
                question_path=text(item.get("question_xpath")) or "",
            )
        )
    unique = {(a.filename, a.question_path): a for a in attachments}  # an export may give one twice
    return list(unique.values())


def _geolocation(value) -> tuple[float, float] | None:
    value = json_cell(value)
    if isinstance(value, list) and len(value) == 2 and None not in value:
        try:
            return float(value[0]), float(value[1])
        except (TypeError, ValueError):
            return None
    return None


class _Submission(Submission):
    """A submission whose answers and attachments are read from its record when first used: an
    import that finds it unchanged (its source digest the one imported) never reads them."""

    _record: dict | None = None

    def _read(self) -> None:
        record, self._record = self._record, None
        self.__dict__["answers"], self.__dict__["attachments"] = _answers(record), _attachments(record)

    @property
    def answers(self) -> dict:
        if self._record is not None:
            self._read()
        return self.__dict__["answers"]

    @answers.setter
    def answers(self, value: dict) -> None:
        self.__dict__["answers"] = value

    @property
    def attachments(self) -> list[Attachment]:
        if self._record is not None:
            self._read()
        return self.__dict__["attachments"]

    @attachments.setter
    def attachments(self, value: list[Attachment]) -> None:
        self.__dict__["attachments"] = value


def submission(record: dict, row: int, source_digest: bytes = b"") -> Submission:
    """One record of the data API (or a row of an export, in the same keys); its answers are
    read when first used."""
    instance = with_uuid_prefix(record.get("meta/instanceID") or record.get("_uuid"))
    root = with_uuid_prefix(record.get("meta/rootUuid"))
    previous = with_uuid_prefix(record.get("meta/deprecatedID"))
    if not instance:
        raise SubmissionSetError(f"Submission {row} has no meta/instanceID and no _uuid: is this a KoboToolbox file?")
    flags = []
    if previous and not root:
        flags.append(
            "An edited submission without meta/rootUuid: its earlier version cannot be matched, "
            "so it is taken as a new submission."
        )
    read = _Submission(
        platform=PLATFORM,
        row=row,
        stable_id=root or instance,
        version_id=instance,
        platform_id=text(record.get("_id")) or "",
        previous_version_id=previous,
        edited=bool(previous),
        form_version=text(record.get("__version__")) or "",
        submitted_at=timestamp(record.get("_submission_time")),
        submitter=text(record.get("_submitted_by")) or "",
        review_status=_review_status(record.get("_validation_status")),
        geolocation=_geolocation(record.get("_geolocation")),
        flags=flags,
        source_digest=source_digest,
    )
    read._record = record
    return read


def read_json(payload, *, consume: bool = False, sources: list[bytes] | None = None) -> SubmissionSet:
    """The data API's page (``results``) or its list of records; bytes or already decoded.
    ``consume``: each record is dropped from ``payload`` once read (a file's own document).
    ``sources``: the SHA-256 of each record's text in the file (``json_with_sources``)."""
    if isinstance(payload, bytes | str):
        try:
            payload = json.loads(payload)
        except ValueError as exc:
            raise SubmissionSetError(f"This is not JSON: {exc}.") from None
    records = payload.get("results") if isinstance(payload, dict) else payload
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise SubmissionSetError("Expected KoboToolbox's data: a page with 'results', or a list of submissions.")
    if sources is None or len(sources) != len(records):
        sources = [b""] * len(records)
    if not consume:
        read = [submission(r, n, d) for n, (r, d) in enumerate(zip(records, sources, strict=True), 1)]
        return SubmissionSet(PLATFORM, read)
    read, count = [], len(records)
    records.reverse()  # popped from the end, in the file's order: the list does not outlive the reading
    while records:
        n = count - len(records)
        read.append(submission(records.pop(), n + 1, sources[n]))
    return SubmissionSet(PLATFORM, read)


def _tidy(header: list[str], rows: list[dict]) -> list[dict]:
    """An export's rows in the API's keys: a select-multiple's per-choice columns dropped and
    each ``q_URL`` column turned into an ``_attachments`` entry for ``q``."""
    columns = set(header)
    per_choice = {c for c in header if "/" in c and c.rsplit("/", 1)[0] in columns}
    urls = {c: c[: -len("_URL")] for c in header if c.endswith("_URL") and c[: -len("_URL")] in columns}
    tidied = []
    for row in rows:
        record = {k: v for k, v in row.items() if k not in per_choice and k not in urls}
        media = [
            {"filename": text(row[name]), "download_url": text(row[url]) or "", "question_xpath": name}
            for url, name in urls.items()
            if text(row.get(name))
        ]
        if media:
            record["_attachments"] = (json_cell(record.get("_attachments")) or []) + media
        tidied.append(record)
    return tidied


def read_csv(data: bytes) -> SubmissionSet:
    """A CSV export, ``,`` or ``;`` separated, UTF-8 with or without BOM."""
    if why := not_csv(data[:4]):
        raise SubmissionSetError(why)
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SubmissionSetError("The CSV file is not UTF-8, as KoboToolbox writes it.") from None
    first = content.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(content, newline=""), delimiter=delimiter, restkey=_EXTRA, strict=True)
    try:
        header, rows = reader.fieldnames or [], list(reader)
    except csv.Error as exc:  # (strict: a quoted cell the file ends inside)
        raise SubmissionSetError(f"The CSV file cannot be read ({exc}): is it cut short?") from None
    extra = next((n for n, row in enumerate(rows, 1) if _EXTRA in row), None)
    if extra:
        raise SubmissionSetError(f"Submission {extra} has more cells than the header has columns.")
    # Fewer (DictReader fills the missing with None): a file cut short, whose last row may have
    # lost its review status (a rejected submission would be imported) or its media.
    short = next((n for n, row in enumerate(rows, 1) if None in row.values()), None)
    if short:
        raise SubmissionSetError(
            f"Submission {short} has fewer cells than the header has columns: is the file cut short?"
        )
    if "_uuid" not in header and "meta/instanceID" not in header:
        raise SubmissionSetError(
            "This CSV has no _uuid or meta/instanceID column: export from KoboToolbox with XML values and headers."
        )
    return SubmissionSet(PLATFORM, [submission(row, n) for n, row in enumerate(_tidy(header, rows), 1)])


def _sheet(worksheet) -> tuple[list[str], list[dict]]:
    rows = worksheet.iter_rows(values_only=True)
    header = [str(cell).strip() if cell is not None else "" for cell in next(rows, ())]
    records = [
        {column: cell for column, cell in zip(header, row, strict=False) if column}
        for row in rows
        if any(cell is not None for cell in row)
    ]
    return [column for column in header if column], records


def _repeat_path(sheet_name: str, header: list[str]) -> str:
    """The repeat's form path: its sheet is named by the repeat's name (cut at 31 characters)."""
    for column in header:
        parts = column.split("/")
        for i in range(len(parts) - 1, 0, -1):
            if parts[i - 1].startswith(sheet_name) and len(parts[i - 1]) >= len(sheet_name):
                return "/".join(parts[:i])
    raise SubmissionSetError(f"The sheet {sheet_name!r} has no question of its repeat group (columns with '/').")


def read_xlsx(data: bytes) -> SubmissionSet:
    """An XLSX export: the submissions' sheet first, then one sheet per repeat group."""
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise SubmissionSetError("This is not a readable XLSX file.") from None
    sheets = {sheet.title: _sheet(sheet) for sheet in workbook.worksheets}
    workbook.close()
    if not sheets:
        raise SubmissionSetError("The workbook has no sheet.")
    main = next(iter(sheets))
    tables = {name: _tidy(header, rows) for name, (header, rows) in sheets.items()}
    by_index = {name: {str(text(r.get("_index"))): r for r in rows} for name, rows in tables.items()}
    children: dict[tuple[str, str], dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for name, (header, _) in sheets.items():
        if name == main:
            continue
        if "_parent_index" not in header or "_parent_table_name" not in header:
            raise SubmissionSetError(f"The sheet {name!r} has no _parent_index and _parent_table_name columns.")
        path = _repeat_path(name, header)
        for item in tables[name]:
            parent = (str(item.get("_parent_table_name")), str(text(item.get("_parent_index"))))
            if parent[1] not in by_index.get(parent[0], {}):
                raise SubmissionSetError(
                    f"A row of the sheet {name!r} points to row _index {parent[1]} of {parent[0]!r}, which is missing."
                )
            children[parent][path].append(item)
    for (table, index), repeats in children.items():
        by_index[table][index].update(repeats)
    if "_uuid" not in sheets[main][0] and "meta/instanceID" not in sheets[main][0]:
        raise SubmissionSetError(
            "The first sheet has no _uuid or meta/instanceID column: export with XML values and headers."
        )
    return SubmissionSet(PLATFORM, [submission(row, n) for n, row in enumerate(tables[main], 1)])


def read(data: bytes) -> SubmissionSet:
    """Any of the three, told apart by their first bytes."""
    if data.startswith(b"PK"):
        return read_xlsx(data)
    if data.lstrip(b"\xef\xbb\xbf \r\n\t")[:1] in (b"{", b"["):
        return read_json(data)
    return read_csv(data)
