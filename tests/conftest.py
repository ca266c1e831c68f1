"""Fixtures shared by the suite: the gazetteer, two organisations and one user per role."""

import json
import logging

import pytest
from django.core.management import call_command

from displacement.models.vocab import Role
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load Ukraine's gazetteer once; every test sees it, inside its own transaction."""
    with django_db_blocker.unblock():
        call_command("load_places", "--ukraine", verbosity=0)


@pytest.fixture
def gazetteer(db):
    """For transactional tests: the flush after an earlier one empties the places table."""
    from displacement.models import Place

    if not Place.objects.filter(pcode="UA12").exists():
        call_command("load_places", "--ukraine", verbosity=0)


CANARY_MARK = "CANARY"


class _CanaryWatch(logging.Handler):
    """Collects every log line of the whole suite that carries a planted canary value."""

    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.leaks = []

    def emit(self, record):
        text = record.getMessage()
        if CANARY_MARK in text or CANARY_MARK in repr(record.__dict__.get("args")):
            self.leaks.append(f"{record.name}: {text[:200]}")


@pytest.fixture(scope="session", autouse=True)
def no_canary_in_any_log_or_celery_message():
    """Canary values (tests plant them in identifiers and narratives) must never reach a log
    line or a Celery message, in any test of the suite."""
    from displacement.celery import app

    watch = _CanaryWatch()
    root = logging.getLogger()
    root.addHandler(watch)
    published = []
    original = app.amqp.send_task_message

    def send_task_message(producer, name, message, **options):
        body = json.dumps([message.headers, message.body], default=str)
        if CANARY_MARK in body:
            published.append(f"{name}: {body[:200]}")
        return original(producer, name, message, **options)

    app.amqp.send_task_message = send_task_message
    yield
    app.amqp.send_task_message = original
    root.removeHandler(watch)
    assert not watch.leaks, f"canary values reached the logs: {watch.leaks[:5]}"
    assert not published, f"canary values reached Celery messages: {published[:5]}"


@pytest.fixture(autouse=True)
def fresh_place_cache():
    """Each test loads the gazetteer afresh (new ids after a transactional test's flush)."""
    from displacement.selectors import places

    places._trees.clear()
    places._generalised.clear()


@pytest.fixture(autouse=True)
def fresh_plan_choices():
    """Each test chooses its own plans (``selectors.filters.plans._remembered``): tests set the thresholds."""
    from displacement.selectors.filters import plans

    plans._choices.clear()


@pytest.fixture(scope="session", autouse=True)
def flush_despite_append_only_tables():
    """Tests that commit (``transactional_db``) are cleaned up with TRUNCATE, which the history
    and access-log tables refuse; the test suite's own flush passes their triggers by
    pgtrigger's ignore (a session setting of this connection only) and, for pghistory's context
    table, by disabling its trigger meanwhile (as the tables' owner)."""
    import pgtrigger
    from django.core.management.commands import flush
    from django.db import connection

    original = flush.Command.handle

    def handle(self, *args, **options):
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE pghistory_context DISABLE TRIGGER context_append_only")
        try:
            with pgtrigger.ignore():
                return original(self, *args, **options)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("ALTER TABLE pghistory_context ENABLE TRIGGER context_append_only")

    flush.Command.handle = handle
    yield
    flush.Command.handle = original


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Production hashing costs ~0.25 s a user; tests create hundreds of users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def ngo(db):
    return OrganizationFactory(name="Dnipro Protection Network", slug="dpn", code="UA-DNP")


@pytest.fixture
def other_ngo(db):
    return OrganizationFactory(name="Kharkiv Aid", slug="kha", code="UA-KHA")


def _member(organization, role, username):
    user = UserFactory(username=username)
    MembershipFactory(user=user, organization=organization, role=role)
    return user


@pytest.fixture
def caseworker(ngo):
    return _member(ngo, Role.CASEWORKER, "caseworker")


@pytest.fixture
def coordinator(ngo):
    return _member(ngo, Role.COORDINATOR, "coordinator")


@pytest.fixture
def analyst(ngo):
    return _member(ngo, Role.ANALYST, "analyst")


@pytest.fixture
def other_caseworker(other_ngo):
    return _member(other_ngo, Role.CASEWORKER, "other-caseworker")


@pytest.fixture
def superuser(db):
    return UserFactory(username="ops", is_superuser=True)
