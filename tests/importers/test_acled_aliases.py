"""ACLED's ids of events merged into another (aliases): later imports update the survivor."""

from unittest import mock

import pytest

from displacement.models import Event, EventAlias, EventDuplicateCandidate
from displacement.services.event_duplicates import event_duplicates_check_run
from displacement.services.event_merge import event_merge
from tests.factories import EventFactory

from .conftest import run_import

pytestmark = pytest.mark.django_db


@pytest.fixture
def merged_away(ngo, imported):
    """XUKR90001 (imported) merged into a field team's report of the same shelling."""
    shelling = Event.objects.get(organization=ngo, external_id="XUKR90001")
    report = EventFactory(
        organization=ngo, title="Shelling reported by the field team", start=shelling.start, place=shelling.place
    )
    event_merge(survivor=report, merged=shelling)
    return report


def test_a_revision_under_a_merged_id_updates_the_survivor(ngo, merged_away):
    revised = run_import(ngo, "acled_current_revised.csv")
    assert (revised.created, revised.updated, revised.unchanged) == (0, 1, 1)
    survivor = Event.objects.get(pk=merged_away.pk)
    assert (survivor.killed, survivor.import_run_id, survivor.external_id) == (3, revised.pk, "")
    assert list(survivor.sources.values_list("publisher", flat=True)) == ["Invented Daily"]
    assert not Event.objects.filter(external_id="XUKR90001").exists()  # not made again


def test_the_same_file_again_is_unchanged_under_the_merged_id(ngo, merged_away):
    run_import(ngo, "acled_current_revised.csv")
    again = run_import(ngo, "acled_current_revised.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_a_withdrawn_merged_id_is_forgotten_and_the_survivor_kept(ngo, imported):
    clash = Event.objects.get(organization=ngo, external_id="XUKR90002")
    survivor = EventFactory(organization=ngo, start=clash.start, place=clash.place)
    event_merge(survivor=survivor, merged=clash)
    run = run_import(ngo, "acled_deletions.csv")
    assert run.deleted == 1
    assert Event.objects.filter(pk=survivor.pk).exists()
    assert not EventAlias.objects.exists()


def test_the_events_an_import_wrote_are_checked_after_it_commits(ngo, django_capture_on_commit_callbacks):
    task = "displacement.tasks.duplicates.event_duplicates_check_run_task.apply_async"
    with mock.patch(task) as queued, django_capture_on_commit_callbacks(execute=True):
        run = run_import(ngo, "acled_2022.csv")
    assert [call.args[0] for call in queued.call_args_list] == [(run.pk,)]
    shelling = Event.objects.get(external_id="XUKR90001")
    field_report = EventFactory(
        organization=ngo,
        start=shelling.start,
        place=shelling.place,
        event_type=shelling.event_type,
        sub_event_type=shelling.sub_event_type,
    )
    EventDuplicateCandidate.objects.all().delete()
    assert event_duplicates_check_run(run_id=run.pk).found == 1
    [pair] = EventDuplicateCandidate.objects.values_list("event_id", "other_id")
    assert pair == (shelling.pk, field_report.pk)
