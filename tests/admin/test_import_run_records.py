"""Finding what an import brought in: an event by its ACLED id, the events and testimonies of a
run by a list filter, and the run's page linking to them; never another organisation's."""

import copy

import pytest
from django.urls import reverse

from displacement.models import Event, FormSubmission
from tests.factories import EventFactory, TestimonyFactory
from tests.importers.conftest import run_import
from tests.importers.submission_fixtures import fixture_json
from tests.importers.test_submission_import import first_only, write

pytestmark = pytest.mark.django_db

EVENTS = reverse("admin:displacement_event_changelist")
TESTIMONIES = reverse("admin:displacement_testimony_changelist")


@pytest.fixture
def acled(ngo):
    return run_import(ngo, "acled_api.json")


@pytest.fixture
def submissions(ngo, tmp_path):
    return run_import(ngo, write(tmp_path, copy.deepcopy(first_only(fixture_json("kobo_data.json")))))


def _page(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def test_an_event_is_found_by_its_acled_id_exactly_and_the_list_shows_the_id(client, coordinator, acled):
    client.force_login(coordinator)
    found, other = Event.objects.get(external_id="XUKR90001"), Event.objects.get(external_id="XUKR90002")
    page = _page(client, EVENTS, q="xukr90001")
    assert reverse("admin:displacement_event_change", args=[found.pk]) in page and "XUKR90001" in page
    assert reverse("admin:displacement_event_change", args=[other.pk]) not in page
    assert reverse("admin:displacement_event_change", args=[found.pk]) not in _page(client, EVENTS, q="XUKR9000")


def test_the_events_list_is_filtered_by_the_run_that_wrote_them(client, coordinator, ngo, acled):
    by_hand = EventFactory(organization=ngo, title="Recorded by hand")
    client.force_login(coordinator)
    page = _page(client, EVENTS, import_run__id__exact=acled.pk)
    for event in Event.objects.filter(import_run=acled):
        assert reverse("admin:displacement_event_change", args=[event.pk]) in page
    assert reverse("admin:displacement_event_change", args=[by_hand.pk]) not in page
    assert f"#{acled.pk} {acled}" in _page(client, EVENTS)  # the filter offers the run


def test_another_organisations_run_filters_to_nothing_of_theirs(client, coordinator, other_ngo, acled):
    theirs = run_import(other_ngo, "acled_2022.csv")
    client.force_login(coordinator)
    page = _page(client, EVENTS, import_run__id__exact=theirs.pk)
    for event in Event.objects.filter(organization=other_ngo):
        assert reverse("admin:displacement_event_change", args=[event.pk]) not in page
    assert str(theirs) not in _page(client, EVENTS)  # nor is their run offered


@pytest.mark.parametrize("role", ["analyst", "caseworker"])
def test_those_who_may_not_open_import_runs_are_not_offered_the_filter(client, request, role, acled):
    client.force_login(request.getfixturevalue(role))
    for listing in (EVENTS, TESTIMONIES):
        assert client.get(listing, {"import_run__id__exact": acled.pk}).status_code == 400
    assert str(acled) not in _page(client, EVENTS)


@pytest.mark.parametrize("value", ["\u00b2", "abc", "-1", "9" * 30])
def test_a_malformed_run_in_the_filter_lists_nothing_and_is_no_error(client, coordinator, acled, value):
    client.force_login(coordinator)
    for listing in (EVENTS, TESTIMONIES):
        page = _page(client, listing, import_run__id__exact=value)
        for event in Event.objects.filter(import_run=acled):
            assert reverse("admin:displacement_event_change", args=[event.pk]) not in page


def test_the_testimonies_list_is_filtered_by_the_run_of_their_submission(client, coordinator, ngo, submissions):
    by_hand = TestimonyFactory(organization=ngo)
    imported = FormSubmission.objects.get(import_run=submissions).testimony
    client.force_login(coordinator)
    page = _page(client, TESTIMONIES, import_run__id__exact=submissions.pk)
    assert imported.code in page and by_hand.code not in page
    assert imported.code not in _page(client, TESTIMONIES, import_run__id__exact=submissions.pk + 1000)


def test_a_runs_page_links_to_the_lists_of_what_it_wrote_only(client, coordinator, acled, submissions):
    client.force_login(coordinator)
    acled_page = _page(client, reverse("admin:displacement_importrun_change", args=[acled.pk]))
    assert f'href="{EVENTS}?import_run__id__exact={acled.pk}"' in acled_page
    assert "testimonies of this run" not in acled_page
    kobo_page = _page(client, reverse("admin:displacement_importrun_change", args=[submissions.pk]))
    assert f'href="{TESTIMONIES}?import_run__id__exact={submissions.pk}"' in kobo_page
    submissions_list = reverse("admin:displacement_formsubmission_changelist")
    assert f'href="{submissions_list}?import_run__id__exact={submissions.pk}"' in kobo_page


def test_a_dry_runs_page_links_to_nothing(client, coordinator, ngo):
    dry = run_import(ngo, "acled_api.json", dry_run=True)
    client.force_login(coordinator)
    page = _page(client, reverse("admin:displacement_importrun_change", args=[dry.pk]))
    assert "of this run" not in page
