"""The demo's generated volume is the synthetic generator at a small size: the same for its
seed, told apart from the hand-written records, within the story's window, worked by its users."""

import datetime
from types import SimpleNamespace

import pytest
from django.db import transaction

from displacement.demo import DemoSeedResult
from displacement.demo.generated import generated_present, generated_seed
from displacement.models import Case, Event, Household, Testimony

pytestmark = pytest.mark.django_db


def _volume(organization):
    return (
        sorted(
            Household.objects.filter(organization=organization).values_list("code", "current_place__pcode", "notes")
        ),
        sorted(
            Event.objects.filter(organization=organization).values_list("external_id", "title", "start", "place__pcode")
        ),
        sorted(
            Testimony.objects.filter(organization=organization).values_list(
                "code", "recorded_on", "summary", "narrative", "interviewer__username"
            )
        ),
        sorted(
            Case.objects.filter(organization=organization).values_list("reference", "status", "assigned_to__username")
        ),
    )


def _seed(seeder) -> DemoSeedResult:
    result = DemoSeedResult(places=None)
    generated_seed(result=result, seeder=seeder, households=30)
    return result


def test_the_demo_volume_is_the_synthetic_generator_at_a_small_size(ngo, caseworker, coordinator):
    seeder = SimpleNamespace(organizations={"dpn": ngo}, users={"caseworker": caseworker, "coordinator": coordinator})
    with transaction.atomic():
        _seed(seeder)
        first = _volume(ngo)
        transaction.set_rollback(True)
    assert not Household.objects.exists()
    result = _seed(seeder)
    assert _volume(ngo) == first, "the same seed, the same volume"
    households, events, testimonies, cases = first
    assert len(households) == 30 and len(events) == 20 and len(testimonies) == 100
    assert result.created["Household"] == 30 and result.created["Testimony"] == 100
    assert all(code.startswith("HH-GEN-") and notes == "Generated demo record." for code, _, notes in households)
    assert all(external_id.startswith("GEN-") and " hromada" in title for external_id, title, *_ in events)
    assert {t[4] for t in testimonies} == {c[2] for c in cases} == {"caseworker", "coordinator"}
    days = [start for _, _, start, _ in events] + [recorded_on for _, recorded_on, *_ in testimonies]
    assert datetime.date(2025, 1, 6) <= min(days) and max(days) <= datetime.date(2026, 6, 30)
    assert generated_present(ngo)["households"] == 30 and generated_present(ngo)["testimonies"] == 100
