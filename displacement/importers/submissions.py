"""Form submissions (KoboToolbox, ODK Central) in one normalised shape, and the form check.

The readers (``kobo.py``, ``odk.py``) turn each platform's files into a ``SubmissionSet`` of
``Submission`` records; nothing here touches the database. Answers are keyed by the question's
form path (``household/household_code``); a repeat group is a list under its path, each item
keyed by the path inside the repeat (``age``, ``origin_oblast``). Values are text as the form
defines them (numbers as written, dates ``YYYY-MM-DD``, several choices space-separated, a
geopoint ``lat lon [alt [accuracy]]``); empty answers are left out.

``check_form`` refuses, as a whole, a set of submissions made with another form: what a
mapping would make of them is a guess, and a guess about people in danger is not imported.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

#: A repeat group's answers: one dict per repetition.
Answer = str | list[dict]


class ReviewStatus:
    """A reviewer's verdict, one vocabulary for both platforms."""

    NONE = ""
    APPROVED = "approved"  # KoboToolbox "Approved", ODK "approved"
    REJECTED = "rejected"  # KoboToolbox "Not approved", ODK "rejected"
    ON_HOLD = "on_hold"  # KoboToolbox "On hold"
    HAS_ISSUES = "has_issues"  # ODK "hasIssues"
    EDITED = "edited"  # ODK "edited"


@dataclass
class Attachment:
    filename: str  # the file's own name, as in a media ZIP and in the answer that names it
    mimetype: str
    download_url: str = ""
    question_path: str = ""  # the question it answers, when the platform says


@dataclass
class Submission:
    """One submission, at its latest version."""

    platform: str  # "kobotoolbox" or "odk_central"
    row: int  # its position in the file, from 1, for the import report
    stable_id: str  # the same across edits: KoboToolbox meta/rootUuid, ODK __id
    version_id: str  # this version's instanceID (a new one with every edit)
    platform_id: str = ""  # KoboToolbox's _id, ODK's __id
    previous_version_id: str = ""  # meta/deprecatedID: the version this one replaced
    edited: bool = False
    form_version: str = ""  # KoboToolbox __version__, ODK __system/formVersion
    submitted_at: datetime | None = None
    updated_at: datetime | None = None
    submitter: str = ""
    review_status: str = ReviewStatus.NONE
    deleted: bool = False
    # Names, phones and addresses are among them: never in a repr, so never in a log line or a trace.
    answers: dict[str, Answer] = field(default_factory=dict, repr=False)
    attachments: list[Attachment] = field(default_factory=list)
    geolocation: tuple[float, float] | None = None
    #: What the reader noticed that the import report should say (an edit without its original).
    flags: list[str] = field(default_factory=list)
    #: SHA-256 of the record's text as the platform wrote it, when the reader kept it (a JSON file's
    #: records): the same text again is the same version, told without reading its answers.
    source_digest: bytes = field(default=b"", repr=False)


@dataclass(frozen=True)
class ImportedVersion:
    """What an import keeps of the version of a submission it imported (``FormSubmission``): its
    digest, and what orders another version against it (``is_older``)."""

    digest: str
    version_id: str  # its instanceID (at most 100 characters kept)
    replaced: tuple[str, ...] = ()  # the instanceIDs of the versions it replaced, as far as the imports saw
    at: datetime | None = None  # its time on the server (``version_time``)


def version_time(submission: Submission) -> datetime | None:
    """A version's time on the server: ODK's ``__system/updatedAt`` (an edit or a review moves
    it), else its submission time (KoboToolbox's ``_submission_time``, ODK's ``submissionDate``)."""
    return submission.updated_at or submission.submitted_at


def is_older(submission: Submission, imported: ImportedVersion) -> bool:
    """**The** ordering rule: is ``submission`` a version older than the one imported? Yes when the
    imported version (or one it replaced) replaced it, when it is the original (its instanceID is
    the stable id) and an edit was imported, or when its time on the server is earlier. Such a
    version changes nothing: it would undo later edits."""
    version = submission.version_id[:100]
    replaced = version in imported.replaced or version == submission.stable_id[:100]
    if imported.version_id and version != imported.version_id and replaced:
        return True
    at = version_time(submission)
    return at is not None and imported.at is not None and at < imported.at


