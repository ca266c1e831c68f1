"""Where independent sources are shown: the event admin, the APIs, reports, the dashboard."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from api.models import OrganizationAPIKey
from displacement import models as m
from displacement.models.vocab import ConsentPurpose, Sensitivity, SourceKind, TestimonyRelation
from displacement.services import reports
from displacement.services.events import event_record, event_update
from displacement.services.household_merge import household_merge
from displacement.services.sources import source_update
from displacement.services.summaries import summaries_rebuild
from displacement.services.testimonies import testimony_event_unlink, testimony_record
from displacement.tasks.reports import report_run_task
from displacement.tasks.summaries import summaries_refresh_task
from tests.factories import EventFactory, HouseholdFactory, OrganizationFactory, SourceFactory, TestimonyFactory

pytestmark = pytest.mark.django_db
PUBLISHER = "Kharkiv Daily Canary"


def _testify(event, *, shared: bool, family=None):
    """A testimony as ``TestimonyFactory`` makes it, recorded through its service."""
    family = family or HouseholdFactory(organization=event.organization)
    built = TestimonyFactory.build(organization=event.organization)
    return testimony_record(
        organization=event.organization,
        household=family,
        sensitivity=Sensitivity.INTERNAL,
        witness_role=built.witness_role,
        summary=built.summary,
        narrative=built.narrative,
        events=[(event, TestimonyRelation.WITNESSED)],
        consents=[ConsentPurpose.SHARING] if shared else [],
    )


def _event(organization, *, sources=(), **fields):
    """An event as ``EventFactory`` makes it, recorded through its service."""
    built = EventFactory.build(organization=organization, **fields)
    names = ["title", "category", "event_type", "sub_event_type", "start", "place"]
    return event_record(organization=organization, sources=sources, **{name: getattr(built, name) for name in names})


@pytest.fixture
def attested(ngo):
    """An event with one media publisher (two of its articles), one satellite provider, and
    three households, one of them sharing its testimony with partners (two of its members)."""
    event = EventFactory(organization=ngo, title="Strike on the school")
    event.sources.add(
        SourceFactory(organization=ngo, publisher=PUBLISHER),
        SourceFactory(organization=ngo, publisher=PUBLISHER),
        SourceFactory(organization=ngo, kind=SourceKind.SATELLITE, publisher="Orbital"),
    )
    family = HouseholdFactory(organization=ngo)
    _testify(event, shared=True, family=family)
    _testify(event, shared=True, family=family)
    _testify(event, shared=False)
    _testify(event, shared=False)
    return event


@pytest.fixture
def lone(ngo):
    event = EventFactory(organization=ngo, title="Shelling reported once")
    event.sources.add(SourceFactory(organization=ngo, publisher="Somebody"))
    return event


STAFF_COUNTS = {
    "independent_sources": 5,
    "single_source": False,
    "sources_testimony": 3,
    "sources_media": 1,
    "sources_official": 0,
    "sources_partner_report": 0,
    "sources_satellite": 1,
}


# --- admin ---------------------------------------------------------------------------------


def test_the_event_list_shows_the_count_and_filters_single_from_corroborated(client, coordinator, attested, lone):
    client.force_login(coordinator)
    url = reverse("admin:displacement_event_changelist")
    page = client.get(url).content.decode()
    assert "independent sources" in page.lower()
    single = client.get(url, {"sources": "single"}).content.decode()
    assert lone.title in single and attested.title not in single
    corroborated = client.get(url, {"sources": "corroborated"}).content.decode()
    assert attested.title in corroborated and lone.title not in corroborated
    bare = EventFactory(organization=coordinator.membership.organization, title="Nothing recorded")
    assert bare.title in client.get(url, {"sources": "single"}).content.decode()


def test_the_event_page_shows_the_breakdown(client, coordinator, attested):
    client.force_login(coordinator)
    page = client.get(reverse("admin:displacement_event_change", args=[attested.pk])).content.decode()
    assert "<strong>5</strong>" in page
    assert "Testimony: 3" in page and "Media: 1" in page and "Satellite imagery: 1" in page
    assert "3, of which 1 may be counted for partners" in page


# --- APIs ----------------------------------------------------------------------------------


def test_staff_read_every_count(coordinator, attested):
    client = APIClient()
    client.force_login(coordinator)
    body = client.get(f"/api/v1/events/{attested.pk}/").json()
    assert {key: body[key] for key in STAFF_COUNTS} == STAFF_COUNTS


def test_a_testimony_the_reader_may_not_read_still_counts(caseworker, attested):
    """A caseworker reads none of these narratives (no case is assigned to them): the count says
    that the households spoke, not what they said."""
    from displacement.selectors.access import Viewer

    testimony = m.TestimonyEvent.objects.filter(event=attested).first().testimony
    assert not Viewer.of(caseworker).sees_narrative_of(testimony)
    client = APIClient()
    client.force_login(caseworker)
    body = client.get(f"/api/v1/events/{attested.pk}/").json()
    assert {key: body[key] for key in STAFF_COUNTS} == STAFF_COUNTS


@pytest.fixture
def partner(ngo):
    partner_org = OrganizationFactory(slug="esa-partner")
    m.SharingAgreement.objects.create(owner=ngo, partner=partner_org, record_kinds=["events"], purposes=["statistics"])
    _, key = OrganizationAPIKey.objects.create_key(name="sync", organization=partner_org, scopes=["read"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client


def test_partners_read_counts_only_and_households_only_through_shared_testimonies(partner, attested):
    response = partner.get("/api/v1/events/")
    assert PUBLISHER not in response.content.decode() and "Orbital" not in response.content.decode()
    (row,) = response.json()["results"]
    assert {key: row[key] for key in STAFF_COUNTS} == {
        **STAFF_COUNTS,
        "independent_sources": 3,  # the two households without a consent to sharing are not counted
        "sources_testimony": 1,  # one family, two testimonies
    }
    assert not any("household" in key or "publisher" in key for key in row)
    body = b"".join(partner.get("/api/v1/events/?format=csv").streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert rows[0]["independent_sources"] == "#meta+sources+independent"
    assert rows[1]["independent_sources"] == "3" and rows[1]["sources_testimony"] == "1"
    assert PUBLISHER not in body


# --- reports and the dashboard -------------------------------------------------------------


def test_event_reports_have_the_columns(ngo, attested, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.REPORTS_WORK_DIR = tmp_path / "partial"
    m.Event.objects.filter(pk=attested.pk).update(start=datetime.date(2026, 11, 20))
    definition = reports.report_definition_save(
        m.ReportDefinition(
            organization=ngo, slug="weekly-events", name="Weekly", kind="events", period="week", recipients="m@x.org"
        )
    )
    report_run_task.apply(args=(definition.pk,), kwargs={"slot": "2026-11-23T04:00:00+00:00"})
    run = m.ReportRun.objects.get()
    with run.file.open("rb") as fh:
        rows = list(csv.DictReader(io.StringIO(fh.read().decode("utf-8-sig"))))
    assert rows[1]["independent_sources"] == "5" and rows[1]["single_source"] == "false"
    assert rows[1]["sources_testimony"] == "3"


@pytest.fixture
def refreshes_run_at_commit(monkeypatch):
    """Queued summary refreshes run at once, as the worker would after the commit."""

    def apply_async(args, kwargs, **options):
        summaries_refresh_task.run(*args, **kwargs)

    monkeypatch.setattr(summaries_refresh_task, "apply_async", apply_async)


def _weekly():
    return sorted(m.WeeklySummary.objects.values_list("week", "adm2", "events", "single_source_events"))


def test_the_dashboard_shows_the_share_of_single_source_events_kept_fresh(
    client, coordinator, ngo, refreshes_run_at_commit, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        attested = _event(
            ngo,
            sources=[SourceFactory(organization=ngo, publisher="A"), SourceFactory(organization=ngo, publisher="B")],
        )
        lone = _event(ngo)
        _testify(lone, shared=False)
        _event(ngo, start=datetime.date(2025, 6, 20))  # nothing recorded
    client.force_login(coordinator)
    period = {"since": "2025-01-01", "until": "2025-12-31"}
    response = client.get("/dashboard/", period)
    assert response.context["data"]["single_source"] == {"events": 2, "of": 3, "share": 67}
    assert 'data-total="single_source_share">67%' in response.content.decode()
    narrowed = client.get("/dashboard/", {**period, "adm1": "UA63"})
    assert narrowed.context["data"]["single_source"] == {"events": 0, "of": 0, "share": None}

    # Each change of the count's inputs refreshes its week: a second household, a source
    # unlinked, a publisher renamed, a testimony moved to another household.
    with django_capture_on_commit_callbacks(execute=True):
        _testify(lone, shared=False)
    assert client.get("/dashboard/", period).context["data"]["single_source"]["events"] == 1
    source = attested.sources.get(publisher="B")
    with django_capture_on_commit_callbacks(execute=True):
        source_update(source=source, publisher="a")
    assert client.get("/dashboard/", period).context["data"]["single_source"]["events"] == 2
    with django_capture_on_commit_callbacks(execute=True):
        source_update(source=source, publisher="C")
        event_update(event=attested, sources=[s for s in attested.sources.all() if s != source])
    assert client.get("/dashboard/", period).context["data"]["single_source"]["events"] == 2
    with django_capture_on_commit_callbacks(execute=True):
        event_update(event=attested, sources=[*attested.sources.all(), source])
        testimony_event_unlink(link=m.TestimonyEvent.objects.filter(event=lone).first())  # back to one household
    assert client.get("/dashboard/", period).context["data"]["single_source"]["events"] == 2
    with django_capture_on_commit_callbacks(execute=True):
        _testify(lone, shared=True)
    refreshed = _weekly()
    summaries_rebuild(organization_id=ngo.pk)
    assert refreshed == _weekly()
    assert client.get("/dashboard/", period).context["data"]["single_source"]["events"] == 1


def test_a_household_merge_refreshes_the_share_of_single_source_events(
    client, coordinator, ngo, refreshes_run_at_commit, django_capture_on_commit_callbacks
):
    """Two testimonies of one event from two records of one family count twice until the
    records are merged: then once, and the dashboard says the event is single-source."""
    event = EventFactory(organization=ngo, start=datetime.date(2025, 6, 18))
    survivor, merged = HouseholdFactory(organization=ngo), HouseholdFactory(organization=ngo)
    with django_capture_on_commit_callbacks(execute=True):
        _testify(event, shared=False, family=survivor)
        _testify(event, shared=False, family=merged)
    client.force_login(coordinator)
    period = {"since": "2025-01-01", "until": "2025-12-31"}
    assert client.get("/dashboard/", period).context["data"]["single_source"]["events"] == 0

    with django_capture_on_commit_callbacks(execute=True):
        household_merge(survivor=survivor, merged=merged, by=coordinator)
    assert m.EventCorroboration.objects.get(event=event).households == 1
    assert client.get("/dashboard/", period).context["data"]["single_source"]["events"] == 1
    refreshed = _weekly()
    summaries_rebuild(organization_id=ngo.pk)
    assert refreshed == _weekly()
