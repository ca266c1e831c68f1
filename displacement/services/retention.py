"""Retention: direct identifiers are kept only as long as a household's casework needs them."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone

from displacement.models import AccessAction, AccessLog, Case, ContactDetails
from displacement.models.vocab import CaseStatus
from displacement.services.acting import acting

IDENTIFIER_FIELDS = ("full_name", "phone", "address", "date_of_birth", "document_numbers")


def retention_due(*, today: datetime.date | None = None):
    """Contact details whose household's cases all closed more than the retention period ago."""
    today = today or timezone.localdate()
    cutoff = today - datetime.timedelta(days=settings.RETENTION_CLOSED_CASE_DAYS)
    open_case = Case.objects.filter(household=OuterRef("household")).exclude(status=CaseStatus.CLOSED)
    return (
        ContactDetails.objects.filter(purged_at__isnull=True, household__legal_hold=False)
        .annotate(last_closed=Max("household__cases__closed_on"), has_open=Exists(open_case))
        .filter(has_open=False, last_closed__isnull=False, last_closed__lt=cutoff)
    )


def retention_purge(*, today: datetime.date | None = None) -> list[int]:
    """Blank the identifiers of every household due, and record each purge in the access log.

    Returns the ids of the households purged. Safe to run again: a purged record is skipped.
    """
    purged = []
    with acting(command="retention_purge"):
        for details in retention_due(today=today).select_related("household").iterator():
            with transaction.atomic():
                locked = ContactDetails.objects.select_for_update().get(pk=details.pk)
                if locked.purged_at is not None:
                    continue
                for name in IDENTIFIER_FIELDS:
                    setattr(locked, name, None if name == "date_of_birth" else "")
                locked.purged_at = timezone.now()
                locked.save(update_fields=[*IDENTIFIER_FIELDS, "purged_at", "updated_at"])
                AccessLog.objects.create(
                    organization_id=details.household.organization_id,
                    action=AccessAction.RETENTION_PURGE,
                    model=ContactDetails._meta.label,
                    object_ids=[details.pk],
                    household_id=details.household_id,
                    detail={"fields": list(IDENTIFIER_FIELDS), "last_closed": str(details.last_closed)},
                )
                purged.append(details.household_id)
    return purged
