"""Writes to events."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from displacement.models import Event
from displacement.services.acting import acting


@transaction.atomic
def event_set_verification(*, events, status: str, by) -> int:
    """Record a verification decision on ``events`` (a scoped queryset) with who and when.

    The trigger-based history keeps every earlier decision.
    """
    return events.exclude(verification_status=status).update(
        verification_status=status,
        verified_by=by,
        verified_at=timezone.now(),
        updated_at=timezone.now(),
    )


def event_record(*, organization, created_by=None, sources=(), caused_by=(), **fields) -> Event:
    event = Event(organization=organization, created_by=created_by, **fields)
    event.full_clean()
    foreign = [s for s in [*sources, *caused_by] if s.organization_id != organization.pk]
    if foreign:
        raise ValidationError(_("Sources and causes must belong to the same organisation."))
    with transaction.atomic(), acting(created_by):
        event.save()
        event.sources.set(sources)
        event.caused_by.set(caused_by)
    return event
