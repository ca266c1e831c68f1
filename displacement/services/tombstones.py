"""Writes to the deletions feed: records that must leave partners' copies."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from displacement import models as m
from displacement.models.sharing import RecordKind, TombstoneReason
from displacement.models.vocab import ConsentPurpose, Sensitivity
from displacement.selectors.sharing import consenting_household_ids

KIND_OF_MODEL = {
    m.Event: RecordKind.EVENTS,
    m.Testimony: RecordKind.TESTIMONIES,
    m.Household: RecordKind.HOUSEHOLDS,
    m.Displacement: RecordKind.DISPLACEMENTS,
    m.Case: RecordKind.CASES,
}


def tombstone_record(*, organization_id: int, kind: str, ids, reason: str) -> int:
    stones = [m.Tombstone(organization_id=organization_id, record_kind=kind, record_id=pk, reason=reason) for pk in ids]
    m.Tombstone.objects.bulk_create(stones)
    return len(stones)


def tombstone_household_if_unshared(*, organization_id: int, household_id: int | None, reason: str) -> int:
    """When no testimony of the household keeps an active sharing consent, its records go."""
    if (
        household_id is None
        or consenting_household_ids(ConsentPurpose.SHARING).filter(household_id=household_id).exists()
    ):
        return 0
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


def tombstone_sharing_withdrawn(*, testimony: m.Testimony) -> int:
    """The testimony, and its household's records if no other sharing consent remains."""
    reason = TombstoneReason.CONSENT_WITHDRAWN
    count = tombstone_record(
        organization_id=testimony.organization_id,
        kind=RecordKind.TESTIMONIES,
        ids=[testimony.pk],
        reason=reason,
    )
    return count + tombstone_household_if_unshared(
        organization_id=testimony.organization_id, household_id=testimony.household_id, reason=reason
    )


def testimony_unshare_check(*, testimony: m.Testimony, sensitivity_before: str, household_before: int | None) -> int:
    """After a change: a testimony made restricted leaves partners' copies, and so does a
    household that lost the only testimony through which it was shared."""
    count = 0
    if sensitivity_before != Sensitivity.RESTRICTED and testimony.sensitivity == Sensitivity.RESTRICTED:
        count += tombstone_record(
            organization_id=testimony.organization_id,
            kind=RecordKind.TESTIMONIES,
            ids=[testimony.pk],
            reason=TombstoneReason.UNSHARED,
        )
    if household_before and household_before != testimony.household_id:
        count += tombstone_household_if_unshared(
            organization_id=testimony.organization_id, household_id=household_before, reason=TombstoneReason.UNSHARED
        )
    return count


@receiver(post_delete)
def _tombstone_deleted(sender, instance, **kwargs):
    kind = KIND_OF_MODEL.get(sender)
    if kind is None:
        return
    tombstone_record(
        organization_id=instance.organization_id, kind=kind, ids=[instance.pk], reason=TombstoneReason.DELETED
    )
    if sender is m.Testimony:
        # Its household may have been shared only through this testimony's consent.
        tombstone_household_if_unshared(
            organization_id=instance.organization_id,
            household_id=instance.household_id,
            reason=TombstoneReason.UNSHARED,
        )


@receiver(post_save, sender=m.Consent)
def _touch_on_consent(sender, instance, created, **kwargs):
    """A new consent can make records shareable without changing them: move their
    ``updated_at`` so that partners syncing with ``updated_since`` receive them."""
    if not created:
        return
    now = timezone.now()
    testimony = m.Testimony.objects.filter(pk=instance.testimony_id)
    testimony.update(updated_at=now)
    household_id = testimony.values_list("household_id", flat=True).first()
    if household_id:
        m.Household.objects.filter(pk=household_id).update(updated_at=now)
        m.Displacement.objects.filter(household_id=household_id).update(updated_at=now)
        m.Case.objects.filter(household_id=household_id).update(updated_at=now)
