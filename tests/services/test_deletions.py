"""Deletes leave their tombstones through the services, with no model signal."""

import pytest
from django.db.models.signals import post_delete, post_save, pre_delete

from displacement.models import Consent, Displacement, Tombstone
from displacement.models.vocab import ConsentPurpose, Sensitivity
from displacement.services.cases import case_delete
from displacement.services.deletions import record_delete
from displacement.services.households import household_delete
from displacement.services.testimonies import consent_record, testimony_delete
from displacement.services.tombstones import KIND_OF_MODEL
from tests.factories import CaseFactory, DisplacementFactory, HouseholdFactory, TestimonyFactory

pytestmark = pytest.mark.django_db


def _testimony(household, sensitivity):
    testimony = TestimonyFactory(organization=household.organization, household=household, sensitivity=sensitivity)
    Consent.objects.create(testimony=testimony, purpose=ConsentPurpose.SHARING)
    return testimony


def _stones() -> set[tuple[str, int, str, bool]]:
    return set(Tombstone.objects.values_list("record_kind", "record_id", "reason", "shared"))


def test_a_households_records_deleted_through_the_services_leave_exactly_their_tombstones(ngo):
    household = HouseholdFactory(organization=ngo)
    shared = _testimony(household, Sensitivity.PUBLIC)
    restricted = _testimony(household, Sensitivity.RESTRICTED)
    case = CaseFactory(household=household)
    move = DisplacementFactory(household=household)

    testimony_delete(testimony=restricted)
    assert _stones() == {("testimonies", restricted.id, "deleted", False)}, "never shared: partners learn nothing"

    testimony_delete(testimony=shared)  # the household's last sharing testimony
    assert _stones() - {("testimonies", restricted.id, "deleted", False)} == {
        ("testimonies", shared.id, "deleted", True),
        ("households", household.pk, "unshared", True),
        ("displacements", move.pk, "unshared", True),
        ("cases", case.pk, "unshared", True),
    }

    before = _stones()
    case_delete(case=case)
    household_delete(household=household)  # its move goes with it, through the collector
    assert _stones() - before == {
        ("cases", case.pk, "deleted", False),
        ("households", household.pk, "deleted", False),
        ("displacements", move.pk, "deleted", False),
    }


def test_a_cascaded_record_is_tombstoned_as_shared_when_partners_could_have_received_it(ngo):
    household = HouseholdFactory(organization=ngo)
    moves = [DisplacementFactory(household=household) for _ in range(3)]
    pk = household.pk
    record_delete(household, shared=True)  # as a merge says, its testimonies gone before
    assert not Displacement.objects.filter(household_id=pk).exists()
    assert _stones() == {
        ("households", pk, "deleted", True),
        *{("displacements", move.pk, "deleted", False) for move in moves},
    }, "only the record the caller vouched for is shared; its moves were read as they were"


def test_no_model_signal_writes_tombstones_or_touches_on_consent():
    for model in KIND_OF_MODEL:
        assert not pre_delete.has_listeners(model), model
        assert not post_delete.has_listeners(model), model
    assert not post_save.has_listeners(Consent)


def test_recording_a_consent_moves_the_records_it_makes_shareable(ngo):
    household = HouseholdFactory(organization=ngo)
    testimony = TestimonyFactory(organization=ngo, household=household, sensitivity=Sensitivity.PUBLIC)
    move = DisplacementFactory(household=household)
    before = {"household": household.updated_at, "move": move.updated_at, "testimony": testimony.updated_at}
    consent_record(testimony=testimony, purpose=ConsentPurpose.SHARING)
    household.refresh_from_db()
    move.refresh_from_db()
    testimony.refresh_from_db()
    after = {"household": household.updated_at, "move": move.updated_at, "testimony": testimony.updated_at}
    assert all(after[name] > before[name] for name in before), (before, after)
