"""The rule of independent sources, kept by the database (``models.corroboration``)."""

import importlib

import pytest
from django.db import connection
from django.utils import timezone

from displacement import models as m
from displacement.models import corroboration as rule
from displacement.models.vocab import (
    CORROBORATION_KIND_OF_SOURCE,
    ConsentPurpose,
    Sensitivity,
    SourceKind,
    TestimonyRelation,
    VerificationStatus,
)
from displacement.selectors.corroboration import counts
from tests.factories import EventFactory, HouseholdFactory, OrganizationFactory, SourceFactory, TestimonyFactory
from tests.support.locks import committed_once_waited

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(gazetteer):
    return OrganizationFactory()


@pytest.fixture
def event(org):
    return EventFactory(organization=org)


def row(event) -> m.EventCorroboration:
    return m.EventCorroboration.objects.get(event=event)


def testify(event, household=None, relation=TestimonyRelation.WITNESSED, **fields):
    testimony = TestimonyFactory(organization=event.organization, household=household, **fields)
    m.TestimonyEvent.objects.create(testimony=testimony, event=event, relation=relation)
    return testimony


def test_three_testimonies_from_one_family_count_once(event):
    family = HouseholdFactory(organization=event.organization)
    for _ in range(3):
        testify(event, family)
    assert row(event).households == 1
    testify(event, HouseholdFactory(organization=event.organization))
    testify(event, None)  # no household: a witness of its own
    assert row(event).households == 3
    assert row(event).independent == 3


def test_two_sources_from_one_publisher_count_once(event, org):
    event.sources.add(
        SourceFactory(organization=org, publisher="Suspilne"),
        SourceFactory(organization=org, publisher=" suspilne "),  # trimmed, case-folded
    )
    assert row(event).media == 1
    event.sources.add(SourceFactory(organization=org, publisher="Ukrainska Pravda"))
    event.sources.add(SourceFactory(organization=org, publisher=""), SourceFactory(organization=org, publisher=""))
    assert row(event).media == 4  # each source without a publisher is one of its own
    assert row(event).independent == 4


def test_kinds_add_up_to_the_total(event, org):
    kinds = [
        SourceKind.INTERVIEW,
        SourceKind.SOCIAL_MEDIA,
        SourceKind.OFFICIAL_STATEMENT,
        SourceKind.PARTNER_REPORT,
        SourceKind.SATELLITE,
    ]
    for number, kind in enumerate(kinds):
        event.sources.add(SourceFactory(organization=org, kind=kind, publisher=f"P{number}"))
    # One publisher under two kinds counts once, under the first kind of the breakdown's order.
    event.sources.add(SourceFactory(organization=org, kind=SourceKind.SATELLITE, publisher="P2"))
    testify(event, HouseholdFactory(organization=org))
    shown = counts(m.Event.objects.get(pk=event.pk))
    assert shown == {
        "independent_sources": 6,
        "single_source": False,
        "sources_testimony": 2,  # an interview's publisher and a household
        "sources_media": 1,
        "sources_official": 1,
        "sources_partner_report": 1,
        "sources_satellite": 1,
    }


def test_one_statement_linking_new_and_counted_events_counts_each_by_the_whole_rule(org):
    """A bulk insert of links (as an import writes them) to events with a row and without: an
    event without a row is counted from the statement's links, the others from all their links
    and testimonies; both as a recount from scratch gives."""
    fresh, counted = EventFactory(organization=org), EventFactory(organization=org)
    counted.sources.add(SourceFactory(organization=org, publisher="Earlier"))
    testify(counted, HouseholdFactory(organization=org))
    same, other = SourceFactory(organization=org, publisher="Same"), SourceFactory(organization=org, publisher="Other")
    twin = SourceFactory(organization=org, publisher=" same ", kind=SourceKind.OFFICIAL_STATEMENT)
    through = m.Event.sources.through
    through.objects.bulk_create([through(event=e, source=s) for e in (fresh, counted) for s in (same, other, twin)])
    assert (row(fresh).media, row(fresh).official, row(fresh).households) == (2, 0, 0)
    assert (row(counted).media, row(counted).households, row(counted).independent) == (3, 1, 4)
    before = {e.pk: row(e).independent for e in (fresh, counted)}
    m.EventCorroboration.objects.filter(event__in=[fresh, counted]).delete()
    with connection.cursor() as cursor:
        cursor.execute("SELECT dsp_corroboration_refresh(%s)", [[fresh.pk, counted.pk]])
    assert {e.pk: row(e).independent for e in (fresh, counted)} == before


