"""Writes in bulk refresh the summaries like single writes: the demo is counted as soon as it is seeded."""

import datetime

import pytest

from displacement.demo import DemoVolume, demo_seed
from displacement.models import Organization, Testimony, WeeklySummary
from displacement.services import summary_tracking
from displacement.services.summaries import summaries_rebuild
from displacement.tasks.summaries import summaries_refresh_task
from tests.factories import TestimonyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def refreshes_run_at_commit(monkeypatch):
    """Queued refreshes run at once, as the worker would after the commit."""
    queued = []

    def apply_async(args, kwargs, **options):
        queued.append(args)
        summaries_refresh_task.run(*args, **kwargs)

    monkeypatch.setattr(summaries_refresh_task, "apply_async", apply_async)
    return queued


def _summaries():
    return sorted(WeeklySummary.objects.values_list(
        "organization_id", "week", "adm1", "adm2", "category", "event_type", "sub_event_type",
        "testimonies", "events", "households_displaced", "people_displaced",
    ))  # fmt: skip


def test_a_freshly_seeded_demo_is_counted_without_the_nightly_rebuild(
    monkeypatch, refreshes_run_at_commit, django_capture_on_commit_callbacks
):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-password-for-tests")
    with django_capture_on_commit_callbacks(execute=True):
        demo_seed(volume=DemoVolume(households=40))
    refreshed = _summaries()
    for organization_id in Organization.objects.values_list("pk", flat=True):
        summaries_rebuild(organization_id=organization_id)
    assert refreshed == _summaries()
    assert sum(row[7] for row in refreshed) > 0


def test_bulk_created_testimonies_queue_the_weeks_they_fall_in(
    ngo, refreshes_run_at_commit, django_capture_on_commit_callbacks
):
    """A writer of volume that names no weeks (the demo's seed) names its organisation."""
    day = datetime.date(2025, 3, 5)
    with django_capture_on_commit_callbacks(execute=True):
        Testimony.objects.bulk_create([TestimonyFactory.build(organization=ngo, recorded_on=day) for _ in range(3)])
        summary_tracking.organization_touched(ngo.pk)
    assert refreshes_run_at_commit[-1][0] == ngo.pk
    assert "2025-03-03" in refreshes_run_at_commit[-1][1]
