"""Writes to displacements: one move of a household, recorded, changed or removed.

A move belongs to its household's organisation; its cause is an event of the same
organisation. ``by`` is the acting user (their rights are checked), ``None`` the system or a
partner's machine writing its own records.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from displacement.models import Displacement
from displacement.services import summary_tracking
from displacement.services.acting import acting
from displacement.services.cases import require_writer
from displacement.services.deletions import record_delete

#: What a move is made of; its organisation follows its household.
FIELDS = {
    "household",
    "origin",
    "destination",
    "left_on",
    "left_on_precision",
    "arrived_on",
    "cause",
    "shelter_type",
    "kind",
    "people_count",
}


def _check(organization_id: int, fields: dict) -> None:
    unknown = set(fields) - FIELDS
    if unknown:
        raise ValidationError({name: _("This field cannot be set here.") for name in sorted(unknown)})
    household, cause = fields.get("household"), fields.get("cause")
    if household is not None and household.organization_id != organization_id:
        raise ValidationError({"household": _("A household of another organisation cannot be linked.")})
    if cause is not None and cause.organization_id != organization_id:
        raise ValidationError({"cause": _("An event of another organisation cannot be linked.")})


@transaction.atomic
def displacement_record(*, organization, by=None, **fields) -> Displacement:
    """Record a move of a household of ``organization``."""
    require_writer(by, organization.pk)
    _check(organization.pk, fields)
    displacement = Displacement(organization=organization, **fields)
    displacement.full_clean()
    with acting(by):
        displacement.save()
    summary_tracking.household_touched(organization.pk, displacement.household_id)
    return displacement


@transaction.atomic
def displacement_update(*, displacement: Displacement, by=None, **changes) -> Displacement:
    """Change a move; a write of the values it has saves nothing."""
    current = Displacement.objects.select_for_update().get(pk=displacement.pk)
    require_writer(by, current.organization_id)
    _check(current.organization_id, changes)
    changes = {name: value for name, value in changes.items() if getattr(current, name) != value}
    if changes:
        summary_tracking.household_touched(current.organization_id, current.household_id)  # as it was
        for name, value in changes.items():
            setattr(current, name, value)
        current.full_clean()
        with acting(by):
            current.save()
        summary_tracking.household_touched(current.organization_id, current.household_id)
    return current


@transaction.atomic
def displacement_delete(*, displacement: Displacement, by=None) -> None:
    """Remove a move (a tombstone tells partners who received it)."""
    current = Displacement.objects.select_for_update().get(pk=displacement.pk)
    require_writer(by, current.organization_id)
    with acting(by):
        record_delete(current)
    summary_tracking.household_touched(current.organization_id, current.household_id, current.left_on)
