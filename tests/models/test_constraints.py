"""Invariants hold in the database itself, not only in forms."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from displacement.models import Consent
from displacement.models.vocab import CaseStatus, EventCategory, EventType, SubEventType
from tests.factories import (
    CaseFactory,
    DisplacementFactory,
    EventFactory,
    HouseholdFactory,
    TestimonyFactory,
)

pytestmark = pytest.mark.django_db


def _refused_by_database(save):
    with pytest.raises(IntegrityError), transaction.atomic():
        save()


def test_event_end_cannot_be_before_start():
    event = EventFactory.build(start=datetime.date(2025, 5, 2), end=datetime.date(2025, 5, 1))
    event.organization.save()
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert "end" in error.value.message_dict
    _refused_by_database(event.save)


def test_sub_type_must_belong_to_its_type():
    event = EventFactory.build(event_type=EventType.BATTLES, sub_event_type=SubEventType.AIR_DRONE_STRIKE)
    event.organization.save()
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    message = error.value.message_dict["sub_event_type"][0]
    assert "Air/drone strike" in message and "Explosions/Remote violence" in message
    _refused_by_database(event.save)


def test_every_acled_pair_is_accepted():
    from displacement.models.vocab import SUB_EVENT_TYPES

    for event_type, sub_types in SUB_EVENT_TYPES.items():
        for sub_type in sub_types:
            EventFactory(event_type=event_type, sub_event_type=sub_type).full_clean()


def test_displacement_event_has_no_acled_type():
    event = EventFactory.build(category=EventCategory.DISPLACEMENT, displacement_kind="organised_evacuation")
    event.organization.save()
    with pytest.raises(ValidationError):
        event.full_clean()
    _refused_by_database(event.save)


def test_one_open_case_per_household():
    household = HouseholdFactory()
    CaseFactory(household=household)
    _refused_by_database(lambda: CaseFactory(household=household))


def test_a_closed_case_does_not_block_a_new_one():
    household = HouseholdFactory()
    CaseFactory(household=household, status=CaseStatus.CLOSED)
    assert CaseFactory(household=household).status == CaseStatus.NEW


def test_case_references_are_unique():
    CaseFactory(reference="UA-DNP-2025-00001")
    _refused_by_database(lambda: CaseFactory(reference="UA-DNP-2025-00001"))


def test_arrival_cannot_precede_departure():
    _refused_by_database(
        lambda: DisplacementFactory(left_on=datetime.date(2025, 5, 2), arrived_on=datetime.date(2025, 5, 1))
    )


def test_one_active_consent_per_purpose_but_withdrawn_ones_stay():
    testimony = TestimonyFactory()
    first = Consent.objects.create(testimony=testimony, purpose="statistics")
    _refused_by_database(lambda: Consent.objects.create(testimony=testimony, purpose="statistics"))
    first.withdrawn_at = datetime.datetime(2025, 6, 1, tzinfo=datetime.UTC)
    first.save()
    Consent.objects.create(testimony=testimony, purpose="statistics")
    assert testimony.consents.count() == 2


@pytest.mark.parametrize(
    "column, word",
    [("language", "Ukrainian"), ("witness_role", ""), ("sensitivity", "Public"), ("sensitivity", "public,x")],
)
def test_a_testimony_holds_only_words_of_its_vocabularies(column, word):
    """The CSV export writes these columns as they are (``flat.vocabulary_cell``): a word
    outside the vocabulary, written by a script or an import, is refused."""
    from displacement.models import Testimony

    testimony = TestimonyFactory()
    _refused_by_database(lambda: Testimony.objects.filter(pk=testimony.pk).update(**{column: word}))
