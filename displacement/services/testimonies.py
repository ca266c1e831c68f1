"""Writes to testimonies and their consents."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from displacement.models import Consent, Testimony, TestimonyEvent
from displacement.models.vocab import ConsentPurpose
from displacement.services.acting import acting
from displacement.services.tombstones import tombstone_sharing_withdrawn


def testimony_record(*, organization, events=(), consents=(), sources=(), **fields) -> Testimony:
    """Record a testimony with its event links ``(event, relation)`` and consents ``(purpose, ...)``."""
    testimony = Testimony(organization=organization, **fields)
    testimony.full_clean()
    household = fields.get("household")
    if household is not None and household.organization_id != organization.pk:
        raise ValidationError({"household": _("A household of another organisation cannot be linked.")})
    if any(source.organization_id != organization.pk for source in sources):
        raise ValidationError({"sources": _("A source of another organisation cannot be linked.")})
    with transaction.atomic(), acting(fields.get("interviewer")):
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
    """Withdraw a consent now. It stays on record, with who recorded the withdrawal and why.

    Every partner projection and partner aggregate filters on active consents, so the
    record leaves them at once; a withdrawn sharing consent also puts the record on the
    deletions feed, so that partners drop their copies.
    """
    if consent.withdrawn_at is not None:
        return consent
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = by
    consent.withdrawal_reason = reason
    with acting(by):
        consent.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason", "updated_at"])
        if consent.purpose == ConsentPurpose.SHARING:
            tombstone_sharing_withdrawn(testimony=consent.testimony)
    return consent
