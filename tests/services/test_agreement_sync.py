"""A partner syncing with ``updated_since`` receives what an agreement's change gives it: records
it gains, and records whose shared form (the precision of dates about people) changes, are
touched; nothing else is."""

import datetime

import pytest
from django.utils import timezone

from displacement.models import Displacement, Event, SharingAgreement, Testimony, TestimonyEvent, Tombstone
from displacement.selectors.sharing import MODEL_OF_KIND, partner_tombstones
from displacement.services.sharing import agreement_delete, agreement_save, agreements_expire, agreements_start
from tests.api.conftest import shared_testimony
from tests.factories import (
    CaseFactory,
    DisplacementFactory,
    EventFactory,
    HouseholdFactory,
    OrganizationFactory,
    TestimonyFactory,
)

pytestmark = pytest.mark.django_db
KINDS = ["events", "testimonies", "households", "displacements", "cases"]
AN_HOUR_AGO = timezone.now() - datetime.timedelta(hours=1)
TODAY = timezone.localdate()


@pytest.fixture
def partner_org(db):
    return OrganizationFactory(name="Eastern Shelter Alliance", slug="esa", code="UA-ESA")


@pytest.fixture
def shared(ngo, other_ngo):
    """What the NGO may share: an event, and a consenting family's testimony, household,
    displacement and case. Besides: a family without consent, and another NGO's family."""
    testimony = shared_testimony(ngo)
    CaseFactory(household=testimony.household)
    EventFactory(organization=ngo)
    hidden = TestimonyFactory(organization=ngo, household=HouseholdFactory(organization=ngo))
    DisplacementFactory(household=hidden.household)
    shared_testimony(other_ngo)
    household = testimony.household
    return {
        "events": {Event.objects.get(organization=ngo).pk},
        "testimonies": {testimony.pk},
        "households": {household.pk},
        "displacements": set(household.displacements.values_list("pk", flat=True)),
        "cases": set(household.cases.values_list("pk", flat=True)),
    }


def _agreement(owner, partner, **fields):
    fields = {"record_kinds": KINDS, "purposes": ["statistics"], **fields}
    agreement = SharingAgreement(owner=owner, partner=partner, **fields)
    agreement_save(agreement=agreement)
    return agreement


def _aged():
    """Every record last changed an hour ago."""
    for model in MODEL_OF_KIND.values():
        model.objects.update(updated_at=AN_HOUR_AGO)


def _touched():
    """The records changed since ``_aged``, by kind (kinds with none left out)."""
    found = {
        kind: set(model.objects.filter(updated_at__gt=AN_HOUR_AGO).values_list("pk", flat=True))
        for kind, model in MODEL_OF_KIND.items()
    }
    return {kind: ids for kind, ids in found.items() if ids}


def test_a_new_agreement_touches_every_record_it_shares_and_nothing_else(ngo, partner_org, shared):
    _aged()
    _agreement(ngo, partner_org)
    assert _touched() == shared


def test_a_kind_taken_off_and_ticked_back_touches_its_records_again(ngo, partner_org, shared):
    agreement = _agreement(ngo, partner_org)
    agreement.record_kinds = [kind for kind in KINDS if kind != "displacements"]
    assert agreement_save(agreement=agreement) == len(shared["displacements"])
    _aged()
    agreement.record_kinds = KINDS
    assert agreement_save(agreement=agreement) == 0
    assert _touched() == {"displacements": shared["displacements"]}


def test_a_record_shared_again_leaves_the_partners_deletions_feed_and_other_deletions_stay(ngo, partner_org, shared):
    agreement = _agreement(ngo, partner_org)
    agreement.record_kinds = ["events"]
    agreement_save(agreement=agreement)
    agreement.record_kinds = ["events", "displacements"]
    agreement_save(agreement=agreement)
    listed = {(stone.record_kind, stone.record_id) for stone in partner_tombstones(partner=partner_org)}
    assert listed == {(kind, pk) for kind in ("testimonies", "households", "cases") for pk in shared[kind]}
    assert Tombstone.objects.filter(record_kind="displacements").count() == 0


def test_records_naming_an_event_the_partner_gains_or_loses_are_touched(ngo, other_ngo, partner_org, shared):
    (event,) = Event.objects.filter(pk__in=shared["events"])
    (testimony,) = Testimony.objects.filter(pk__in=shared["testimonies"])
    TestimonyEvent.objects.create(testimony=testimony, event=event, relation="witnessed")
    Displacement.objects.filter(pk__in=shared["displacements"]).update(cause=event)
    unread = Testimony.objects.get(organization=other_ngo)  # no agreement gives it to the partner
    TestimonyEvent.objects.create(testimony=unread, event=event, relation="witnessed")
    agreement = _agreement(ngo, partner_org, record_kinds=["testimonies", "households", "displacements"])
    naming = {"testimonies": shared["testimonies"], "displacements": shared["displacements"]}
    _aged()
    agreement.record_kinds = [*agreement.record_kinds, "events"]
    agreement_save(agreement=agreement)
    assert _touched() == {"events": shared["events"], **naming}
    _aged()
    agreement.record_kinds = ["testimonies", "households", "displacements"]
    agreement_save(agreement=agreement)
    assert _touched() == naming


