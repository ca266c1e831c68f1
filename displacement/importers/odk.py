"""ODK Central submissions: the OData JSON of a form's ``Submissions`` table, as ``Submission``s.

``GET /v1/projects/{p}/forms/{form}.svc/Submissions?$expand=*`` gives each submission with its
groups as nested objects and its repeat groups as arrays. Without ``$expand`` a repeat is a
navigation link (``members@odata.navigationLink``) to its own table
(``Submissions.household.members``), whose rows point back to their parent by
``__Submissions-id`` (or ``__Submissions-household-members-id`` for a repeat inside a repeat):
pass those tables' JSON documents in ``tables`` by name and they are joined in.

The stable id is ``__id`` (the first version's instanceID); ``meta/instanceID`` is the current
version's. ``__system`` gives ``submissionDate``, ``updatedAt``, ``deletedAt`` (present when
deleted submissions are asked for), ``reviewState``, ``edits``, ``submitterName`` and
``formVersion``. OData does not list attachments: the answers to the form's media questions
(``spec.media``) name them, and their download URL is built from ``@odata.context``.
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote

from .submissions import (
    Attachment,
    FormSpec,
    ReviewStatus,
    Submission,
    SubmissionSet,
    SubmissionSetError,
    guess_mimetype,
    text,
    timestamp,
    with_uuid_prefix,
)

PLATFORM = "odk_central"
REVIEW = {
    "approved": ReviewStatus.APPROVED,
    "rejected": ReviewStatus.REJECTED,
    "hasIssues": ReviewStatus.HAS_ISSUES,
    "edited": ReviewStatus.EDITED,
}
NAVIGATION = "@odata.navigationLink"
_CONTEXT = re.compile(r"^(?P<base>.*?)/v1/projects/(?P<project>[^/]+)/forms/(?P<form>[^/]+?)\.svc/")


class _Tables:
    """The repeat tables given apart, rows grouped by the parent they point to."""

    def __init__(self, tables: dict[str, dict] | None):
        self.rows: dict[tuple[str, str], list[dict]] = {}
        for name, document in (tables or {}).items():
            for row in _value(document, name):
                # The one key naming the parent's table: __Submissions-id, __Submissions-a-b-id...
                parent = next((v for k, v in row.items() if k.startswith("__") and k.endswith("-id")), None)
                self.rows.setdefault((name, str(parent)), []).append(row)
        self.names = set((tables or {}).keys())

    def children(self, table: str, parent_id: str) -> list[dict]:
        if table not in self.names:
            raise SubmissionSetError(
                f"The repeat group {table.split('.', 1)[1].replace('.', '/')!r} is only linked "
                f"({NAVIGATION}): download the submissions with $expand=*, or give its table {table!r}."
            )
        return self.rows.get((table, parent_id), [])


def _decoded(document, name: str):
    if isinstance(document, bytes | str):
        try:
            return json.loads(document)
        except ValueError as exc:
            raise SubmissionSetError(f"{name} is not JSON: {exc}.") from None
    return document


def _value(document, name: str) -> list[dict]:
    document = _decoded(document, name)
    rows = document.get("value") if isinstance(document, dict) else None
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        raise SubmissionSetError(f"{name} is not an ODK Central OData document (no 'value' list).")
    return rows


def _answers(entity: dict, tables: _Tables, table: str, entity_id: str, prefix: str = "") -> dict:
    """A submission's (or a repeat row's) answers, groups flattened into paths below ``prefix``."""
    answers = {}
    for key, value in entity.items():
        if key.startswith("__") or key.startswith("@odata"):
            continue
        if key.endswith(NAVIGATION):
            name = key[: -len(NAVIGATION)]
            rows = tables.children(f"{table}.{(prefix + name).replace('/', '.')}", entity_id)
            value, key = rows, name
        path = prefix + key
        if key == "meta" and not prefix:
            continue
        if isinstance(value, dict) and "coordinates" not in value:
            answers.update(_answers(value, tables, table, entity_id, f"{path}/"))
        elif isinstance(value, list) and all(isinstance(item, dict) for item in value):
            child = f"{table}.{path.replace('/', '.')}"
            items = [_answers(item, tables, child, str(item.get("__id"))) for item in value]
            if items:
                answers[path] = items
        elif (answer := text(value)) is not None:
            answers[path] = answer
    return answers


def _media(answers: dict, media: frozenset[str], prefix: str = "") -> list[tuple[str, str]]:
    """(question path, file name) for every answer to a media question, repeats included."""
    found = []
    for key, value in answers.items():
        path = prefix + key
        if isinstance(value, list):
            for item in value:
                found += _media(item, media, f"{path}/")
        elif path in media:
            found.append((path, value))
    return found


def read(document, *, spec: FormSpec, tables: dict[str, dict] | None = None) -> SubmissionSet:
    """The ``Submissions`` document (bytes, text or decoded), and its repeat tables if apart."""
    document = _decoded(document, "Submissions")
    rows = _value(document, "Submissions")
    where = _CONTEXT.match(str(document.get("@odata.context") or ""))
    joined = _Tables(tables)
    submissions = []
    for n, entity in enumerate(rows, 1):
        stable = with_uuid_prefix(entity.get("__id"))
        if not stable:
            raise SubmissionSetError(f"Submission {n} has no __id: is this ODK Central's OData?")
        system, meta = (entity.get(key) if isinstance(entity.get(key), dict) else {} for key in ("__system", "meta"))
        answers = _answers(entity, joined, "Submissions", entity.get("__id"))
        attachments = []
        for path, name in _media(answers, spec.media):
            url = ""
            if where:
                url = (
                    f"{where['base']}/v1/projects/{where['project']}/forms/{where['form']}/submissions/"
                    f"{quote(stable, safe='')}/attachments/{quote(name)}"
                )
            attachments.append(Attachment(name, guess_mimetype(name), url, path))
        submissions.append(
            Submission(
                platform=PLATFORM,
                row=n,
                stable_id=stable,
                version_id=with_uuid_prefix(meta.get("instanceID")) or stable,
                platform_id=stable,
                previous_version_id=with_uuid_prefix(meta.get("deprecatedID")),
                edited=bool(system.get("edits")) or bool(meta.get("deprecatedID")),
                form_version=text(system.get("formVersion")) or "",
                submitted_at=timestamp(system.get("submissionDate")),
                updated_at=timestamp(system.get("updatedAt")),
                submitter=text(system.get("submitterName")) or "",
                review_status=REVIEW.get(text(system.get("reviewState")) or "", ReviewStatus.NONE),
                deleted=bool(system.get("deletedAt")),
                answers=answers,
                attachments=attachments,
            )
        )
    return SubmissionSet(PLATFORM, submissions, form_id=where["form"] if where else "")
