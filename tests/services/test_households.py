"""Registering and changing households."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from displacement.services.households import household_register, household_update

pytestmark = pytest.mark.django_db


def test_a_household_remembers_who_registered_it(ngo, caseworker):
    assert household_register(organization=ngo, by=caseworker, notes="Arrived by train.").registered_by == caseworker


def test_an_analyst_registers_nothing(ngo, analyst):
    with pytest.raises(PermissionDenied):
        household_register(organization=ngo, by=analyst)


def test_nobody_overwrites_notes_they_may_not_read(ngo, coordinator, caseworker):
    household = household_register(organization=ngo, by=coordinator, notes="Grandmother stayed in Kupiansk.")
    with pytest.raises(ValidationError, match="may not read"):
        household_update(household=household, by=caseworker, notes="overwritten")
    assert household_update(household=household, by=caseworker, legal_hold=True).legal_hold
    household.refresh_from_db()
    assert household.notes == "Grandmother stayed in Kupiansk."