def test_every_source_kind_has_a_corroboration_kind():
    assert set(CORROBORATION_KIND_OF_SOURCE) == set(SourceKind)


def test_an_event_without_sources_is_single_source(event):
    assert not m.EventCorroboration.objects.filter(event=event).exists()
    assert counts(event)["independent_sources"] == 0
    assert counts(event)["single_source"] is True


def test_changes_to_the_inputs_recount(event, org):
    family, other = HouseholdFactory(organization=org), HouseholdFactory(organization=org)
    first = testify(event, family)
    second = testify(event, family)
    assert row(event).households == 1
    second.household = other
    second.save()
    assert row(event).households == 2
    m.TestimonyEvent.objects.filter(testimony=second).delete()
    assert row(event).households == 1
    moved = EventFactory(organization=org)
    m.TestimonyEvent.objects.filter(testimony=first).update(event=moved)
    assert row(event).households == 0 and row(moved).households == 1

    source = SourceFactory(organization=org, publisher="Hromadske")
    twin = SourceFactory(organization=org, publisher="Hromadske")
    event.sources.add(source, twin)
    assert row(event).media == 1
    twin.publisher = "Kyiv Independent"
    twin.save()
    assert row(event).media == 2
    twin.kind = SourceKind.SATELLITE
    twin.save()
    assert (row(event).media, row(event).satellite) == (1, 1)
    event.sources.remove(source)
    assert (row(event).media, row(event).independent) == (0, 1)


def test_partners_count_only_testimonies_that_may_leave(event, org):
    shared = testify(event, HouseholdFactory(organization=org), sensitivity=Sensitivity.INTERNAL)
    consent = m.Consent.objects.create(testimony=shared, purpose=ConsentPurpose.SHARING)
    restricted = testify(event, HouseholdFactory(organization=org), sensitivity=Sensitivity.RESTRICTED)
    m.Consent.objects.create(testimony=restricted, purpose=ConsentPurpose.SHARING)
    testify(event, HouseholdFactory(organization=org))  # no consent to sharing
    assert (row(event).households, row(event).shared_households) == (3, 1)
    partner = OrganizationFactory()
    loaded = m.Event.objects.get(pk=event.pk)
    assert counts(loaded)["sources_testimony"] == 3
    assert counts(loaded, audience=partner)["sources_testimony"] == 1
    assert counts(loaded, audience=org)["sources_testimony"] == 3  # its own events: everything
    consent.withdrawn_at = timezone.now()
    consent.save()
    assert (row(event).households, row(event).shared_households) == (3, 0)


def test_counting_changes_neither_the_event_nor_its_verification(event, org):
    before = m.Event.objects.get(pk=event.pk)
    history = m.Event.pgh_event_model.objects.filter(pgh_obj_id=event.pk).count()
    event.sources.add(SourceFactory(organization=org, publisher="A"), SourceFactory(organization=org, publisher="B"))
    testify(event, HouseholdFactory(organization=org))
    after = m.Event.objects.get(pk=event.pk)
    assert row(event).independent == 3
    assert after.verification_status == VerificationStatus.REPORTED
    assert after.updated_at == before.updated_at
    assert m.Event.pgh_event_model.objects.filter(pgh_obj_id=event.pk).count() == history


def test_a_deleted_event_leaves_no_row(event, org):
    event.sources.add(SourceFactory(organization=org, publisher="A"))
    assert row(event).independent == 1
    event.delete()
    assert not m.EventCorroboration.objects.filter(event_id=event.pk).exists()


def test_the_migration_installs_the_rule_as_written():
    migration = importlib.import_module("displacement.migrations.0040_corroboration_sources_added")
    assert migration.INSTALL.strip() == rule.install_sql().strip()
    assert migration.UNINSTALL.strip() == rule.uninstall_sql().strip()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("counted_before", [False, True])
def test_two_transactions_linking_sources_to_one_event_both_count(gazetteer, counted_before):
    """The first has linked its source but not committed; the second waits for the event's
    row, then counts with a fresh snapshot: neither link is lost, with or without a row before."""
    org = OrganizationFactory()
    event = EventFactory(organization=org)
    if counted_before:
        event.sources.add(SourceFactory(organization=org, publisher="Earlier"))
    first = SourceFactory(organization=org, publisher="First")
    second = SourceFactory(organization=org, publisher="Second")
    with committed_once_waited(lambda: event.sources.add(first)):
        event.sources.add(second)
    assert row(event).media == 2 + counted_before
