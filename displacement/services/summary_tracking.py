"""Which summary weeks a change touches; one refresh task per organisation after commit.

Every service that writes a summarised record says what it touched, by calling one of the
functions below inside its transaction (no model signal does it for them: a write that does not
go through a service refreshes nothing until the nightly rebuild). Weeks are collected for the
whole transaction and queued once it commits, one task per organisation, with the parts of the
summaries that changed (``summary_sql.PARTS``: which source tables). The task recomputes just
those weeks, and of them just those parts.
"""

from __future__ import annotations

import logging
from collections import defaultdict

from django.db import connection, transaction

from displacement import models as m
from displacement.models.corroboration import CORROBORATED_AT
from displacement.services.summaries import week_of
from displacement.services.summary_sql import PARTS

logger = logging.getLogger(__name__)


def _pending() -> dict[int, set]:
    if not hasattr(connection, "_summary_weeks"):
        connection._summary_weeks = defaultdict(set)
    return connection._summary_weeks


def _pending_parts() -> dict[int, set]:
    if not hasattr(connection, "_summary_parts"):
        connection._summary_parts = defaultdict(set)
    return connection._summary_parts


def _pending_cases() -> set[int]:
    if not hasattr(connection, "_summary_cases"):
        connection._summary_cases = set()
    return connection._summary_cases


def _queue():
    from displacement.tasks.summaries import summaries_refresh_task

    pending, parts, cases = dict(_pending()), dict(_pending_parts()), set(_pending_cases())
    _pending().clear()
    _pending_parts().clear()
    _pending_cases().clear()
    for organization_id in sorted(set(pending) | cases):
        weeks = sorted(w.isoformat() for w in pending.get(organization_id, ()))
        try:
            summaries_refresh_task.apply_async(
                (organization_id, weeks),
                {"cases": organization_id in cases, "parts": sorted(parts.get(organization_id, ()))},
                retry=True,
                retry_policy={"max_retries": 2},
            )
        except Exception:  # the broker is down: the nightly rebuild will catch up
            logger.warning("could not queue a summary refresh for organisation %s", organization_id, exc_info=True)


def touch(organization_id: int | None, *days, parts=tuple(PARTS)) -> None:
    """Queue a refresh of the weeks of ``days``; ``parts`` are those that can have changed (an
    event's place or classification moves its testimonies and displacements too: all)."""
    if not organization_id:
        return
    _pending()[organization_id].update(week_of(day) for day in days if day)
    _pending_parts()[organization_id].update(parts)
    # Every change registers the callback; the first to run empties the pending set, so a
    # bulk edit still queues one task per organisation. Weeks left over from a rolled-back
    # transaction are refreshed with the next commit: harmless, since a refresh recomputes.
    transaction.on_commit(_queue)


def touch_cases(organization_id: int | None) -> None:
    """The case summary of the organisation is recomputed after commit (one GROUP BY)."""
    if not organization_id:
        return
    _pending_cases().add(organization_id)
    transaction.on_commit(_queue)


def _household_days(household_id) -> list:
    return list(m.Displacement.objects.filter(household_id=household_id).values_list("left_on", flat=True))


def _event_days(event: m.Event) -> list:
    days = [event.start]
    days += m.TestimonyEvent.objects.filter(event=event).values_list("testimony__recorded_on", flat=True)
    days += m.Displacement.objects.filter(cause=event).values_list("left_on", flat=True)
    return days


def corroboration_touched(event_ids, *, now=None) -> None:
    """The inputs of these events' independent sources changed (``models.corroboration``, kept
    by the database, already recounted): the weeks of the events, whose single-source counts may
    change. ``now``: only the events whose count is now that. One link added raises a count by
    at most one, so the flag changes only if it reached ``CORROBORATED_AT``; one removed, only
    if it fell to one less: a new testimony of a well-attested event refreshes no event count."""
    events = m.Event.objects.filter(pk__in=set(event_ids))
    if now is not None:
        events = events.filter(corroboration__independent=now)
    for organization_id, days in _grouped(events.values_list("organization_id", "start")).items():
        touch(organization_id, *days, parts=["events"])


def events_recounted(event_ids) -> None:
    """For a write that moves testimonies between households in bulk (a household merge): the
    weeks of these events, whose independent sources the database has recounted."""
    corroboration_touched(event_ids)


def _grouped(pairs) -> dict[int, list]:
    grouped = defaultdict(list)
    for key, value in pairs:
        grouped[key].append(value)
    return grouped


def events_of_testimony(testimony_id) -> list[int]:
    return list(m.TestimonyEvent.objects.filter(testimony_id=testimony_id).values_list("event_id", flat=True))


def events_of_source(source_id) -> list[int]:
    return list(m.Event.sources.through.objects.filter(source_id=source_id).values_list("event_id", flat=True))


# --- what each kind of write touches (called by the services, inside their transaction) ------


def event_touched(event: m.Event) -> None:
    """Every count an event is in: its week, its testimonies' and the moves it caused (an
    event's place or classification moves them too). Called with the event as stored before a
    change or deletion (before the cascade: the moves it caused lose their cause by a bare
    UPDATE), and again after a change."""
    touch(event.organization_id, *_event_days(event))


def testimony_touched(testimony: m.Testimony) -> None:
    """The week of a testimony as given (before and after a change of its date)."""
    touch(testimony.organization_id, testimony.recorded_on, parts=["testimonies"])


def household_touched(organization_id: int, household_id: int | None, *days) -> None:
    """A household's moves (and ``days``, those of a move that left it): its members, its
    repeat moves and its flows are counted per move."""
    if household_id is not None:
        days = (*days, *_household_days(household_id))
    touch(organization_id, *days, parts=["displacements"])


def link_touched(link: m.TestimonyEvent, *, change: str) -> None:
    """A link from a testimony to an event written (``change``: "added", "removed" or "moved"):
    the testimony's week, and the event's if its count of independent sources can change."""
    testimony = m.Testimony.objects.filter(pk=link.testimony_id).values("organization_id", "recorded_on").first()
    if testimony:
        touch(testimony["organization_id"], testimony["recorded_on"], parts=["testimonies"])
    now = {"added": CORROBORATED_AT, "removed": CORROBORATED_AT - 1}.get(change)
    corroboration_touched([link.event_id], now=now)


def organization_touched(organization_id: int) -> None:
    """Everything an organisation has: for writers of volume (the demo's seed) that name no weeks."""
    days = set(m.Event.objects.filter(organization_id=organization_id).values_list("start", flat=True))
    days |= set(m.Testimony.objects.filter(organization_id=organization_id).values_list("recorded_on", flat=True))
    days |= set(m.Displacement.objects.filter(organization_id=organization_id).values_list("left_on", flat=True))
    if days:
        touch(organization_id, *days)
    touch_cases(organization_id)


def households_touched(household_ids) -> None:
    """The weeks of these households' moves and the case summary of their cases' organisations,
    whose cells hold them (also as ``counted``, by their consent to statistics: the consent
    services call this when it may have changed)."""
    household_ids = {pk for pk in household_ids if pk}
    moves = m.Displacement.objects.filter(household_id__in=household_ids)
    for organization_id, left_on in moves.values_list("organization_id", "left_on"):
        touch(organization_id, left_on, parts=["displacements"])
    cases = m.Case.objects.filter(household_id__in=household_ids).order_by()
    for organization_id in cases.values_list("organization_id", flat=True).distinct():
        touch_cases(organization_id)