def replaced_versions(submission: Submission, version_id: str = "", replaced=()) -> list[str]:
    """The versions ``submission`` replaces, to keep with it: those the imported version
    (``version_id``, which replaced ``replaced``) replaced, that one, and its own
    ``meta/deprecatedID``."""
    chain = list(replaced)
    for earlier in (version_id, submission.previous_version_id[:100]):
        if earlier and earlier != submission.version_id[:100] and earlier not in chain:
            chain.append(earlier)
    return chain


@dataclass
class SubmissionSet:
    platform: str
    submissions: list[Submission]
    form_id: str = ""  # when the file says (ODK's @odata.context)


@dataclass(frozen=True)
class FormSpec:
    """What a form's submissions may carry: its id, revision and answer paths."""

    form_id: str
    revision: str
    marker_path: str  # the calculate whose answer names the form and revision
    marker: str
    fields: dict[str, str]  # path -> question type (repeat children by their full path)
    repeats: frozenset[str]

    @property
    def media(self) -> frozenset[str]:
        return frozenset(path for path, kind in self.fields.items() if kind in MEDIA_TYPES)


MEDIA_TYPES = {"image", "audio", "video", "file", "background-audio"}
#: A form marker's shape ("testimony_intake 1"): another answer found there is not repeated (a
#: spreadsheet's shifted columns may have put a name in the marker's).
MARKER_SHAPE = re.compile(r"[a-z][a-z0-9_]{0,40} \d{1,4}")


class SubmissionSetError(Exception):
    """The file is refused as a whole; the message says why. Nothing of it is imported."""


def text(value) -> str | None:
    """An answer as the form's text, or None when empty."""
    if type(value) is str:  # nearly every answer: first, and fast
        return value.strip() or None
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        point = value.get("coordinates")  # GeoJSON: lon, lat, alt
        if isinstance(point, list) and len(point) >= 2:
            return " ".join(str(v) for v in (point[1], point[0], *point[2:]))
        raise SubmissionSetError("An answer holds an object that is not a point: is this the platform's own file?")
    if isinstance(value, list | tuple):
        return " ".join(str(v) for v in value) or None
    return str(value).strip() or None


def timestamp(value) -> datetime | None:
    """An ISO timestamp (``Z`` or an offset; without one, UTC as both platforms mean it)."""
    if value in (None, ""):
        return None
    try:
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        # Not repeated: a column shifted in a spreadsheet may have put a name or a phone there.
        raise SubmissionSetError("A submission time is not a timestamp: is this the platform's own file?") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def with_uuid_prefix(value) -> str:
    """``uuid:…`` as instanceIDs are written, whether or not the platform kept the prefix."""
    value = str(value or "").strip()
    return value if not value or value.startswith("uuid:") else f"uuid:{value}"


def guess_mimetype(filename: str) -> str:
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"


def json_cell(value):
    """A cell holding JSON (a repeat group or a list exported as text), decoded; else as it is."""
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


_SCAN = json.JSONDecoder().scan_once
_SPACE = re.compile(r"[ \t\n\r]*")


def json_with_sources(data: bytes) -> tuple[object, list[bytes] | None]:
    """The JSON document in ``data`` (as ``json.loads`` reads it), and the SHA-256 of each record's
    text as written for the list of records at the top of the document or under its top-level
    ``results`` (KoboToolbox's data), else None. One pass of ``json``'s own scanner, which gives
    where each record's text ends: a record's digest costs hashing its text, not writing it again."""
    text = data.decode(json.detect_encoding(data), "surrogatepass")
    try:
        start = _SPACE.match(text).end()
        if text[start] == "[":
            document, sources, end = _array(text, start)
        elif text[start] == "{":
            document, sources, end = _object(text, start)
        else:
            raise ValueError
        if _SPACE.match(text, end).end() != len(text):
            raise ValueError
    except (StopIteration, ValueError, IndexError):
        return json.loads(text), None  # json's own error for a file that is not JSON
    return document, sources


def _array(text: str, at: int) -> tuple[list, list[bytes], int]:
    items, sources = [], []
    at = _SPACE.match(text, at + 1).end()
    if text[at] == "]":
        return items, sources, at + 1
    while True:
        item, end = _SCAN(text, at)
        items.append(item)
        sources.append(hashlib.sha256(text[at:end].encode("utf-8", "surrogatepass")).digest())
        at = _SPACE.match(text, end).end()
        if text[at] == "]":
            return items, sources, at + 1
        if text[at] != ",":
            raise ValueError
        at = _SPACE.match(text, at + 1).end()


