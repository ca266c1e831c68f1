"""Displacements, sources, a household's members and contact details, and a testimony's event
links: one service per intent, each refusing what its rules refuse, with nothing written."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from displacement.models import ContactDetails, Displacement, Person, Source, TestimonyEvent, Tombstone
from displacement.services.displacements import displacement_delete, displacement_record, displacement_update
from displacement.services.households import (
    contact_details_remove,
    contact_details_save,
    member_add,
    member_remove,
    member_update,
)
from displacement.services.sources import source_record, source_update
from displacement.services.testimonies import testimony_event_link, testimony_event_unlink, testimony_event_update
from tests.factories import EventFactory, HouseholdFactory, TestimonyFactory, place

pytestmark = pytest.mark.django_db


def _move(household, **fields):
    return {"household": household, "origin": place("UA1416021"), "left_on": datetime.date(2025, 4, 20), **fields}


def test_a_move_belongs_to_its_households_organisation_and_its_cause_too(ngo, other_ngo, caseworker):
    household = HouseholdFactory(organization=ngo)
    with pytest.raises(ValidationError, match="another organisation"):
        displacement_record(organization=ngo, by=caseworker, **_move(HouseholdFactory(organization=other_ngo)))
    with pytest.raises(ValidationError, match="another organisation"):
        displacement_record(
            organization=ngo, by=caseworker, **_move(household, cause=EventFactory(organization=other_ngo))
        )
    assert not Displacement.objects.exists()
    move = displacement_record(organization=ngo, by=caseworker, **_move(household, people_count=3))
    assert move.organization == ngo and move.people_count == 3


def test_a_move_is_changed_and_removed_by_writers_of_its_organisation_only(ngo, caseworker, analyst, other_caseworker):
    move = displacement_record(organization=ngo, by=caseworker, **_move(HouseholdFactory(organization=ngo)))
    for outsider in (analyst, other_caseworker):
        with pytest.raises(PermissionDenied):
            displacement_update(displacement=move, by=outsider, people_count=9)
        with pytest.raises(PermissionDenied):
            displacement_delete(displacement=move, by=outsider)
    with pytest.raises(ValidationError):
        displacement_update(displacement=move, by=caseworker, organization=None)
    assert displacement_update(displacement=move, by=caseworker, people_count=4).people_count == 4
    displacement_delete(displacement=move, by=caseworker)
    assert not Displacement.objects.exists()
    assert Tombstone.objects.filter(record_kind="displacements", record_id=move.pk).exists()


def test_a_source_is_its_organisations_and_takes_only_its_own_fields(ngo, caseworker, analyst):
    with pytest.raises(PermissionDenied):
        source_record(organization=ngo, by=analyst, kind="media", title="Local news")
    with pytest.raises(ValidationError, match="cannot be set"):
        source_record(organization=ngo, by=caseworker, kind="media", title="Local news", organization_id=1)
    with pytest.raises(ValidationError):
        source_record(organization=ngo, by=caseworker, kind="not-a-kind", title="Local news")
    assert not Source.objects.exists()
    source = source_record(organization=ngo, by=caseworker, kind="media", title="Local news")
    assert source.organization == ngo
    assert source_update(source=source, by=caseworker, publisher="Suspilne").publisher == "Suspilne"


def test_members_are_added_changed_and_removed_by_writers(ngo, caseworker, analyst):
    household = HouseholdFactory(organization=ngo)
    with pytest.raises(PermissionDenied):
        member_add(household=household, by=analyst, age_band="5-11", sex="female")
    with pytest.raises(ValidationError, match="cannot be set"):
        member_add(household=household, by=caseworker, age_band="5-11", sex="female", code="P-1")
    member = member_add(household=household, by=caseworker, age_band="5-11", sex="female")
    assert member_update(member=member, by=caseworker, sex="male").sex == "male"
    member_remove(member=member, by=caseworker)
    assert not Person.objects.exists()


def test_contact_details_are_written_only_by_who_may_read_them(ngo, coordinator, caseworker):
    household = HouseholdFactory(organization=ngo)  # no case assigned to the caseworker
    with pytest.raises(PermissionDenied):
        contact_details_save(household=household, by=caseworker, full_name="Olena")
    details = contact_details_save(household=household, by=coordinator, full_name="Olena")
    assert contact_details_save(household=household, by=coordinator, phone="+380 50").pk == details.pk
    details.refresh_from_db()
    assert (details.full_name, details.phone) == ("Olena", "+380 50")
    with pytest.raises(PermissionDenied):
        contact_details_remove(details=details, by=caseworker)
    contact_details_remove(details=details, by=coordinator)
    assert not ContactDetails.objects.exists()


def test_a_testimony_links_only_events_of_its_organisation(ngo, other_ngo, caseworker, analyst):
    testimony = TestimonyFactory(organization=ngo)
    with pytest.raises(ValidationError, match="another organisation"):
        testimony_event_link(
            testimony=testimony, event=EventFactory(organization=other_ngo), relation="witnessed", by=caseworker
        )
    with pytest.raises(PermissionDenied):
        testimony_event_link(
            testimony=testimony, event=EventFactory(organization=ngo), relation="witnessed", by=analyst
        )
    link = testimony_event_link(
        testimony=testimony, event=EventFactory(organization=ngo), relation="witnessed", by=caseworker
    )
    with pytest.raises(ValidationError, match="another organisation"):
        testimony_event_update(link=link, by=caseworker, event=EventFactory(organization=other_ngo))
    assert testimony_event_update(link=link, by=caseworker, relation="heard_about").relation == "heard_about"
    testimony_event_unlink(link=link, by=caseworker)
    assert not TestimonyEvent.objects.exists()


def test_whoever_registers_a_household_records_its_first_contact_details_and_nothing_more(ngo, caseworker):
    from displacement.services.households import household_register
    from tests.factories import CaseFactory

    household = household_register(organization=ngo, by=caseworker)
    details = contact_details_save(household=household, by=caseworker, full_name="Olena", phone="+380 50")
    assert (details.full_name, details.phone) == ("Olena", "+380 50")
    with pytest.raises(PermissionDenied):  # a change needs the access to read them
        contact_details_save(household=household, by=caseworker, phone="+380 67")
    other = household_register(organization=ngo, by=caseworker)
    CaseFactory(household=other, organization=ngo)  # a case: access is the gate's now
    with pytest.raises(PermissionDenied):
        contact_details_save(household=other, by=caseworker, full_name="Olena")

