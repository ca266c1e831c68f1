"""Tokens and passwords: encrypted at rest, rotatable, and nowhere in clear: not in the
database, a log line, a Celery message, an error, an import run or an admin page."""

import datetime
import io
import json
import logging

import pytest
from django.core.management import CommandError, call_command
from django.db import connection as db
from django.urls import reverse

from displacement.models import ImportRun, PullConnection
from displacement.pull import secrets
from displacement.services.pulls import connection_pull, connection_pull_queue, connection_secrets_rotate
from displacement.tasks import pulls as pull_tasks
from tests.pull.standin import KOBO_TOKEN, ODK_PASSWORD, kobo_record, odk_row

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 12, 7, 10, 0, tzinfo=datetime.UTC)
OLD, NEW = "an-old-passphrase-for-the-connection-secrets", "a-new-passphrase-for-the-connection-secrets"


def test_a_secret_is_stored_encrypted_and_decrypts_only_under_its_keys(settings, kobo_connection):
    assert KOBO_TOKEN not in kobo_connection.secret
    assert secrets.decrypt(kobo_connection.secret) == KOBO_TOKEN
    settings.PULL_SECRET_KEYS = [NEW]
    with pytest.raises(secrets.SecretUnreadable):
        secrets.decrypt(kobo_connection.secret)


def test_keys_rotate_and_an_unreadable_secret_is_named_not_lost(settings, ngo, kobo_connection, odk_connection):
    settings.PULL_SECRET_KEYS = [OLD]
    for connection, secret in ((kobo_connection, KOBO_TOKEN), (odk_connection, ODK_PASSWORD)):
        PullConnection.objects.filter(pk=connection.pk).update(secret=secrets.encrypt(secret))
    settings.PULL_SECRET_KEYS = [NEW, OLD]
    assert connection_secrets_rotate() == (2, [])
    settings.PULL_SECRET_KEYS = [NEW]
    assert secrets.decrypt(PullConnection.objects.get(pk=kobo_connection.pk).secret) == KOBO_TOKEN
    assert secrets.decrypt(PullConnection.objects.get(pk=odk_connection.pk).secret) == ODK_PASSWORD
    settings.PULL_SECRET_KEYS = ["a-third-passphrase-nobody-encrypted-under"]
    assert connection_secrets_rotate() == (0, sorted([kobo_connection.pk, odk_connection.pk]))
    with pytest.raises(CommandError, match="enter their token or password again"):
        call_command("pull_secrets_rotate", stdout=io.StringIO())
    run = connection_pull(connection_id=kobo_connection.pk, now=NOW)
    assert "cannot be decrypted with PULL_SECRET_KEYS: enter it again" in run.error


def _whole_database_text() -> str:
    """Every row of every table of this app, pghistory's and the access log, as text."""
    with db.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
            "AND table_type = 'BASE TABLE' AND (table_name LIKE 'displacement%%' OR table_name LIKE 'pghistory%%'"
            " OR table_name LIKE 'django_celery%%' OR table_name = 'django_admin_log')"
        )
        tables = [row[0] for row in cursor.fetchall()]
        found = []
        for table in tables:
            if table in {"displacement_place"}:
                continue
            cursor.execute(f"SELECT coalesce(string_agg(row_to_json(t)::text, E'\\n'), '') FROM \"{table}\" t")  # noqa: S608
            found.append(cursor.fetchone()[0])
    return "\n".join(found)


def test_no_secret_reaches_the_database_logs_errors_or_celery_messages(
    settings, caplog, monkeypatch, standin, kobo_connection, odk_connection, imported, coordinator,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    caplog.set_level(logging.DEBUG)  # requests' and urllib3's own lines included
    standin.kobo = [kobo_record(1)]
    standin.odk = [odk_row(1, submitted="2026-12-01T09:00:00.000Z")]
    queued = []
    monkeypatch.setattr(
        pull_tasks.connection_pull_task, "apply_async", lambda args, **options: queued.append((args, options))
    )
    monkeypatch.setattr(pull_tasks.connection_pull_task, "delay", lambda *args: queued.append((args, {})))
    pull_tasks.pulls_due_task()
    with django_capture_on_commit_callbacks(execute=True):
        connection_pull_queue(connection=kobo_connection, by=coordinator)
    for connection in (kobo_connection, odk_connection):
        connection_pull(connection_id=connection.pk, now=NOW)
    standin.faults = [{"path": "/data/", "drop": True}, {"path": "/v1/sessions", "status": 500}]
    for connection in (kobo_connection, odk_connection):
        connection_pull(connection_id=connection.pk, now=NOW)
    errors = list(PullConnection.objects.values_list("last_error", flat=True))
    assert all(errors) and ImportRun.objects.filter(status="failed").count() == 2
    messages = json.dumps(queued)
    assert queued and all(isinstance(value, int | None) for args, _ in queued for value in args)
    assert any("Authorization" in r["headers"] for r in standin.requests)  # the server did get them
    stored = _whole_database_text()
    assert "Kobo intake" in stored and kobo_connection.secret in stored  # the search does read the rows
    for secret in (KOBO_TOKEN, ODK_PASSWORD):
        assert secret not in caplog.text
        assert secret not in messages
        assert secret not in stored
        assert secret not in "".join(errors)


def test_the_admin_never_shows_the_secret_back(client, coordinator, kobo_connection):
    client.force_login(coordinator)
    page = client.get(reverse("admin:displacement_pullconnection_change", args=[kobo_connection.pk]))
    content = page.content.decode()
    assert page.status_code == 200
    assert KOBO_TOKEN not in content and kobo_connection.secret not in content
    assert 'type="password"' in content and "stored, encrypted" in content
    listing = client.get(reverse("admin:displacement_pullconnection_changelist")).content.decode()
    assert "Kobo intake" in listing and KOBO_TOKEN not in listing and kobo_connection.secret not in listing
