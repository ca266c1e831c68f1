"""What reaches a partner: agreements, consent, withdrawal, de-identification, aggregates."""

import datetime

import pytest
from django.utils import timezone

from displacement.models import Consent, ContactDetails, SharingAgreement, Testimony, Tombstone
from displacement.models.vocab import ConsentPurpose, Sensitivity
from displacement.selectors.aggregates import displacement_flows
from displacement.selectors.projections import projected, pseudonym, testimony_projection
from displacement.selectors.sharing import (
    shared_cases,
    shared_displacements,
    shared_events,
    shared_households,
    shared_testimonies,
)
from displacement.services.events import event_delete
from displacement.services.testimonies import consent_withdraw
from displacement.services.tombstones import testimony_unshare_check
from tests.factories import (
    CaseFactory,
    DisplacementFactory,
    EventFactory,
    HouseholdFactory,
    OrganizationFactory,
    PersonFactory,
    TestimonyFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner(db):
    return OrganizationFactory(name="Eastern Shelter Alliance", slug="esa", code="UA-ESA")


def _agree(owner, partner, kinds, **dates):
    return SharingAgreement.objects.create(
        owner=owner, partner=partner, record_kinds=kinds, purposes=["protection_monitoring"], **dates
    )


def _testimony(organization, *, consents=(ConsentPurpose.SHARING,), **fields):
    household = HouseholdFactory(organization=organization)
    PersonFactory(household=household, age_band="5-11", sex="female")
    testimony = TestimonyFactory(organization=organization, household=household, **fields)
    for purpose in consents:
        Consent.objects.create(testimony=testimony, purpose=purpose)
    return testimony


def test_no_agreement_nothing_shared(ngo, partner):
    EventFactory(organization=ngo)
    _testimony(ngo)
    assert not shared_events(partner=partner).exists()
    assert not shared_testimonies(partner=partner).exists()


def test_an_agreement_shares_only_its_kinds_and_only_while_valid(ngo, partner):
    event = EventFactory(organization=ngo)
    _testimony(ngo)
    agreement = _agree(ngo, partner, ["events"])
    assert list(shared_events(partner=partner)) == [event]
    assert not shared_testimonies(partner=partner).exists()
    agreement.valid_until = timezone.localdate() - datetime.timedelta(days=1)
    agreement.valid_from = agreement.valid_until - datetime.timedelta(days=30)
    agreement.save()
    assert not shared_events(partner=partner).exists()


def test_records_about_people_need_an_active_sharing_consent(ngo, partner):
    _agree(ngo, partner, ["testimonies", "households", "displacements"])
    with_consent = _testimony(ngo)
    without = _testimony(ngo, consents=(ConsentPurpose.STATISTICS,))
    DisplacementFactory(household=with_consent.household)
    DisplacementFactory(household=without.household)
    assert list(shared_testimonies(partner=partner)) == [with_consent]
    assert list(shared_households(partner=partner)) == [with_consent.household]
    assert [d.household for d in shared_displacements(partner=partner)] == [with_consent.household]


def test_withdrawal_takes_effect_at_once_and_leaves_a_tombstone(ngo, partner, caseworker):
    _agree(ngo, partner, ["testimonies", "households", "displacements"])
    testimony = _testimony(ngo, consents=(ConsentPurpose.SHARING, ConsentPurpose.STATISTICS))
    move = DisplacementFactory(household=testimony.household)
    consent = testimony.consents.get(purpose=ConsentPurpose.SHARING)
    consent_withdraw(consent=consent, by=caseworker, reason="Asked on the phone")
    assert not shared_testimonies(partner=partner).exists()
    assert not shared_households(partner=partner).exists()
    assert not shared_displacements(partner=partner).exists()
    stones = set(Tombstone.objects.values_list("record_kind", "record_id", "reason"))
    assert stones == {
        ("testimonies", testimony.pk, "consent_withdrawn"),
        ("households", testimony.household_id, "consent_withdrawn"),
        ("displacements", move.pk, "consent_withdrawn"),
    }
    consent.refresh_from_db()
    assert consent.withdrawn_by == caseworker and consent.withdrawal_reason == "Asked on the phone"


def test_deleting_a_record_leaves_a_tombstone(ngo):
    event = EventFactory(organization=ngo)
    pk = event.pk
    event_delete(event=event)
    assert Tombstone.objects.filter(record_kind="events", record_id=pk, reason="deleted").exists()


def test_partner_projection_is_de_identified(ngo, partner, other_ngo):
    testimony = _testimony(ngo, narrative="I saw the drone over the school.", sensitivity=Sensitivity.INTERNAL)
    ContactDetails.objects.create(household=testimony.household, full_name="Never Shown", phone="+380 99")
    seen = testimony_projection(testimony, audience=partner)
    assert seen["narrative"] is None  # internal sensitivity: never leaves
    assert seen["id"] != testimony.code and seen["id"] == pseudonym("testimony", testimony.pk, partner)
    assert seen["id"] != testimony_projection(testimony, audience=other_ngo)["id"]
    testimony.sensitivity = Sensitivity.PUBLIC
    testimony.save()
    testimony.refresh_from_db()  # as readers load it: the consent column is the database's
    assert testimony_projection(testimony, audience=partner)["narrative"] == "I saw the drone over the school."
    assert "Never Shown" not in str(seen)


def test_places_are_generalised_to_the_raion(ngo, partner):
    _agree(ngo, partner, ["displacements", "households"])
    testimony = _testimony(ngo)
    DisplacementFactory(household=testimony.household)
    (row,) = projected("displacements", shared_displacements(partner=partner), audience=partner)
    assert row["origin_adm2_pcode"] == "UA1416" and row["origin_adm1_pcode"] == "UA14"
    assert "UA1416021" not in str(row)
    assert not any("lat" in key or "lon" in key for key in row)
    (household,) = projected("households", shared_households(partner=partner), audience=partner)
    assert household["members"] == [{"age_band": "5-11", "sex": "female"}]


def test_outside_aggregates_count_only_statistics_consent_and_suppress_small_cells(ngo):
    households = []
    for i in range(7):
        purposes = (ConsentPurpose.STATISTICS,) if i < 6 else ()
        testimony = _testimony(ngo, consents=purposes)
        DisplacementFactory(household=testimony.household)
        households.append(testimony)
    inside = displacement_flows(organizations=ngo, outside=False)
    assert inside == {("UA14", "UA12"): 7}
    outside = displacement_flows(organizations=ngo, outside=True)
    assert outside.cells[("UA14", "UA12")] == 6
    consent = households[0].consents.get()
    consent_withdraw(consent=consent, by=None)
    for testimony in households[1:3]:
        consent_withdraw(consent=testimony.consents.get(), by=None)
    outside = displacement_flows(organizations=ngo, outside=True)
    assert outside.cells[("UA14", "UA12")] is None  # 3 left: below k=5
    assert outside.grand_total is None


def test_the_readable_query_kept_between_requests_still_sees_every_change(ngo, partner):
    from displacement.selectors.sharing import partner_readable

    agreement = _agree(ngo, partner, ["testimonies"], valid_from=timezone.localdate() - datetime.timedelta(days=9))
    testimony = TestimonyFactory(organization=ngo, sensitivity=Sensitivity.PUBLIC)
    consent = Consent.objects.create(testimony=testimony, purpose=ConsentPurpose.SHARING)
    assert list(partner_readable("testimonies", partner=partner)) == [testimony]
    consent_withdraw(consent=consent, by=None)
    assert not partner_readable("testimonies", partner=partner).exists()  # the same query, built once
    Consent.objects.create(testimony=testimony, purpose=ConsentPurpose.SHARING)
    assert partner_readable("testimonies", partner=partner).exists()
    agreement.valid_until = timezone.localdate() - datetime.timedelta(days=1)
    agreement.save()
    assert not partner_readable("testimonies", partner=partner).exists()


def test_a_restricted_testimonys_consent_shares_nothing(ngo, partner):
    _agree(ngo, partner, ["testimonies", "households", "displacements", "cases"])
    testimony = _testimony(ngo, sensitivity=Sensitivity.RESTRICTED)
    DisplacementFactory(household=testimony.household)
    CaseFactory(household=testimony.household)
    for shared in (shared_testimonies, shared_households, shared_displacements, shared_cases):
        assert not shared(partner=partner).exists(), shared.__name__
    # Another testimony of the household, not restricted and consenting, shares the household.
    TestimonyFactory(organization=ngo, household=testimony.household, sensitivity=Sensitivity.INTERNAL)
    Consent.objects.create(
        testimony=testimony.household.testimonies.exclude(pk=testimony.pk).get(), purpose=ConsentPurpose.SHARING
    )
    assert shared_households(partner=partner).count() == shared_cases(partner=partner).count() == 1


def test_making_the_only_shared_testimony_restricted_unshares_its_household(ngo, partner):
    _agree(ngo, partner, ["testimonies", "households", "displacements"])
    testimony = _testimony(ngo, sensitivity=Sensitivity.PUBLIC)
    move = DisplacementFactory(household=testimony.household)
    Testimony.objects.filter(pk=testimony.pk).update(sensitivity=Sensitivity.RESTRICTED)
    testimony_unshare_check(
        testimony=testimony, sensitivity_before=Sensitivity.PUBLIC, household_before=testimony.household_id
    )
    assert not shared_households(partner=partner).exists()
    stones = set(Tombstone.objects.filter(shared=True).values_list("record_kind", "record_id", "reason"))
    assert stones == {
        ("testimonies", testimony.pk, "unshared"),
        ("households", testimony.household_id, "unshared"),
        ("displacements", move.pk, "unshared"),
    }


def test_a_restricted_testimony_made_public_brings_its_household_to_partners_syncing(ngo, partner):
    _agree(ngo, partner, ["testimonies", "households"])
    testimony = _testimony(ngo, sensitivity=Sensitivity.RESTRICTED)
    before = testimony.household.updated_at
    Testimony.objects.filter(pk=testimony.pk).update(sensitivity=Sensitivity.PUBLIC)
    testimony_unshare_check(
        testimony=testimony, sensitivity_before=Sensitivity.RESTRICTED, household_before=testimony.household_id
    )
    testimony.household.refresh_from_db()
    assert list(shared_households(partner=partner)) == [testimony.household]
    assert testimony.household.updated_at > before


def test_the_upgrade_tombstones_households_partners_received_only_through_a_restricted_testimony(ngo, partner):
    from importlib import import_module

    from django.db import connection

    unshare = import_module("displacement.migrations.0030_b_unshare_restricted_households").UNSHARE
    _agree(ngo, partner, ["households", "displacements"])
    only = _testimony(ngo, sensitivity=Sensitivity.RESTRICTED)
    move = DisplacementFactory(household=only.household)
    also = _testimony(ngo, sensitivity=Sensitivity.RESTRICTED)  # its household is shared by another
    TestimonyFactory(organization=ngo, household=also.household, sensitivity=Sensitivity.PUBLIC)
    Consent.objects.create(
        testimony=also.household.testimonies.exclude(pk=also.pk).get(), purpose=ConsentPurpose.SHARING
    )
    with connection.cursor() as cursor:
        cursor.execute(unshare)
    stones = set(Tombstone.objects.values_list("record_kind", "record_id", "reason", "shared"))
    assert stones == {
        ("households", only.household_id, "unshared", True),
        ("displacements", move.pk, "unshared", True),
    }


@pytest.mark.parametrize("kind", ["households", "displacements", "cases"])
def test_a_partners_page_probes_the_sharing_testimonies_row_by_row(ngo, partner, kind):
    """The gate's EXISTS stays per row: hashed, it read every sharing testimony on each page."""
    import re

    from displacement.selectors.sharing import partner_readable

    _agree(ngo, partner, ["households", "displacements", "cases"])
    for _ in range(3):
        testimony = _testimony(ngo)
        CaseFactory(household=testimony.household)
        DisplacementFactory(household=testimony.household)
    page = partner_readable(kind, partner=partner).order_by("updated_at", "pk")[:51]
    assert page.count() == 3
    plan = page.explain()
    hashed = set(re.findall(r"hashed SubPlan (\d+)", plan))
    subplans = dict(re.findall(r"SubPlan (\d+)\n\s*->\s*([^\n]+)", plan))
    assert "displacement_testimony" in plan
    assert not [n for n in hashed if "displacement_testimony" in subplans.get(n, "")], plan
