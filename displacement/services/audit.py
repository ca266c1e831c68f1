"""Writes to the append-only access log."""

from __future__ import annotations

from collections.abc import Iterable

from displacement.models import AccessLog
from displacement.selectors.access import Viewer


def access_record(**fields) -> AccessLog:
    """Record that ``who`` (a user or Viewer) read or exported sensitive data. Ids only, never
    values. The fields are ``access_entry``'s."""
    entry = access_entry(**fields)
    entry.save()
    return entry


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
    distinct = list(dict.fromkeys(i if isinstance(i, str) else int(i) for i in ids))
    if all(isinstance(i, str) for i in distinct):
        return distinct
    return sorted(distinct, key=lambda i: (isinstance(i, str), i))