def _object(text: str, at: int) -> tuple[dict, list[bytes] | None, int]:
    document, sources = {}, None
    at = _SPACE.match(text, at + 1).end()
    if text[at] == "}":
        return document, sources, at + 1
    while True:
        if text[at] != '"':
            raise ValueError
        key, at = json.decoder.scanstring(text, at + 1)
        at = _SPACE.match(text, at).end()
        if text[at] != ":":
            raise ValueError
        at = _SPACE.match(text, at + 1).end()
        if key == "results" and text[at] == "[":
            document[key], sources, at = _array(text, at)
        else:
            document[key], at = _SCAN(text, at)
            sources = None if key == "results" else sources
        at = _SPACE.match(text, at).end()
        if text[at] == "}":
            return document, sources, at + 1
        if text[at] != ",":
            raise ValueError
        at = _SPACE.match(text, at + 1).end()


def unknown_paths(answers: dict[str, Answer], known: frozenset[str], prefix: str = "") -> set[str]:
    """The paths answered (repeat children by their full path) that are not in ``known``. The
    top level is one set difference in C, not a set of every path built per submission; a
    repeat's items are taken together (the union of their keys), and only an item holding a
    repeat of its own is walked."""
    if prefix:
        unknown = {f"{prefix}{key}" for key in answers if f"{prefix}{key}" not in known}
    else:
        unknown = answers.keys() - known
    for key, value in answers.items():
        if isinstance(value, list):  # a repeat (answers are otherwise text)
            unknown |= _unknown_in_repeat(value, known, f"{prefix}{key}/")
    return unknown


def _unknown_in_repeat(items: list, known: frozenset[str], prefix: str) -> set[str]:
    keys = set().union(*items)
    unknown = {f"{prefix}{key}" for key in keys if f"{prefix}{key}" not in known}
    for item in items:
        if list in map(type, item.values()):  # a repeat inside the repeat (the readers make plain lists)
            unknown |= unknown_paths(item, known, prefix)
    return unknown


def _marker_shown(answer: str) -> str:
    if not answer:
        return "none"
    return repr(answer) if MARKER_SHAPE.fullmatch(answer) else "(not shown)"


def check_form(submissions: SubmissionSet, spec: FormSpec) -> None:
    """Refuse the whole set, with the reason, when it was not made with ``spec``'s form:
    another form id, another revision, or answers at paths the form does not have."""
    if submissions.form_id and submissions.form_id != spec.form_id:
        raise SubmissionSetError(
            f"This file holds submissions of the form {submissions.form_id!r}, not {spec.form_id!r}. "
            "Nothing was imported; use an import profile for other forms."
        )
    markers = {str(s.answers.get(spec.marker_path, "")) for s in submissions.submissions}
    if markers - {spec.marker}:
        found = ", ".join(sorted({_marker_shown(m) for m in markers - {spec.marker}}))
        raise SubmissionSetError(
            f"These submissions were not made with the intake form {spec.marker!r} (their "
            f"{spec.marker_path!r} answer: {found}). Nothing was imported; upload the current form "
            "from docs/testimony_intake.xlsx, or use an import profile for other forms."
        )
    versions = {s.form_version for s in submissions.submissions if s.platform == "odk_central" and s.form_version}
    other_versions = sorted(v for v in versions if v.split(".")[0] != spec.revision)
    if other_versions:
        raise SubmissionSetError(
            f"These submissions were made with form version(s) {', '.join(other_versions)}; this import "
            f"reads revision {spec.revision} of {spec.form_id!r}. Nothing was imported."
        )
    known = frozenset(spec.fields) | frozenset(spec.repeats)
    unknown = sorted(set().union(*(unknown_paths(s.answers, known) for s in submissions.submissions)))
    if unknown:
        listed = ", ".join(unknown[:10]) + (f" and {len(unknown) - 10} more" if len(unknown) > 10 else "")
        raise SubmissionSetError(
            f"These submissions answer questions the intake form does not have: {listed}. "
            "Nothing was imported. (A KoboToolbox export must use XML values and headers, with groups "
            "separated by '/'.)"
        )
