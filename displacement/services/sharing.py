"""Writes to sharing agreements, and what partners' mirrors must learn of them.

Whenever the agreements between an owner and a partner change (an agreement saved, deleted,
ended or begun), one rule settles the partner's copy (``_settle``): what stops being shared is
tombstoned for that partner only (and its report files of kinds no agreement covers any more
are withdrawn); records the partner gains, or whose shared form changes (the precision of
their dates about people, ``selectors.person_dates``; the events they name), are touched, so
that its next sync with ``updated_since`` receives them, and the tombstones that told it to
drop what it gains are withdrawn (its mirror applies the deletions feed after its pull).
"""

from __future__ import annotations

import datetime
from typing import NamedTuple

from django.db import transaction
from django.utils import timezone

from displacement import models as m
from displacement.models.sharing import RecordKind, TombstoneReason
from displacement.selectors import person_dates
from displacement.selectors.sharing import SHARED
from displacement.services.acting import acting
from displacement.services.report_withdrawal import runs_withdraw_uncovered
from displacement.services.tombstones import touch_event_links, touch_records, untombstone_regained


def _received(*, owner_id: int, partner: m.Organization, on: datetime.date | None = None) -> dict[str, set[int]]:
    """What ``partner`` receives from ``owner_id`` (today, or under the agreements of ``on``)."""
    return {
        kind: set(shared(partner=partner, on=on).filter(organization_id=owner_id).values_list("pk", flat=True))
        for kind, shared in SHARED.items()
    }


class _Shared(NamedTuple):
    received: dict[str, set[int]]
    #: The precision of the dates about people, by kind (None: no agreement shares the kind).
    forms: dict[str, str | None]


def _shared(*, owner_id: int, partner: m.Organization, on: datetime.date | None = None) -> _Shared:
    """What ``partner`` receives from ``owner_id``, and in what form (today, or on ``on``)."""
    return _Shared(
        _received(owner_id=owner_id, partner=partner, on=on),
        person_dates.given(owner_id=owner_id, audience=partner, on=on),
    )


def _tombstone_lost(*, owner_id: int, partner: m.Organization, before: _Shared, after: _Shared) -> int:
    stones = [
        m.Tombstone(
            organization_id=owner_id, partner=partner, record_kind=kind, record_id=pk, reason=TombstoneReason.UNSHARED
        )
        for kind, ids in before.received.items()
        for pk in sorted(ids - after.received.get(kind, set()))
    ]
    m.Tombstone.objects.bulk_create(stones)
    runs_withdraw_uncovered(owner_id=owner_id, partner=partner)
    return len(stones)


def _touch_gained(
    *, owner_id: int, partner: m.Organization, before: _Shared, after: _Shared, on: datetime.date | None = None
) -> int:
    """Records a partner gains, or whose shared form changes, are touched: every record of a
    kind whose precision of dates about people changed (coarser or finer), the records of
    other kinds it did not receive before, and those that name an event it gained or lost (a
    testimony's links, a displacement's cause); the tombstones that told it to drop the records
    it gains are withdrawn. One UPDATE (and one DELETE) per kind. ``on``: the agreements' date."""
    count = 0
    for kind, ids in after.received.items():
        gained = ids - before.received.get(kind, set())
        untombstone_regained(organization_id=owner_id, partner=partner, kind=kind, ids=gained)
        reformed = before.forms.get(kind) != after.forms.get(kind)
        count += touch_records(kind, ids if reformed else gained)
    events = before.received[RecordKind.EVENTS] ^ after.received[RecordKind.EVENTS]
    return count + touch_event_links(partner=partner, event_ids=events, on=on)


def _settle(*, owner_id: int, partner: m.Organization, before: _Shared, on: datetime.date | None = None) -> int:
    """After the agreements from ``owner_id`` to ``partner`` changed (as in force ``on``, default
    today): the rule of the module. Returns how many records the partner must now drop."""
    after = _shared(owner_id=owner_id, partner=partner, on=on)
    _touch_gained(owner_id=owner_id, partner=partner, before=before, after=after, on=on)
    return _tombstone_lost(owner_id=owner_id, partner=partner, before=before, after=after)


def _notified(agreement: m.SharingAgreement, today: datetime.date) -> None:
    """What the daily jobs have left to tell the partner of ``agreement`` as saved: its start,
    if it lies ahead (``agreements_start``); its end, if it lies ahead again (``agreements_expire``)."""
    if agreement.valid_from > today:
        agreement.started_notified_on = None
    elif agreement.started_notified_on is None:
        agreement.started_notified_on = today  # this save tells the partner (``_settle``)
    if agreement.valid_until is None or agreement.valid_until >= today:
        agreement.ended_notified_on = None


@transaction.atomic
def agreement_save(*, agreement: m.SharingAgreement, by=None) -> int:
    """Save a new or changed agreement; returns how many records the partner must now drop."""
    before = _shared(owner_id=agreement.owner_id, partner=agreement.partner)
    agreement.full_clean()
    _notified(agreement, timezone.localdate())
    with acting(by):
        agreement.save()
    return _settle(owner_id=agreement.owner_id, partner=agreement.partner, before=before)


@transaction.atomic
def agreement_delete(*, agreement: m.SharingAgreement, by=None) -> int:
    before = _shared(owner_id=agreement.owner_id, partner=agreement.partner)
    owner_id, partner = agreement.owner_id, agreement.partner
    with acting(by):
        agreement.delete()
    return _settle(owner_id=owner_id, partner=partner, before=before)


def agreements_expire(*, today: datetime.date | None = None) -> int:
    """Tell partners to drop what agreements that ended share no more (run daily)."""
    today = today or timezone.localdate()
    count = 0
    ended = m.SharingAgreement.objects.filter(valid_until__lt=today, ended_notified_on__isnull=True)
    for agreement in ended.select_related("partner"):
        with transaction.atomic():
            # What it shared on its last day, less what other agreements still share today.
            before = _shared(owner_id=agreement.owner_id, partner=agreement.partner, on=agreement.valid_until)
            count += _settle(owner_id=agreement.owner_id, partner=agreement.partner, before=before, on=today)
            m.SharingAgreement.objects.filter(pk=agreement.pk).update(ended_notified_on=today)
    return count


def agreements_start(*, today: datetime.date | None = None) -> int:
    """Send partners what agreements that began since they were saved share (run daily): on
    the day it starts, an agreement makes records visible without changing them. Each start
    is told once (``started_notified_on``); returns how many records were touched."""
    today = today or timezone.localdate()
    count = 0
    started = m.SharingAgreement.objects.filter(valid_from__lte=today, started_notified_on__isnull=True)
    for agreement in started.select_related("partner"):
        with transaction.atomic():
            # What the partner received the day before it began, under the other agreements.
            eve = agreement.valid_from - datetime.timedelta(days=1)
            before = _shared(owner_id=agreement.owner_id, partner=agreement.partner, on=eve)
            after = _shared(owner_id=agreement.owner_id, partner=agreement.partner, on=today)
            count += _touch_gained(
                owner_id=agreement.owner_id, partner=agreement.partner, before=before, after=after, on=today
            )
            m.SharingAgreement.objects.filter(pk=agreement.pk).update(started_notified_on=today)
    return count
