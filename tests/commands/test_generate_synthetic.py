"""generate_synthetic: skewed, deterministic, all or nothing, and never into real casework."""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Count, F

from displacement import models as m
from displacement.models.link_copies import EVENT_COPIES
from displacement.models.vocab import ConsentPurpose
from displacement.synthetic import ORIGIN_WEIGHTS, SLUG, generate_synthetic, synthetic_delete
from displacement.synthetic.generator import _Generator
from displacement.synthetic.loader import history_triggers
from tests.factories import HouseholdFactory

pytestmark = pytest.mark.django_db


def _fingerprint():
    testimonies = m.Testimony.objects.filter(organization__slug=SLUG).order_by("code")
    return (
        list(testimonies.values_list("code", "recorded_on", "household__code", "summary", "sensitivity")),
        sorted(m.TestimonyEvent.objects.values_list("testimony__code", "event__external_id", "relation")),
        sorted(m.Consent.objects.values_list("testimony__code", "purpose", "withdrawn_at")),
        sorted(m.Displacement.objects.values_list("household__code", "left_on", "origin__pcode", "destination__pcode")),
        sorted(m.Case.objects.values_list("reference", "status", "opened_on", "closed_on")),
        sorted(m.Person.objects.values_list("code", "age_band", "sex")),
    )


def test_it_refuses_a_database_with_real_casework(ngo):
    HouseholdFactory(organization=ngo)
    with pytest.raises(CommandError, match="not synthetic"):
        call_command("generate_synthetic", "--households", "10", "--quiet")
    assert not m.Testimony.objects.exists() and not m.Organization.objects.filter(slug=SLUG).exists()


def test_the_same_seed_gives_the_same_records():
    generate_synthetic(households=40, seed=7)
    first = _fingerprint()
    with pytest.raises(Exception, match="already here"):
        generate_synthetic(households=40, seed=7)
    assert synthetic_delete() > 0 and not m.Testimony.objects.exists()
    generate_synthetic(households=40, seed=7)
    assert _fingerprint() == first
    synthetic_delete()
    generate_synthetic(households=40, seed=8)
    assert _fingerprint() != first


def test_the_daily_job_sends_the_synthetic_partner_nothing_again():
    from displacement.services.sharing import agreements_start

    generate_synthetic(households=40, seed=7)
    assert agreements_start() == 0


def test_the_dataset_is_skewed_like_a_war(capsys):
    call_command("generate_synthetic", "--households", "300", "--seed", "1")
    out = capsys.readouterr()
    assert "rows/s (COPY)" in out.out and "Summary tables rebuilt" in out.out and "100%" in out.err
    owner = m.Organization.objects.get(slug=SLUG)
    assert m.Household.objects.filter(organization=owner).count() == 300
    assert 900 <= m.Testimony.objects.filter(organization=owner).count() <= 1100
    events = m.Event.objects.filter(organization=owner)
    frontline = events.filter(place__parent__parent__pcode__in=list(ORIGIN_WEIGHTS)).count()
    assert frontline == events.count() and events.filter(place__pcode__startswith="UA14").count() > events.count() / 5
    moves = m.Displacement.objects.values("household").annotate(n=Count("pk"))
    repeated = sum(1 for row in moves if row["n"] > 1)
    assert 0.2 * 300 < repeated < 0.6 * 300
    busiest = m.TestimonyEvent.objects.values("event").annotate(n=Count("pk")).order_by("-n").first()
    assert busiest["n"] >= 5, "some events have many testimonies"
    purposes = set(m.Consent.objects.values_list("purpose", flat=True))
    assert purposes == set(ConsentPurpose.values)
    assert m.Consent.objects.filter(withdrawn_at__isnull=False).exists()
    # The consent column, kept by its triggers during the load: it agrees with the consents.
    consenting = m.Consent.objects.filter(purpose=ConsentPurpose.SHARING, withdrawn_at__isnull=True)
    testimonies = m.Testimony.objects.filter(organization=owner)
    assert set(testimonies.filter(sharing_consent=True).values_list("pk", flat=True)) == set(
        consenting.values_list("testimony_id", flat=True)
    )
    assert 0 < testimonies.filter(sharing_consent=True).count() < testimonies.count()
    # And the copies of each event's columns on its links, kept by their triggers.
    links = m.TestimonyEvent.objects.filter(testimony__organization=owner)
    assert links.exists()
    for name, column in EVENT_COPIES.items():
        assert not links.exclude(**{name: F(f"event__{column.removesuffix('_id')}")}).exists(), name
    assert set(m.Case.objects.values_list("status", flat=True)) >= {"new", "closed", "referred"}
    assert m.WeeklySummary.objects.filter(organization=owner).exists()
    history = apps.get_model("displacement", "TestimonyHistory")
    assert not history.objects.filter(organization_id=owner.pk).exists(), "the load writes no history"


def test_deleting_takes_the_duplicate_queues_and_aliases_with_it():
    generate_synthetic(households=40, seed=7)
    owner = m.Organization.objects.get(slug=SLUG)
    first, second = m.Event.objects.filter(organization=owner).order_by("pk")[:2]
    m.EventDuplicateCandidate.objects.create(organization=owner, event=first, other=second, score=0.5)
    m.EventAlias.objects.create(organization=owner, event=first, external_id="SYN-MERGED-1")
    assert synthetic_delete() > 0
    assert not m.Event.objects.exists() and not m.EventDuplicateCandidate.objects.exists()


def test_the_load_switches_off_the_history_triggers_by_name_and_no_other(monkeypatch):
    off = []
    run = _Generator.run

    def watched(generator):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
                " WHERE NOT t.tgisinternal AND t.tgenabled = 'D'"
            )
            off.extend(cursor.fetchall())
        run(generator)

    monkeypatch.setattr(_Generator, "run", watched)
    generate_synthetic(households=20, seed=1)
    assert off and sorted(off) == sorted(history_triggers())
    assert all(
        name.startswith(("pgtrigger_insert_insert", "pgtrigger_update_update", "pgtrigger_delete_delete"))
        for _, name in off
    )
    # The triggers that stayed on kept what they keep: every linked event has its count.
    linked = m.TestimonyEvent.objects.values_list("event_id", flat=True).distinct()
    assert set(linked) <= set(m.EventCorroboration.objects.values_list("event_id", flat=True))
