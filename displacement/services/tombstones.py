"""Writes to the deletions feed: records that must leave partners' copies.

A tombstone reaches other organisations' feeds only for a record that partners could have
received when it left (``Tombstone.shared``): a record that was never shareable, such as a
restricted testimony or a household shared by no testimony, is deleted, withdrawn or made
restricted without telling partners that it existed. Every tombstone that partners read also
withdraws the partner report files that hold the record (``services.report_withdrawal``).
The tombstones of deleted records are written by ``services.deletions.record_delete``.
"""

from __future__ import annotations

from django.db.models.expressions import RawSQL
from django.utils import timezone

from displacement import models as m
from displacement.models.sharing import RecordKind, TombstoneReason
from displacement.models.vocab import Sensitivity
from displacement.selectors.sharing import MODEL_OF_KIND, partner_readable, shareable
from displacement.services.report_withdrawal import runs_withdraw_holding

KIND_OF_MODEL = {
    m.Event: RecordKind.EVENTS,
    m.Testimony: RecordKind.TESTIMONIES,
    m.Household: RecordKind.HOUSEHOLDS,
    m.Displacement: RecordKind.DISPLACEMENTS,
    m.Case: RecordKind.CASES,
}


def is_shareable(kind: str, pk: int | None) -> bool:
    """Whether record ``pk`` of ``kind`` may now reach partners (an agreement aside)."""
    return pk is not None and shareable(kind).filter(pk=pk).exists()


def tombstone_record(
    *, organization_id: int, kind: str, ids, reason: str, shared: bool = True, survivor_id: int | None = None
) -> int:
    """Tombstones for ``ids``; ``shared``: partners could have received them, so their feeds
    list them, and the partner report files that hold them are withdrawn. ``survivor_id``: the
    record they were merged into (reason ``merged``)."""
    ids = list(ids)
    stones = [
        m.Tombstone(
            organization_id=organization_id,
            record_kind=kind,
            record_id=pk,
            reason=reason,
            shared=shared,
            survivor_id=survivor_id,
        )
        for pk in ids
    ]
    m.Tombstone.objects.bulk_create(stones)
    if shared and ids:
        runs_withdraw_holding(organization_id=organization_id, kind=kind, ids=ids, reason=reason)
    return len(stones)


def tombstone_household_records(*, organization_id: int, household_id: int, reason: str) -> int:
    """The household and its displacements and cases, which partners could have received."""
    count = 0
    for kind, ids in (
        (RecordKind.HOUSEHOLDS, [household_id]),
        (
            RecordKind.DISPLACEMENTS,
            m.Displacement.objects.filter(household_id=household_id).values_list("pk", flat=True),
        ),
        (RecordKind.CASES, m.Case.objects.filter(household_id=household_id).values_list("pk", flat=True)),
    ):
        count += tombstone_record(organization_id=organization_id, kind=kind, ids=list(ids), reason=reason)
    return count


def tombstone_household_if_unshared(*, organization_id: int, household_id: int | None, reason: str) -> int:
    """For a household that was shared a moment ago: if no testimony shares it any more
    (``selectors.sharing.sharing_testimony``), its records go."""
    if household_id is None or is_shareable(RecordKind.HOUSEHOLDS, household_id):
        return 0
    return tombstone_household_records(organization_id=organization_id, household_id=household_id, reason=reason)


def tombstone_sharing_withdrawn(*, testimony: m.Testimony) -> int:
    """After an active sharing consent of ``testimony`` was withdrawn: the testimony, if it was
    shared (not restricted) and no other sharing consent keeps it; its household's records if
    the testimony shared them and no other testimony does. A restricted testimony shared
    nothing, so its withdrawal tells partners nothing."""
    fresh = m.Testimony.objects.filter(pk=testimony.pk).values("sensitivity", "household_id").first()
    if fresh is None or fresh["sensitivity"] == Sensitivity.RESTRICTED:
        return 0
    reason = TombstoneReason.CONSENT_WITHDRAWN
    count = 0
    if not is_shareable(RecordKind.TESTIMONIES, testimony.pk):
        count += tombstone_record(
            organization_id=testimony.organization_id, kind=RecordKind.TESTIMONIES, ids=[testimony.pk], reason=reason
        )
    return count + tombstone_household_if_unshared(
        organization_id=testimony.organization_id, household_id=fresh["household_id"], reason=reason
    )


def _listed(ids: list[int]) -> RawSQL:
    """``ids`` as one array parameter for ``__in`` (a statement of constant length, however many)."""
    return RawSQL("SELECT unnest(%s::bigint[])", [ids])


