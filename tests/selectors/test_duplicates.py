"""Search before create: likely existing households, shown through the access gate."""

import datetime

import pytest

from displacement.selectors.duplicates import household_candidates, household_suggestions
from tests.factories import CaseFactory, place
from tests.support.duplicates import register

pytestmark = pytest.mark.django_db


def _candidates(organization, name, **kwargs):
    return household_candidates(organization_id=organization.pk, full_name=name, **kwargs)


def test_a_household_typed_in_latin_finds_its_cyrillic_record(ngo):
    olena = register(ngo, "Олена Шевченко", born=1980)
    register(ngo, "Іван Франко", born=1980)
    raion = place("UA1416021").parent_id
    found = _candidates(ngo, "Shevchenko Olena", date_of_birth=datetime.date(1981, 2, 2), origin_id=raion)
    assert [c.household_id for c in found] == [olena.pk]
    assert found[0].reasons["years_apart"] == 1


def test_a_phone_finds_a_household_whose_name_was_misspelt(ngo):
    olena = register(ngo, "Олена Шевченко", phone="050 123 45 67")
    found = _candidates(ngo, "Olena Shevcenko", phone="+380501234567")
    assert [c.household_id for c in found] == [olena.pk]


def test_the_origin_raion_counts(ngo):
    olena = register(ngo, "Олена Шевченко", born=1980, origin="UA1416021")
    raion = place("UA1416021").parent_id
    same = _candidates(ngo, "Olena Shevchenko", date_of_birth=datetime.date(1980, 1, 1), origin_id=raion)
    assert same[0].household_id == olena.pk and same[0].reasons["same_raion"] is True


def test_another_organisations_households_are_never_candidates(ngo, other_ngo):
    register(other_ngo, "Олена Шевченко", born=1980)
    assert _candidates(ngo, "Olena Shevchenko", date_of_birth=datetime.date(1980, 1, 1)) == []


def test_a_coordinator_sees_the_name_on_record(ngo, coordinator):
    olena = register(ngo, "Олена Шевченко", born=1980)
    found = _candidates(ngo, "Olena Shevchenko", date_of_birth=datetime.date(1980, 1, 1))
    [suggestion] = household_suggestions(viewer=coordinator, candidates=found)
    assert suggestion["full_name"] == "Олена Шевченко"
    assert suggestion["household"] == olena.code


def test_a_caseworker_without_the_case_learns_only_whom_to_ask(ngo, caseworker, coordinator):
    olena = register(ngo, "Олена Шевченко", born=1980)
    coordinator.first_name, coordinator.last_name = "Оксана", "Коваль"
    coordinator.save()
    CaseFactory(household=olena, assigned_to=coordinator)
    found = _candidates(ngo, "Olena Shevchenko", date_of_birth=datetime.date(1980, 1, 1))
    [suggestion] = household_suggestions(viewer=caseworker, candidates=found)
    assert set(suggestion) == {"score", "ask"}
    assert "Оксана Коваль" in suggestion["ask"]
    assert olena.code not in str(suggestion) and "Шевченко" not in str(suggestion)


def test_a_caseworker_assigned_to_the_case_sees_the_name(ngo, caseworker):
    olena = register(ngo, "Олена Шевченко", born=1980)
    CaseFactory(household=olena, assigned_to=caseworker)
    found = _candidates(ngo, "Olena Shevchenko", date_of_birth=datetime.date(1980, 1, 1))
    [suggestion] = household_suggestions(viewer=caseworker, candidates=found)
    assert suggestion["full_name"] == "Олена Шевченко"


def test_an_analyst_gets_no_suggestions(ngo, analyst):
    register(ngo, "Олена Шевченко", born=1980)
    found = _candidates(ngo, "Olena Shevchenko", date_of_birth=datetime.date(1980, 1, 1))
    assert found and household_suggestions(viewer=analyst, candidates=found) == []
