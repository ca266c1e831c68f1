"""Writes to sources (where information comes from): each organisation's own."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from displacement.models import Source
from displacement.services import summary_tracking
from displacement.services.acting import acting
from displacement.services.cases import require_writer

#: What a staff member or a partner's machine sets on a source.
FIELDS = {"kind", "title", "publisher", "url", "published_on", "reliability", "scale", "notes"}


def _check(fields: dict) -> None:
    unknown = set(fields) - FIELDS
    if unknown:
        raise ValidationError({name: _("This field cannot be set here.") for name in sorted(unknown)})


@transaction.atomic
def source_record(*, organization, by=None, **fields) -> Source:
    """Record a source of ``organization``."""
    require_writer(by, organization.pk)
    _check(fields)
    source = Source(organization=organization, **fields)
    source.full_clean()
    with acting(by):
        source.save()
    return source


@transaction.atomic
def source_update(*, source: Source, by=None, **changes) -> Source:
    """Change a source; a write of the values it has saves nothing."""
    current = Source.objects.select_for_update().get(pk=source.pk)
    require_writer(by, current.organization_id)
    _check(changes)
    changes = {name: value for name, value in changes.items() if getattr(current, name) != value}
    if changes:
        for name, value in changes.items():
            setattr(current, name, value)
        current.full_clean()
        with acting(by):
            current.save()
        if {"publisher", "kind"} & set(changes):  # how its events count it
            summary_tracking.corroboration_touched(summary_tracking.events_of_source(current.pk))
    return current


@transaction.atomic
def source_delete(*, source: Source, by=None) -> None:
    """Delete a source; the events it backed lose it from their count of independent sources."""
    current = Source.objects.select_for_update().get(pk=source.pk)
    require_writer(by, current.organization_id)
    summary_tracking.corroboration_touched(summary_tracking.events_of_source(current.pk))
    with acting(by):
        current.delete()
