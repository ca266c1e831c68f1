"""Each partner rule has one definition (``selectors.sharing``): ``event_shared``, which events
a partner may see (also through a testimony's links and a displacement's cause), and
``narrative_shared``, when a partner may read a narrative. The projection of a loaded page,
of a record read alone, the flat export and the filters through events all follow them."""

import datetime

import pytest
from django.utils import timezone

from displacement.models import Consent, Displacement, Event, SharingAgreement, Testimony, TestimonyEvent
from displacement.models.vocab import ConsentPurpose, Role, Sensitivity
from displacement.selectors import flat
from displacement.selectors.access import Viewer
from displacement.selectors.filters import TestimonyFilter
from displacement.selectors.projections import (
    displacement_projection,
    loaded,
    narrative_shareable,
    pseudonym,
    testimony_projection,
)
from displacement.selectors.sharing import event_shared, narrative_shared
from tests.factories import DisplacementFactory, EventFactory, HouseholdFactory, OrganizationFactory, TestimonyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner(db):
    return OrganizationFactory(name="Eastern Shelter Alliance", slug="esa", code="UA-ESA")


def _agree(owner, partner, kinds, **dates):
    return SharingAgreement.objects.create(
        owner=owner, partner=partner, record_kinds=kinds, purposes=["protection_monitoring"], **dates
    )


def _seen(partner, path="organization"):
    return set(Event.objects.filter(event_shared(path, partner=partner)).values_list("pk", flat=True))


def test_event_shared_is_the_partners_own_and_those_an_agreement_in_force_shares(ngo, other_ngo, partner):
    own, shared, unshared = (EventFactory(organization=o) for o in (partner, ngo, other_ngo))
    assert _seen(partner) == {own.pk}
    _agree(ngo, partner, ["testimonies"])  # not events
    assert _seen(partner) == {own.pk}
    agreement = _agree(ngo, partner, ["events"])
    assert _seen(partner) == {own.pk, shared.pk}
    assert unshared.pk not in _seen(partner)
    agreement.valid_until = timezone.localdate() - datetime.timedelta(days=1)
    agreement.valid_from = agreement.valid_until - datetime.timedelta(days=30)
    agreement.save()
    assert _seen(partner) == {own.pk}


def test_narrative_shared_needs_public_and_an_active_sharing_consent(ngo):
    def testimony(sensitivity, purposes):
        record = TestimonyFactory(
            organization=ngo, household=HouseholdFactory(organization=ngo), sensitivity=sensitivity
        )
        for purpose in purposes:
            Consent.objects.create(testimony=record, purpose=purpose)
        return record

    public = testimony(Sensitivity.PUBLIC, [ConsentPurpose.SHARING])
    testimony(Sensitivity.INTERNAL, [ConsentPurpose.SHARING])
    testimony(Sensitivity.RESTRICTED, [ConsentPurpose.SHARING])
    testimony(Sensitivity.PUBLIC, [ConsentPurpose.STATISTICS])
    assert list(Testimony.objects.filter(narrative_shared()).values_list("pk", flat=True)) == [public.pk]
    for record in Testimony.objects.all():  # read alone, the rule is checked against its columns
        assert narrative_shareable(record) is (record.pk == public.pk)


def test_a_testimonys_links_and_a_displacements_cause_follow_event_shared_loaded_or_not(ngo, other_ngo, partner):
    _agree(ngo, partner, ["events", "testimonies", "displacements"])
    shared = EventFactory(organization=ngo, target="school")
    unshared = EventFactory(organization=other_ngo, target="health_facility")
    household = HouseholdFactory(organization=ngo)
    testimony = TestimonyFactory(organization=ngo, household=household, sensitivity=Sensitivity.PUBLIC)
    Consent.objects.create(testimony=testimony, purpose=ConsentPurpose.SHARING)
    for event in (shared, unshared):
        TestimonyEvent.objects.create(testimony=testimony, event=event, relation="witnessed")
    moves = [DisplacementFactory(household=household, cause=event) for event in (shared, unshared)]
    expected = [{"event": pseudonym("event", shared.pk, partner), "relation": "witnessed"}]
    alone = Testimony.objects.get(pk=testimony.pk)
    (page,) = loaded("testimonies", Testimony.objects.filter(pk=testimony.pk), audience=partner)
    for record in (alone, page):
        assert testimony_projection(record, audience=partner)["events"] == expected
        assert testimony_projection(record, audience=partner)["narrative"] == testimony.narrative
    for move, cause in zip(moves, (pseudonym("event", shared.pk, partner), None), strict=True):
        alone = Displacement.objects.get(pk=move.pk)
        (page,) = loaded("displacements", Displacement.objects.filter(pk=move.pk), audience=partner)
        assert displacement_projection(alone, audience=partner)["cause"] == cause
        assert displacement_projection(page, audience=partner)["cause"] == cause
    viewer = Viewer(user=None, organization=partner, role=Role.PARTNER)
    lines = b"".join(
        line for _, _, line in flat.testimony_rows(Testimony.objects.filter(pk=testimony.pk), viewer=viewer)
    ).decode()
    assert pseudonym("event", shared.pk, partner) in lines and pseudonym("event", unshared.pk, partner) not in lines
    for target, expected in (("health_facility", []), ("school", [testimony])):
        # A filter through events never counts an event the partner may not see.
        found = TestimonyFilter(data={"target": target}, queryset=Testimony.objects.all(), viewer=viewer)
        assert list(found.qs) == expected
