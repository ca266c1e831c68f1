"""Plan choices of the filters: which of two plans that give the same rows a filter takes,
decided by a cheap probe and kept per process for a while (``_remembered``): one performance
mechanism, owned here.

Kept: without the kept choice every page filtered through events or by search words runs its
probe again, a query more (6 for the staff's rare-date page, the most a page may make) and, on
the shared machine, 1.04 to 1.57 times as long a page (bench/results/2026-12-07-mechanisms.md)."""

from __future__ import annotations

import hashlib
import time

from django.db.models import BooleanField, Func

from displacement.selectors.access import Viewer
from displacement.selectors.filters.base import COMMON_PARAMETERS


def _caller(viewer: Viewer) -> tuple:
    """Whose view of the records a plan choice was made for."""
    user = viewer.user.pk if viewer.user is not None else None
    return (getattr(viewer.organization, "pk", None), viewer.role, user)


def _asked(data) -> str:
    """The asked filters (not its page or format), hashed: search words are kept in no
    cache as they were typed."""
    asked = sorted((key, value) for key, value in data.items() if key not in COMMON_PARAMETERS)
    return hashlib.sha256(repr(asked).encode()).hexdigest()


#: How long a plan choice (``_remembered``) is kept.
PLAN_CHOICE_SECONDS = 600
_choices: dict[tuple, tuple[float, bool]] = {}


def _remembered(key: tuple, decide, *args) -> bool:
    """``decide(*args)``, kept for a while per process: the pages of one sync ask the same.
    A choice between two plans that give the same rows (tested), so a stale one costs time,
    never a wrong answer; it saves the page a query."""
    now = time.monotonic()
    known = _choices.get(key)
    if known is not None and known[0] > now:
        return known[1]
    answer = decide(*args)
    if len(_choices) > 10_000:
        _choices.clear()
    _choices[key] = (now + PLAN_CHOICE_SECONDS, answer)
    return answer


class InArray(Func):
    """``expression = ANY(array)``: a row condition, which PostgreSQL does not turn into a join."""

    arg_joiner = " = ANY("
    template = "%(expressions)s)"
    output_field = BooleanField()
