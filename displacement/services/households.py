"""Writes to households: registering one (who registered it is kept) and changing it; its
members and its contact details (the parts of a household's page)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from displacement.models import Case, ContactDetails, Household, Person
from displacement.selectors.access import Viewer
from displacement.services import summary_tracking
from displacement.services.acting import acting
from displacement.services.cases import refuse_hidden_text, require_writer
from displacement.services.deletions import record_delete

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
        moved = "current_place" in changes and getattr(changes["current_place"], "pk", None) != current.current_place_id
        for name, value in changes.items():
            setattr(current, name, value)
        current.full_clean()
        with acting(by):
            current.save(update_fields=[*changes, "updated_at"])
        if moved:  # its cases count in another oblast
            summary_tracking.touch_cases(current.organization_id)
    return current


@transaction.atomic
def household_delete(*, household: Household, by=None) -> None:
    """Delete ``household`` with its members, contact details and moves (a tombstone tells
    partners who received them). One that testimonies or cases name is kept (``ProtectedError``,
    both are ``PROTECT``): delete or move them first, or merge the household instead."""
    current = Household.objects.select_for_update().get(pk=household.pk)
    require_writer(by, current.organization_id)
    summary_tracking.household_touched(current.organization_id, current.pk)  # its moves, before they go
    with acting(by):
        record_delete(current)


# --- the parts of a household: its members and its contact details -------------------------

#: What a member is described by (age band and sex, never a name: names are contact details).
MEMBER_FIELDS = {"relationship", "age_band", "sex", "vulnerabilities"}
#: A household's direct identifiers.
CONTACT_FIELDS = {"full_name", "phone", "address", "date_of_birth", "document_numbers"}


def _only(fields, allowed) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError({name: _("This field cannot be set here.") for name in sorted(unknown)})


def _changed(record, changes: dict) -> dict:
    return {name: value for name, value in changes.items() if getattr(record, name) != value}


@transaction.atomic
def member_add(*, household: Household, by=None, **fields) -> Person:
    require_writer(by, household.organization_id)
    _only(fields, MEMBER_FIELDS)
    member = Person(household=household, **fields)
    member.full_clean()
    with acting(by):
        member.save()
    summary_tracking.household_touched(household.organization_id, household.pk)
    return member


@transaction.atomic
def member_update(*, member: Person, by=None, **changes) -> Person:
    current = Person.objects.select_for_update().select_related("household").get(pk=member.pk)
    require_writer(by, current.household.organization_id)
    _only(changes, MEMBER_FIELDS)
    changes = _changed(current, changes)
    if changes:
        for name, value in changes.items():
            setattr(current, name, value)
        current.full_clean()
        with acting(by):
            current.save()
        summary_tracking.household_touched(current.household.organization_id, current.household_id)
    return current


@transaction.atomic
def member_remove(*, member: Person, by=None) -> None:
    current = Person.objects.select_for_update().select_related("household").get(pk=member.pk)
    require_writer(by, current.household.organization_id)
    with acting(by):
        current.delete()
    summary_tracking.household_touched(current.household.organization_id, current.household_id)


def _require_identifiers(by, household_id: int) -> None:
    """Direct identifiers are written only by someone who may read them."""
    if by is not None and not Viewer.of(by).sees_identifiers_of(household_id):
        raise PermissionDenied(_("You may not change this household's contact details."))


def _registrar_records_first(by, household: Household, details: ContactDetails | None) -> bool:
    """Whoever registered ``household`` records its first contact details, before any case gives
    anyone access to them (registering a family with its phone is one act): they typed them, and
    read nothing back, since reads stay the gate's. A change, or a household with a case, needs
    the access of ``_require_identifiers``."""
    return (
        by is not None
        and details is None
        and household.registered_by_id == by.pk
        and not Case.objects.filter(household_id=household.pk).exists()
    )


@transaction.atomic
def contact_details_save(*, household: Household, by=None, **fields) -> ContactDetails:
    """Record or change the contact details of ``household`` (one set per household)."""
    require_writer(by, household.organization_id)
    _only(fields, CONTACT_FIELDS)
    details = ContactDetails.objects.select_for_update().filter(household=household).first()
    if not _registrar_records_first(by, household, details):
        _require_identifiers(by, household.pk)
    if details is None:
        details = ContactDetails(household=household, **fields)
    else:
        fields = _changed(details, fields)
        if not fields:
            return details
        for name, value in fields.items():
            setattr(details, name, value)
    details.full_clean()
    with acting(by):
        details.save()
    return details


@transaction.atomic
def contact_details_remove(*, details: ContactDetails, by=None) -> None:
    current = ContactDetails.objects.select_for_update().select_related("household").get(pk=details.pk)
    require_writer(by, current.household.organization_id)
    _require_identifiers(by, current.household_id)
    with acting(by):
        current.delete()
