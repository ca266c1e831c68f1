"""seed_demo builds a realistic demo once, and a second run writes nothing."""

import pytest
from django.apps import apps
from django.core.management import call_command

from displacement.models import Case, Event, Household, Testimony, User
from displacement.models.vocab import CaseStatus

pytestmark = pytest.mark.django_db


def _counts():
    return {
        model._meta.label: model._default_manager.count() for model in apps.get_app_config("displacement").get_models()
    }


def test_seed_demo_twice_changes_nothing(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-password-for-tests")
    call_command("seed_demo", verbosity=0)
    first = _counts()
    assert first["displacement.Household"] >= 200 and first["displacement.Event"] >= 150
    assert first["displacement.EventHistory"] > 0
    call_command("seed_demo", verbosity=0)
    assert _counts() == first


def test_demo_has_one_user_per_role_and_the_stories_of_the_brief(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-password-for-tests")
    call_command("seed_demo", verbosity=0)
    roles = dict(User.objects.filter(membership__isnull=False).values_list("username", "membership__role"))
    assert set(roles.values()) == {"caseworker", "coordinator", "analyst", "partner"}
    assert User.objects.get(username="caseworker").check_password("demo-password-for-tests")
    school = Event.objects.get(target="school", weapon="loitering_munition", place__pcode__startswith="UA12")
    assert school.sub_event_type == "air_drone_strike"
    assert Event.objects.filter(category="displacement", place__pcode="UA1416021").exists()
    mother = Household.objects.get(code="HH-DEMO0001")
    assert mother.members.count() == 3 and mother.displacements.count() == 2
    assert Testimony.objects.filter(consents__withdrawn_at__isnull=False).exists()
    closed = Case.objects.filter(status=CaseStatus.CLOSED)
    assert closed.exists() and all(c.closed_on >= c.opened_on for c in closed)


def test_the_api_hint_names_the_address_make_run_serves(monkeypatch):
    from io import StringIO

    monkeypatch.setenv("DEMO_PASSWORD", "demo-password-for-tests")
    monkeypatch.setenv("RUN_ADDR", "127.0.0.1:8101")
    out = StringIO()
    call_command("seed_demo", "--no-volume", stdout=out)
    assert "http://127.0.0.1:8101/api/v1/events/" in out.getvalue()


def test_the_daily_job_sends_the_demo_partner_nothing_again(monkeypatch):
    from displacement.services.sharing import agreements_start

    monkeypatch.setenv("DEMO_PASSWORD", "demo-password-for-tests")
    call_command("seed_demo", verbosity=0)
    assert agreements_start() == 0
