"""Writes to sharing agreements: what stops being shared is tombstoned for that partner only,
and the partner's report files of kinds no agreement covers any more are withdrawn."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from displacement import models as m
from displacement.models.sharing import TombstoneReason
from displacement.selectors.sharing import SHARED
from displacement.services.acting import acting
from displacement.services.report_withdrawal import runs_withdraw_uncovered


def _received(*, owner_id: int, partner: m.Organization, on: datetime.date | None = None) -> dict[str, set[int]]:
    """What ``partner`` receives from ``owner_id`` (today, or under the agreements of ``on``)."""
    return {
        kind: set(shared(partner=partner, on=on).filter(organization_id=owner_id).values_list("pk", flat=True))
        for kind, shared in SHARED.items()
    }


def _tombstone_lost(*, owner_id: int, partner: m.Organization, before: dict[str, set[int]]) -> int:
    after = _received(owner_id=owner_id, partner=partner)
    stones = [
        m.Tombstone(
            organization_id=owner_id, partner=partner, record_kind=kind, record_id=pk, reason=TombstoneReason.UNSHARED
        )
        for kind, ids in before.items()
        for pk in sorted(ids - after.get(kind, set()))
    ]
    m.Tombstone.objects.bulk_create(stones)
    runs_withdraw_uncovered(owner_id=owner_id, partner=partner)
    return len(stones)


@transaction.atomic
def agreement_save(*, agreement: m.SharingAgreement, by=None) -> int:
    """Save a new or changed agreement; returns how many records the partner must now drop."""
    before = (
        _received(owner_id=agreement.owner_id, partner=agreement.partner)
        if agreement.pk
        else {kind: set() for kind in SHARED}
    )
    agreement.full_clean()
    with acting(by):
        agreement.save()
    return _tombstone_lost(owner_id=agreement.owner_id, partner=agreement.partner, before=before)


@transaction.atomic
def agreement_delete(*, agreement: m.SharingAgreement, by=None) -> int:
    before = _received(owner_id=agreement.owner_id, partner=agreement.partner)
    owner_id, partner = agreement.owner_id, agreement.partner
    with acting(by):
        agreement.delete()
    return _tombstone_lost(owner_id=owner_id, partner=partner, before=before)


def agreements_expire(*, today: datetime.date | None = None) -> int:
    """Tell partners to drop what agreements that ended share no more (run daily)."""
    today = today or timezone.localdate()
    count = 0
    ended = m.SharingAgreement.objects.filter(valid_until__lt=today, ended_notified_on__isnull=True)
    for agreement in ended.select_related("partner"):
        with transaction.atomic():
            # What it shared on its last day, less what other agreements still share today.
            before = _received(owner_id=agreement.owner_id, partner=agreement.partner, on=agreement.valid_until)
            count += _tombstone_lost(owner_id=agreement.owner_id, partner=agreement.partner, before=before)
            m.SharingAgreement.objects.filter(pk=agreement.pk).update(ended_notified_on=today)
    return count
