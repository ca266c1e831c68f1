"""Writes to the append-only access log."""

from __future__ import annotations

import json
from array import array
from collections.abc import Iterable

from django.db import connection

from displacement.models import AccessLog
from displacement.selectors.access import Viewer


def access_record(**fields) -> None:
    """Record that ``who`` (a user or Viewer) read or exported sensitive data. Ids only, never
    values. The fields are ``access_entry``'s."""
    access_write([access_entry(**fields)])


def access_entry(
    *,
    who,
    action: str,
    model: str = "",
    ids: Iterable[int] = (),
    household_id: int | None = None,
    path: str = "",
    api_key: str = "",
    detail: dict | None = None,
) -> AccessLog:
    """The unsaved entry ``access_record`` writes (several can be written in one statement)."""
    viewer = Viewer.of(who)
    return AccessLog(
        organization=viewer.organization,
        user=viewer.user,
        api_key=api_key,
        action=action,
        model=model,
        object_ids=_sorted_ids(ids),
        household_id=household_id,
        path=path[:300],
        detail=detail or {},
    )


def _sorted_ids(ids: Iterable) -> list:
    """Distinct ids: record numbers in order; a partner's pseudonyms (random, so order tells
    nothing) as they were sent. A million-row export logs every one."""
    if isinstance(ids, list) and all(isinstance(i, str) for i in ids):
        return list(dict.fromkeys(ids))  # an export's pseudonyms, without a Python step each
    if isinstance(ids, array):
        return sorted(set(ids))  # an export's record numbers
    distinct = list(dict.fromkeys(i if isinstance(i, str) else int(i) for i in ids))
    if all(isinstance(i, str) for i in distinct):
        return distinct
    return sorted(distinct, key=lambda i: (isinstance(i, str), i))


class JSONText(str):
    """Ids already written as JSON (an export's many): ``access_write`` sends them as they are."""


#: The columns ``access_write`` fills, as the model names them.
_COLUMNS = (
    "at",
    "organization_id",
    "user_id",
    "api_key",
    "action",
    "model",
    "object_ids",
    "household_id",
    "path",
    "detail",
)
_JSON = {"object_ids", "detail"}


def access_write(entries: list[AccessLog]) -> None:
    """Write unsaved ``entries`` (``access_entry``'s) in one INSERT. Every API request writes
    one, so it skips the ORM's compilation of a bulk insert, most of the cost of a small one;
    nothing listens for the entries' saves (the table is append-only, by a trigger)."""
    if not entries:
        return
    table = AccessLog._meta.db_table
    row = "(" + ", ".join("%s::jsonb" if column in _JSON else "%s" for column in _COLUMNS) + ")"
    params = []
    for entry in entries:
        for column in _COLUMNS:
            value = getattr(entry, column)
            params.append(json.dumps(value) if column in _JSON and not isinstance(value, JSONText) else value)
    # Names and placeholders only: every value is a parameter.
    statement = f"INSERT INTO {table} ({', '.join(_COLUMNS)}) VALUES {', '.join([row] * len(entries))}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