def test_an_edit_that_gains_nothing_touches_nothing(ngo, partner_org, shared):
    agreement = _agreement(ngo, partner_org)
    _aged()
    agreement.notes = "Reviewed with the partner."
    agreement.purposes = ["statistics", "advocacy"]
    agreement_save(agreement=agreement)
    assert _touched() == {}


@pytest.mark.parametrize(("before", "after"), [("week", "month"), ("month", "day"), ("day", "week")])
def test_a_change_of_date_precision_touches_every_record_with_dates_about_people(
    ngo, partner_org, shared, before, after
):
    agreement = _agreement(ngo, partner_org, date_precision=before)
    _aged()
    agreement.date_precision = after
    agreement_save(agreement=agreement)
    assert _touched() == {kind: shared[kind] for kind in ("testimonies", "displacements", "cases")}


def test_a_coarser_agreement_beside_another_touches_the_dates_it_coarsens(ngo, partner_org, shared):
    _agreement(ngo, partner_org, date_precision="day")
    _aged()
    _agreement(ngo, partner_org, record_kinds=["cases"], date_precision="month")
    assert _touched() == {"cases": shared["cases"]}


def test_deleting_the_coarser_of_two_agreements_touches_the_dates_it_no_longer_coarsens(ngo, partner_org, shared):
    _agreement(ngo, partner_org, date_precision="day")
    coarse = _agreement(ngo, partner_org, record_kinds=["cases"], date_precision="month")
    _aged()
    assert agreement_delete(agreement=coarse) == 0
    assert _touched() == {"cases": shared["cases"]}


def test_an_ended_agreement_extended_touches_its_records_and_its_new_end_is_noticed(ngo, partner_org, shared):
    yesterday = TODAY - datetime.timedelta(days=1)
    agreement = _agreement(ngo, partner_org, valid_from=TODAY - datetime.timedelta(days=30), valid_until=yesterday)
    assert agreements_expire() == sum(len(ids) for ids in shared.values())
    _aged()
    agreement.refresh_from_db()
    agreement.valid_until = TODAY + datetime.timedelta(days=30)
    agreement_save(agreement=agreement)
    assert _touched() == shared
    assert agreement.ended_notified_on is None
    assert agreements_expire(today=TODAY + datetime.timedelta(days=31)) == sum(len(ids) for ids in shared.values())


def test_an_agreement_starting_later_touches_its_records_on_its_first_day_once(ngo, partner_org, shared):
    tomorrow = TODAY + datetime.timedelta(days=1)
    agreement = _agreement(ngo, partner_org, valid_from=tomorrow)
    assert agreement.started_notified_on is None
    _aged()
    assert agreements_start() == 0
    assert _touched() == {}
    assert agreements_start(today=tomorrow) == sum(len(ids) for ids in shared.values())
    assert _touched() == shared
    _aged()
    assert agreements_start(today=tomorrow) == 0
    assert _touched() == {}
    agreement.refresh_from_db()
    assert agreement.started_notified_on == tomorrow


def test_an_agreement_in_force_when_saved_is_not_sent_again_by_the_daily_job(ngo, partner_org, shared):
    agreement = _agreement(ngo, partner_org)
    assert agreement.started_notified_on == TODAY
    _aged()
    assert agreements_start() == 0
    assert _touched() == {}


def test_an_agreement_moved_to_start_later_is_sent_again_on_its_new_first_day(ngo, partner_org, shared):
    agreement = _agreement(ngo, partner_org)
    agreement.valid_from = TODAY + datetime.timedelta(days=3)
    assert agreement_save(agreement=agreement) == sum(len(ids) for ids in shared.values())
    assert agreement.started_notified_on is None


def test_the_daily_task_sends_what_an_agreement_beginning_today_shares(ngo, partner_org, shared):
    from displacement.tasks import agreements_expire_task

    agreement = _agreement(ngo, partner_org, valid_from=TODAY + datetime.timedelta(days=1))
    SharingAgreement.objects.filter(pk=agreement.pk).update(valid_from=TODAY)  # saved yesterday, for today
    _aged()
    agreements_expire_task.apply()
    assert _touched() == shared
