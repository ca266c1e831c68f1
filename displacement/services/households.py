"""Writes to households: registering one (who registered it is kept) and changing it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from displacement.models import Household
from displacement.services.acting import acting
from displacement.services.cases import refuse_hidden_text, require_writer

#: What a staff member changes on a household; identifiers and members have their own screens.
FIELDS = {"current_place", "legal_hold", "notes"}


def _check(fields) -> None:
    unknown = set(fields) - FIELDS
    if unknown:
        raise ValidationError({name: _("This field cannot be set here.") for name in sorted(unknown)})


@transaction.atomic
def household_register(*, organization, by=None, **fields) -> Household:
    """Register a household of ``organization``; ``by`` is kept as who registered it
    (a caseworker takes on the first case of a household they registered)."""
    require_writer(by, organization.pk)
    _check(fields)
    household = Household(organization=organization, registered_by=by, **fields)
    household.full_clean()
    with acting(by):
        household.save()
    return household


@transaction.atomic
def household_update(*, household: Household, by=None, **changes) -> Household:
    """Change ``household``; nobody overwrites notes they may not read."""
    current = Household.objects.select_for_update().get(pk=household.pk)
    viewer = require_writer(by, current.organization_id)
    _check(changes)
    refuse_hidden_text(viewer, current, changes)
    if changes:
        for name, value in changes.items():
            setattr(current, name, value)
        current.full_clean()
        with acting(by):
            current.save(update_fields=[*changes, "updated_at"])
    return current
