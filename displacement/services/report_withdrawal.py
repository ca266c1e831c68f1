"""Partner report files that hold what may no longer reach the partner are withdrawn.

A partner's list report (events, testimonies) records which records its file holds
(``ReportRunRecord``). When a record leaves partners' copies (a consent withdrawn, a testimony
made restricted, a record deleted: every tombstone partners read, ``services.tombstones``), and
when an agreement ends, narrows or is deleted, every succeeded partner run that holds it, or
that the agreement no longer covers, is marked withdrawn with the reason, in the same
transaction, and its file is deleted once that commits. A withdrawn run stays listed, as
withdrawn, with its reason, until its file would have been purged; its download is a 410.
The slot is not made again: the next slot's run is made from the data as it then stands.

A run finishing while a record leaves cannot slip between the two: both take the owner's
advisory lock, and the finishing run checks, under it, that every record it holds may still
reach its partner (``run_records_check``).
"""

from __future__ import annotations

import logging

from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from displacement import models as m
from displacement.models.reports import ReportRun, ReportRunRecord, RunStatus, WithdrawalReason

logger = logging.getLogger(__name__)

#: The report kinds whose files hold records, by the record kind they hold.
LIST_KINDS = {"events": "events", "testimonies": "testimonies"}
#: The first key of the owners' advisory locks (the second is the owner's id).
_LOCK = 0x5E9027


def owner_lock(organization_id: int) -> None:
    """Held until the transaction ends: withdrawals and finishing runs of one owner take turns."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK, organization_id])


def _withdraw(runs, reason: str) -> int:
    """Mark ``runs`` (a queryset of succeeded runs) withdrawn and delete their files after commit."""
    now = timezone.now()
    withdrawn = list(runs.filter(status=RunStatus.SUCCEEDED).values_list("pk", "file"))
    if not withdrawn:
        return 0
    ReportRun.objects.filter(pk__in=[pk for pk, _ in withdrawn], status=RunStatus.SUCCEEDED).update(
        status=RunStatus.WITHDRAWN, withdrawn_at=now, withdrawal_reason=reason, file=""
    )
    names = [name for _, name in withdrawn if name]

    def delete_files():
        for name in names:
            try:
                default_storage.delete(name)
            except OSError:  # the run is withdrawn whatever happens to the file; purge retries
                logger.warning("could not delete a withdrawn report file", exc_info=True)

    transaction.on_commit(delete_files)
    logger.info("withdrew %d partner report runs (%s)", len(withdrawn), reason)
    return len(withdrawn)


def _reason(tombstone_reason: str) -> str:
    return tombstone_reason if tombstone_reason in WithdrawalReason.values else WithdrawalReason.UNSHARED


def runs_withdraw_holding(
    *, organization_id: int, kind: str, ids, reason: str, partner: m.Organization | None = None
) -> int:
    """Withdraw the partner runs of ``organization_id`` (for ``partner`` only, if given) whose
    files hold a record of ``kind`` among ``ids``."""
    report_kinds = [report for report, held in LIST_KINDS.items() if held == kind]
    if not report_kinds:
        return 0
    owner_lock(organization_id)
    runs = ReportRun.objects.filter(
        definition__organization_id=organization_id,
        definition__kind__in=report_kinds,
        audience__isnull=False,
        pk__in=ReportRunRecord.objects.filter(record_id__in=list(ids)).values("run_id"),
    )
    if partner is not None:
        runs = runs.filter(audience=partner)
    return _withdraw(runs, _reason(reason))


def runs_withdraw_uncovered(*, owner_id: int, partner: m.Organization) -> int:
    """After an agreement from ``owner_id`` to ``partner`` ended, narrowed or was deleted:
    withdraw the partner's runs of kinds that no agreement in force covers any more."""
    from displacement.reports.kinds import KINDS
    from displacement.selectors.sharing import active_agreements

    owner_lock(owner_id)
    uncovered = Q(pk__in=[])
    for report, spec in KINDS.items():
        if not active_agreements(partner=partner, kind=spec.record_kind).filter(owner_id=owner_id).exists():
            uncovered |= Q(definition__kind=report)
    runs = ReportRun.objects.filter(uncovered, definition__organization_id=owner_id, audience=partner)
    return _withdraw(runs, WithdrawalReason.AGREEMENT_ENDED)


def run_records_save(run: ReportRun, ids: list[int]) -> None:
    """Note which records the file of ``run`` holds (one statement, however many)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {ReportRunRecord._meta.db_table} (run_id, record_id) SELECT %s, unnest(%s::bigint[])",
            [run.pk, ids],
        )


def run_records_check(run: ReportRun, kind: str) -> str:
    """Under the owner's lock, after ``run_records_save``: '' if every record the file of
    ``run`` holds may still reach its partner; else why one may not (the latest tombstone's
    reason), so that the file is withdrawn rather than delivered."""
    from displacement.selectors.sharing import partner_readable

    owner_id = run.definition.organization_id
    readable = partner_readable(kind, partner=run.audience).filter(organization_id=owner_id).values("pk")
    lost = ReportRunRecord.objects.filter(run=run).exclude(record_id__in=readable).values("record_id")
    if not lost.exists():
        return ""
    stone = (
        m.Tombstone.objects.filter(organization_id=owner_id, record_kind=kind, record_id__in=lost)
        .order_by("-created_at")
        .first()
    )
    return _reason(stone.reason) if stone else WithdrawalReason.UNSHARED
