"""Which summary weeks a change touches; one refresh task per organisation after commit.

Weeks are collected for the whole transaction and queued once it commits, one task per
organisation, with the parts of the summaries that changed (``summary_sql.PARTS``: which
source tables). The task recomputes just those weeks, and of them just those parts.
"""

from __future__ import annotations

import logging
from collections import defaultdict

from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from displacement import models as m
from displacement.models.base import bulk_created
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


def _corroboration_touched(event_ids, *, now=None) -> None:
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
    _corroboration_touched(event_ids)


def _grouped(pairs) -> dict[int, list]:
    grouped = defaultdict(list)
    for key, value in pairs:
        grouped[key].append(value)
    return grouped


def _events_of_testimony(testimony_id) -> list[int]:
    return list(m.TestimonyEvent.objects.filter(testimony_id=testimony_id).values_list("event_id", flat=True))


def _events_of_source(source_id) -> list[int]:
    return list(m.Event.sources.through.objects.filter(source_id=source_id).values_list("event_id", flat=True))


@receiver(pre_save, sender=m.Event)
@receiver(pre_save, sender=m.Testimony)
@receiver(pre_save, sender=m.Displacement)
def _remember_old(sender, instance, **kwargs):
    """Touch the weeks a record leaves, before it moves to new ones."""
    if not instance.pk:
        return
    old = sender.objects.filter(pk=instance.pk).first()
    if old is None:
        return
    if sender is m.Event:
        touch(old.organization_id, *_event_days(old))
    elif sender is m.Testimony:
        touch(old.organization_id, old.recorded_on, parts=["testimonies"])
        if old.household_id != instance.household_id:  # counted as another household now
            _corroboration_touched(_events_of_testimony(instance.pk))
    else:
        touch(old.organization_id, *_household_days(old.household_id), parts=["displacements"])


@receiver(pre_delete, sender=m.Event)
def _event_deleting(sender, instance, **kwargs):
    # Before the cascade: displacements it caused lose their cause by a bare UPDATE.
    touch(instance.organization_id, *_event_days(instance))


@receiver(post_save, sender=m.Event)
def _event_changed(sender, instance, **kwargs):
    touch(instance.organization_id, *_event_days(instance))


@receiver(post_save, sender=m.Testimony)
@receiver(post_delete, sender=m.Testimony)
def _testimony_changed(sender, instance, **kwargs):
    touch(instance.organization_id, instance.recorded_on, parts=["testimonies"])


@receiver(post_save, sender=m.TestimonyEvent)
@receiver(post_delete, sender=m.TestimonyEvent)
def _link_changed(sender, instance, signal, created=False, **kwargs):
    testimony = m.Testimony.objects.filter(pk=instance.testimony_id).values("organization_id", "recorded_on").first()
    if testimony:
        touch(testimony["organization_id"], testimony["recorded_on"], parts=["testimonies"])
    if signal is post_delete:
        _corroboration_touched([instance.event_id], now=CORROBORATED_AT - 1)
    else:
        _corroboration_touched([instance.event_id], now=CORROBORATED_AT if created else None)


@receiver(pre_save, sender=m.TestimonyEvent)
def _link_moving(sender, instance, **kwargs):
    """A link moved to another event leaves the old one with one witness fewer."""
    if instance.pk:
        _corroboration_touched(sender.objects.filter(pk=instance.pk).values_list("event_id", flat=True))


@receiver(m2m_changed, sender=m.Event.sources.through)
def _event_sources_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """Sources linked to or unlinked from events (from either side)."""
    if action in ("post_add", "post_remove"):
        _corroboration_touched(pk_set if reverse else [instance.pk])
    elif action == "pre_clear":
        _corroboration_touched(_events_of_source(instance.pk) if reverse else [instance.pk])


@receiver(pre_save, sender=m.Source)
def _source_changing(sender, instance, **kwargs):
    """A source's publisher or kind decides how its events count it."""
    if instance.pk:
        old = sender.objects.filter(pk=instance.pk).values("publisher", "kind").first()
        if old and (old["publisher"], old["kind"]) != (instance.publisher, instance.kind):
            _corroboration_touched(_events_of_source(instance.pk))


@receiver(pre_delete, sender=m.Source)
def _source_deleting(sender, instance, **kwargs):
    _corroboration_touched(_events_of_source(instance.pk))


@receiver(post_save, sender=m.Displacement)
@receiver(post_delete, sender=m.Displacement)
def _displacement_changed(sender, instance, **kwargs):
    days = _household_days(instance.household_id)
    touch(instance.organization_id, instance.left_on, *days, parts=["displacements"])


@receiver(post_save, sender=m.Person)
@receiver(post_delete, sender=m.Person)
def _member_changed(sender, instance, **kwargs):
    household = m.Household.objects.filter(pk=instance.household_id).values("organization_id").first()
    if household:
        touch(household["organization_id"], *_household_days(instance.household_id), parts=["displacements"])


@receiver(post_save, sender=m.Case)
@receiver(post_delete, sender=m.Case)
def _case_changed(sender, instance, **kwargs):
    touch_cases(instance.organization_id)


@receiver(pre_save, sender=m.Household)
def _household_moving(sender, instance, **kwargs):
    """A household that moves takes its cases to another oblast of the case summary."""
    if instance.pk and instance.current_place_id != (
        sender.objects.filter(pk=instance.pk).values_list("current_place_id", flat=True).first()
    ):
        touch_cases(instance.organization_id)


# Bulk writes (``bulk_create``) send no post_save: the same weeks, from ``bulk_created``.
# The demo's generated volume is written this way; before these receivers, its records
# reached the dashboard only at the nightly rebuild.


def _by_organization(objs, day) -> dict[int, list]:
    days = defaultdict(list)
    for obj in objs:
        days[obj.organization_id].append(day(obj))
    return days


@receiver(bulk_created, sender=m.Event)
def _events_created(sender, objs, **kwargs):
    for organization_id, days in _by_organization(objs, lambda e: e.start).items():
        touch(organization_id, *days)


@receiver(bulk_created, sender=m.Testimony)
def _testimonies_created(sender, objs, **kwargs):
    for organization_id, days in _by_organization(objs, lambda t: t.recorded_on).items():
        touch(organization_id, *days, parts=["testimonies"])


@receiver(bulk_created, sender=m.TestimonyEvent)
def _links_created(sender, objs, **kwargs):
    testimonies = m.Testimony.objects.filter(pk__in={link.testimony_id for link in objs})
    for organization_id, recorded_on in testimonies.values_list("organization_id", "recorded_on"):
        touch(organization_id, recorded_on, parts=["testimonies"])
    _corroboration_touched(link.event_id for link in objs)


def households_touched(household_ids) -> None:
    """The weeks of these households' moves, whose cells hold them (also as ``counted``, by
    their consent to statistics: the consent services call this when it may have changed)."""
    moves = m.Displacement.objects.filter(household_id__in={pk for pk in household_ids if pk})
    for organization_id, left_on in moves.values_list("organization_id", "left_on"):
        touch(organization_id, left_on, parts=["displacements"])


@receiver(bulk_created, sender=m.Displacement)
def _displacements_created(sender, objs, **kwargs):
    households_touched(d.household_id for d in objs)


@receiver(bulk_created, sender=m.Person)
def _members_created(sender, objs, **kwargs):
    households_touched(p.household_id for p in objs)


@receiver(bulk_created, sender=m.Case)
def _cases_created(sender, objs, **kwargs):
    for organization_id in {case.organization_id for case in objs}:
        touch_cases(organization_id)
