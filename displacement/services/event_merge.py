"""Merging two records of one event: one event survives and takes every link and id."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from displacement import models as m
from displacement.models.vocab import Origin
from displacement.services import summary_tracking
from displacement.services.acting import acting
from displacement.services.deletions import record_delete
from displacement.services.event_duplicate_queue import check_after_commit

#: Fields the survivor takes from the merged event when its own are empty (what a field report
#: knows and ACLED does not code: the target, the weapon, the injured).
FILLED_FIELDS = ("description", "target", "weapon", "injured", "affected", "killed")


def survivor_of(first: m.Event, second: m.Event) -> tuple[m.Event, m.Event]:
    """(survivor, merged): an event from ACLED survives a field report, so that ACLED's later
    revisions keep updating the record ACLED codes; otherwise the older event survives."""
    if (first.origin == Origin.ACLED) != (second.origin == Origin.ACLED):
        return (first, second) if first.origin == Origin.ACLED else (second, first)
    return (first, second) if first.pk < second.pk else (second, first)


def _execute(sql: str, params) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _days(event_id: int) -> list:
    days = list(m.TestimonyEvent.objects.filter(event_id=event_id).values_list("testimony__recorded_on", flat=True))
    return days + list(m.Displacement.objects.filter(cause_id=event_id).values_list("left_on", flat=True))


@transaction.atomic
def event_merge(*, survivor: m.Event, merged: m.Event, by=None) -> m.Event:
    """Move ``merged``'s links (testimonies, sources, displacements it caused, its causes and
    consequences, attachments) and its external ids (its own and its aliases, as aliases) to
    ``survivor``, fill the survivor's empty fields from it, then delete it, in one transaction.
    Partners find it on their deletions feed with reason ``merged`` and the survivor's id; the
    history of every change carries ``by`` and an ``event_merge`` context naming both."""
    if survivor.pk == merged.pk:
        raise ValidationError(_("An event cannot be merged into itself."))
    locked = {e.pk: e for e in m.Event.objects.select_for_update().filter(pk__in=[survivor.pk, merged.pk])}
    if len(locked) != 2:
        raise ValidationError(_("One of the two events no longer exists."))
    survivor, merged = locked[survivor.pk], locked[merged.pk]
    if survivor.organization_id != merged.organization_id:
        raise ValidationError(_("Only events of one organisation can be merged."))
    context = {
        "event_merge": {
            "survivor": survivor.pk,
            "merged": merged.pk,
            "merged_external_id": merged.external_id,
        }
    }
    with acting(by, **context):
        summary_tracking.touch(survivor.organization_id, merged.start, *_days(merged.pk))
        now = timezone.now()
        _move_links(survivor.pk, merged.pk, now)
        _keep_ids(survivor, merged)
        m.EventDuplicateCandidate.objects.filter(
            event_id=min(survivor.pk, merged.pk), other_id=max(survivor.pk, merged.pk)
        ).update(status=m.DuplicateStatus.MERGED, decided_by=by, decided_at=now, updated_at=now)
        changed = [name for name in FILLED_FIELDS if getattr(survivor, name) in ("", None)]
        changed = [name for name in changed if getattr(merged, name) not in ("", None)]
        for name in changed:
            setattr(survivor, name, getattr(merged, name))
        survivor.full_clean()
        survivor.save()  # its history row carries the merge; its links' copies are refreshed
        summary_tracking.event_touched(survivor)  # its filled fields, its new testimonies and moves
        record_delete(merged, survivor_id=survivor.pk)  # the tombstone says where it went
        check_after_commit(survivor.pk)  # it may now pair with what the merged event paired with
    return survivor


def _move_links(survivor: int, merged: int, now) -> None:
    """Every link to ``merged`` now points to ``survivor``; a link the survivor already has
    (the same testimony, source, cause) is not made twice, and an event is not its own cause."""
    m.TestimonyEvent.objects.filter(event_id=merged).exclude(
        testimony_id__in=m.TestimonyEvent.objects.filter(event_id=survivor).values("testimony_id")
    ).update(event_id=survivor)
    m.TestimonyEvent.objects.filter(event_id=merged).delete()  # those the survivor already had
    m.Testimony.objects.filter(event_links__event_id=survivor).update(updated_at=now)
    m.Displacement.objects.filter(cause_id=merged).update(cause_id=survivor, updated_at=now)
    m.Attachment.objects.filter(event_id=merged).update(event_id=survivor, updated_at=now)
    _execute(
        """INSERT INTO displacement_event_sources (event_id, source_id)
           SELECT %(survivor)s, source_id FROM displacement_event_sources WHERE event_id = %(merged)s
           ON CONFLICT DO NOTHING""",
        {"survivor": survivor, "merged": merged},
    )
    _execute(
        """INSERT INTO displacement_event_caused_by (from_event_id, to_event_id)
           SELECT %(survivor)s, to_event_id FROM displacement_event_caused_by
           WHERE from_event_id = %(merged)s AND to_event_id <> %(survivor)s
           UNION
           SELECT from_event_id, %(survivor)s FROM displacement_event_caused_by
           WHERE to_event_id = %(merged)s AND from_event_id <> %(survivor)s
           ON CONFLICT DO NOTHING""",
        {"survivor": survivor, "merged": merged},
    )
    m.Event.objects.filter(caused_by__id=merged).exclude(pk=survivor).update(updated_at=now)


def _keep_ids(survivor: m.Event, merged: m.Event) -> None:
    """The merged event's external id and aliases become the survivor's aliases."""
    m.EventAlias.objects.filter(event=merged).update(event=survivor, updated_at=timezone.now())
    if merged.external_id:
        external_id = merged.external_id
        merged.external_id = ""
        m.Event.objects.filter(pk=merged.pk).update(external_id="")  # the id is now the alias's
        m.EventAlias.objects.create(organization_id=survivor.organization_id, event=survivor, external_id=external_id)
