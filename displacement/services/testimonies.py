"""Writes to testimonies and their consents."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from displacement.models import Consent, Testimony, TestimonyEvent


def testimony_record(*, organization, events=(), consents=(), sources=(), **fields) -> Testimony:
    """Record a testimony with its event links ``(event, relation)`` and consents ``(purpose, ...)``."""
    testimony = Testimony(organization=organization, **fields)
    testimony.full_clean()
    with transaction.atomic():
        testimony.save()
        for event, relation in events:
            if event.organization_id != organization.pk:
                raise ValidationError({"events": _("An event of another organisation cannot be linked.")})
            TestimonyEvent.objects.create(testimony=testimony, event=event, relation=relation)
        for purpose in consents:
            Consent.objects.create(
                testimony=testimony,
                purpose=purpose,
                given_on=testimony.recorded_on,
                recorded_by=fields.get("interviewer"),
            )
        testimony.sources.set(sources)
    return testimony


@transaction.atomic
def consent_withdraw(*, consent: Consent, by, reason: str = "") -> Consent:
    """Withdraw a consent now. It stays on record; later issues act on ``withdrawn_at``."""
    if consent.withdrawn_at is not None:
        return consent
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = by
    consent.withdrawal_reason = reason
    consent.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason", "updated_at"])
    return consent