def touch_records(kind: str, ids) -> int:
    """Records of ``kind`` that partners now receive, or receive in another form, without
    changing (an agreement widened, or its precision of dates about people changed): move their
    ``updated_at`` so that partners syncing with ``updated_since`` receive them. One UPDATE."""
    ids = sorted(ids)
    if not ids:
        return 0
    records = MODEL_OF_KIND[kind].objects.filter(pk__in=_listed(ids))
    return records.update(updated_at=timezone.now())


def touch_event_links(*, partner: m.Organization, event_ids, on=None) -> int:
    """The records ``partner`` reads (under the agreements in force ``on``) that name one of
    ``event_ids``, events it has just gained or lost: a testimony's links and a displacement's
    cause show only events it may read, so their shared form changed. One UPDATE per kind."""
    event_ids = sorted(event_ids)
    if not event_ids:
        return 0
    events = _listed(event_ids)
    naming = {
        RecordKind.TESTIMONIES: m.TestimonyEvent.objects.filter(event_id__in=events).values("testimony_id"),
        RecordKind.DISPLACEMENTS: m.Displacement.objects.filter(cause_id__in=events).values("pk"),
    }
    now = timezone.now()
    return sum(
        partner_readable(kind, partner=partner, on=on).filter(pk__in=ids).update(updated_at=now)
        for kind, ids in naming.items()
    )


def untombstone_regained(*, organization_id: int, partner: m.Organization, kind: str, ids) -> int:
    """The tombstones meant for ``partner`` alone (an agreement ended or narrowed) of records of
    ``kind`` it receives again: its deletions feed no longer lists them. A mirror applies the
    feed after its ``updated_since`` pull (docs/api.md), so a record unshared and shared again
    between two of its syncs (or within a sync token's margin) would otherwise be dropped for good."""
    ids = sorted(ids)
    if not ids:
        return 0
    stones = m.Tombstone.objects.filter(
        organization_id=organization_id,
        partner=partner,
        record_kind=kind,
        reason=TombstoneReason.UNSHARED,
        record_id__in=_listed(ids),
    )
    return stones.delete()[0]


def touch_household_records(household_id: int | None) -> None:
    """Records that became shareable without changing: move their ``updated_at`` so that
    partners syncing with ``updated_since`` receive them."""
    if not household_id:
        return
    now = timezone.now()
    m.Household.objects.filter(pk=household_id).update(updated_at=now)
    m.Displacement.objects.filter(household_id=household_id).update(updated_at=now)
    m.Case.objects.filter(household_id=household_id).update(updated_at=now)


def testimony_unshare_check(*, testimony: m.Testimony, sensitivity_before: str, household_before: int | None) -> int:
    """After a change of a testimony's sensitivity or household: a testimony made restricted
    leaves partners' copies, and so does every household that it alone shared (made
    restricted, or moved to another household); a household newly shared through it is
    touched, so that partners syncing receive it."""
    fresh = m.Testimony.objects.filter(pk=testimony.pk).values("sharing_consent", "sensitivity", "household_id").first()
    if fresh is None:
        return 0
    household_before = int(household_before) if household_before else None
    was = fresh["sharing_consent"] and sensitivity_before != Sensitivity.RESTRICTED
    now = fresh["sharing_consent"] and fresh["sensitivity"] != Sensitivity.RESTRICTED
    moved = household_before != fresh["household_id"]
    count = 0
    if was and not now:
        count += tombstone_record(
            organization_id=testimony.organization_id,
            kind=RecordKind.TESTIMONIES,
            ids=[testimony.pk],
            reason=TombstoneReason.UNSHARED,
        )
    if was and household_before and (moved or not now):
        count += tombstone_household_if_unshared(
            organization_id=testimony.organization_id, household_id=household_before, reason=TombstoneReason.UNSHARED
        )
    if now and (moved or not was):
        touch_household_records(fresh["household_id"])
    return count


def touch_on_consent(testimony_id: int) -> None:
    """After a consent was recorded for ``testimony_id`` (called by the services that record
    one; bulk writes such as the intake's COPY do not): it can make records shareable without
    changing them, so their ``updated_at`` moves and partners syncing with ``updated_since``
    receive them."""
    testimony = m.Testimony.objects.filter(pk=testimony_id)
    testimony.update(updated_at=timezone.now())
    touch_household_records(testimony.values_list("household_id", flat=True).first())
