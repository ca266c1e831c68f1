"""/api/v1/deletions/: a partner's feed names only records the partner could have received."""

import datetime

import pytest

from displacement.models import Testimony, Tombstone
from displacement.models.vocab import ConsentPurpose, Sensitivity
from displacement.selectors import pseudonyms
from displacement.services.displacements import displacement_delete
from displacement.services.testimonies import consent_withdraw, testimony_delete
from tests.api.conftest import shared_testimony
from tests.factories import DisplacementFactory, HouseholdFactory, TestimonyFactory

pytestmark = pytest.mark.django_db
SINCE = "2000-01-01T00:00:00Z"


def _feed(client) -> set[tuple[str, str, str]]:
    rows = client.get("/api/v1/deletions/", {"since": SINCE, "page_size": 200}).json()["results"]
    return {(row["record_kind"], row["id"], row["reason"]) for row in rows}


def _restricted(ngo):
    """A restricted testimony with a sharing consent: the only one of its household."""
    return shared_testimony(ngo, sensitivity=Sensitivity.RESTRICTED)


def test_deleting_a_restricted_testimony_tells_partners_nothing(partner, staff, partner_org, ngo, world):
    testimony = _restricted(ngo)
    pk = testimony.pk
    testimony_delete(testimony=testimony)
    assert _feed(partner) == set(), "the partner learns neither that it existed nor when it went"
    # The owner's own feed still has it, marked as never shared.
    assert Tombstone.objects.get(record_kind="testimonies", record_id=pk).shared is False
    assert ("testimonies", str(pk), "deleted") in _feed(staff)


def test_deleting_a_shared_testimony_is_on_the_partners_feed(partner, partner_org, ngo, world):
    testimony = Testimony.objects.get(organization=ngo)
    pk, household = testimony.pk, testimony.household_id
    testimony_delete(testimony=testimony)
    feed = _feed(partner)
    assert ("testimonies", pseudonyms.encode("testimony", pk, partner_org.pk), "deleted") in feed
    assert ("households", pseudonyms.encode("household", household, partner_org.pk), "unshared") in feed


def test_withdrawing_a_restricted_testimonys_consent_tells_partners_nothing(partner, ngo, coordinator, world):
    testimony = _restricted(ngo)
    consent_withdraw(consent=testimony.consents.get(purpose=ConsentPurpose.SHARING), by=coordinator)
    assert _feed(partner) == set()
    assert not Tombstone.objects.filter(shared=True).exists()


def test_deleting_records_of_a_household_never_shared_tells_partners_nothing(partner, ngo, world):
    household = HouseholdFactory(organization=ngo)
    TestimonyFactory(organization=ngo, household=household, recorded_on=datetime.date(2025, 5, 1))  # no consent
    move = DisplacementFactory(household=household)
    displacement_delete(displacement=move)
    assert _feed(partner) == set()


def test_a_restricted_testimony_made_public_is_on_the_feed_when_deleted(partner, partner_org, ngo, world):
    testimony = _restricted(ngo)
    Testimony.objects.filter(pk=testimony.pk).update(sensitivity=Sensitivity.PUBLIC)
    testimony.refresh_from_db()
    pk = testimony.pk
    testimony_delete(testimony=testimony)
    assert ("testimonies", pseudonyms.encode("testimony", pk, partner_org.pk), "deleted") in _feed(partner)
