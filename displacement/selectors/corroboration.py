"""How many independent sources stand behind an event, as each reader is told.

The counts are kept by the database (``models.corroboration``, one rule); this module says who
reads which of them. Staff (and a partner reading its own events) read every testimony's
household; a partner reading another organisation's events reads only the households whose
testimony may leave for partners (an active consent to sharing, not restricted), and never a
publisher's name or a household's id: counts only. An event with fewer than
``CORROBORATED_AT`` independent sources is single-source (none recorded counts as single: it
rests on at most one). Verification stays a coordinator's decision: nothing here changes it.
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q

from displacement import models as m
from displacement.models.corroboration import CORROBORATED_AT, KIND_COLUMNS
from displacement.models.vocab import CorroborationKind

#: The fields every reader of an event gets, in this order (API, CSV, reports).
FIELDS = ("independent_sources", "single_source", *(f"sources_{kind}" for kind in KIND_COLUMNS))


def single_source_q(prefix: str = "") -> Q:
    """Events (or, with ``prefix``, records through it, ``"event__"``) with fewer than
    ``CORROBORATED_AT`` independent sources, those without a row included."""
    return Q(**{f"{prefix}corroboration__isnull": True}) | Q(
        **{f"{prefix}corroboration__independent__lt": CORROBORATED_AT}
    )


def corroborated_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}corroboration__independent__gte": CORROBORATED_AT})


def with_counts(queryset):
    """``queryset`` of events with their counts joined: a page reads them in its own query."""
    return queryset.select_related("corroboration")


def _row(event: m.Event) -> m.EventCorroboration | None:
    try:
        return event.corroboration
    except ObjectDoesNotExist:
        return None


def counts(event: m.Event, *, audience: m.Organization | None = None) -> dict:
    """The event's independent sources in all, by kind, and the single-source flag, as
    ``audience`` (a partner; ``None``: the owner's staff) is told of them."""
    row = _row(event)
    own = audience is None or event.organization_id == audience.pk
    households = 0 if row is None else (row.households if own else row.shared_households)
    by_kind = {kind: 0 if row is None else getattr(row, kind) for kind in KIND_COLUMNS}
    by_kind[CorroborationKind.TESTIMONY.value] += households
    total = sum(by_kind.values())
    return {
        "independent_sources": total,
        "single_source": total < CORROBORATED_AT,
        **{f"sources_{kind}": value for kind, value in by_kind.items()},
    }


def households_counted(event: m.Event) -> tuple[int, int]:
    """(all households that testified, those whose testimony partners may be told of): staff only."""
    row = _row(event)
    return (0, 0) if row is None else (row.households, row.shared_households)
