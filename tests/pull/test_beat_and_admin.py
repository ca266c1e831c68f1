"""Beat queues one pull per enabled connection by id; two pulls of one connection never run at
once; coordinators connect, test and pull from the admin."""

import datetime

import pytest
from django.db import connections
from django.urls import reverse

from displacement.models import PullConnection, PullKind
from displacement.pull import secrets
from displacement.services import pulls
from displacement.services.pulls import connection_pull, connection_save
from displacement.tasks import pulls as pull_tasks
from tests.pull.standin import ASSET, KOBO_TOKEN, kobo_record

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 12, 7, 10, 0, tzinfo=datetime.UTC)


def test_beat_queues_each_enabled_connection_by_id_with_an_expiry(
    settings, monkeypatch, kobo_connection, odk_connection
):
    settings.PULL_INTERVAL_MINUTES = 5
    PullConnection.objects.filter(pk=odk_connection.pk).update(enabled=False)
    queued = []
    monkeypatch.setattr(
        pull_tasks.connection_pull_task, "apply_async", lambda args, **options: queued.append((args, options))
    )
    assert pull_tasks.pulls_due_task() == 1
    assert queued == [((kobo_connection.pk,), {"expires": 300})]
    assert settings.CELERY_BEAT_SCHEDULE["pulls-due"]["task"] == "displacement.pulls_due"


def test_a_pull_of_a_connection_already_being_pulled_does_nothing(standin, kobo_connection, imported):
    standin.kobo = [kobo_record(1)]
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [pulls._LOCK, kobo_connection.pk])
        assert connection_pull(connection_id=kobo_connection.pk, now=NOW) is None
        assert not standin.requests and not imported
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [pulls._LOCK, kobo_connection.pk])
    finally:
        other.close()
    assert connection_pull(connection_id=kobo_connection.pk, now=NOW).status == "done"


def test_the_task_pulls_by_id(standin, kobo_connection, imported, coordinator):
    standin.kobo = [kobo_record(1)]
    assert pull_tasks.connection_pull_task(kobo_connection.pk, coordinator.pk) == "done"
    assert imported[0][0].created_by == coordinator


def test_changing_what_a_connection_points_at_starts_its_watermark_again(kobo_connection, coordinator):
    PullConnection.objects.filter(pk=kobo_connection.pk).update(watermark={"last_id": 9})
    kobo_connection.refresh_from_db()
    connection_save(connection=kobo_connection, organization=None, by=coordinator, data={"name": "Renamed"})
    assert PullConnection.objects.get(pk=kobo_connection.pk).watermark == {"last_id": 9}
    connection_save(connection=kobo_connection, organization=None, by=coordinator, data={"asset_uid": "aOther0001"})
    assert PullConnection.objects.get(pk=kobo_connection.pk).watermark == {}


def _form(**extra):
    return {"name": "Field team", "kind": PullKind.KOBO, "server_url": "", "asset_uid": ASSET, "account_email": "",
            "project_id": "", "form_id": "", "new_secret": "", "enabled": "on", **extra}  # fmt: skip


def test_a_coordinator_connects_a_project_then_edits_it_without_retyping_the_token(client, coordinator, ngo, standin):
    client.force_login(coordinator)
    add = reverse("admin:displacement_pullconnection_add")
    refused = client.post(add, _form(server_url=standin.url))
    assert refused.status_code == 200 and not PullConnection.objects.exists()  # no token given
    wrong = client.post(add, _form(server_url=standin.url, asset_uid="bad/uid", new_secret=KOBO_TOKEN))
    assert wrong.status_code == 200 and "letters and digits" in wrong.content.decode()
    assert client.post(add, _form(server_url=standin.url, new_secret=KOBO_TOKEN)).status_code == 302
    connection = PullConnection.objects.get()
    assert connection.organization == ngo and secrets.decrypt(connection.secret) == KOBO_TOKEN
    change = reverse("admin:displacement_pullconnection_change", args=[connection.pk])
    assert client.post(change, _form(server_url=standin.url, name="Field team 2")).status_code == 302
    connection.refresh_from_db()
    assert connection.name == "Field team 2" and secrets.decrypt(connection.secret) == KOBO_TOKEN


def test_an_http_server_address_is_refused_where_http_is_not_allowed(client, coordinator, settings):
    settings.PULL_ALLOW_HTTP = False  # production's default (DEBUG off)
    client.force_login(coordinator)
    add = reverse("admin:displacement_pullconnection_add")
    refused = client.post(add, _form(server_url="http://kobo.example.org", new_secret=KOBO_TOKEN))
    assert refused.status_code == 200 and "https://" in refused.content.decode()
    assert not PullConnection.objects.exists()
    assert client.post(add, _form(server_url="https://kobo.example.org", new_secret=KOBO_TOKEN)).status_code == 302


def test_test_connection_and_pull_now_from_the_admin(
    client, coordinator, kobo_connection, standin, imported, monkeypatch, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    changelist = reverse("admin:displacement_pullconnection_changelist")
    tested = client.post(changelist, {"action": "test_selected", "_selected_action": [kobo_connection.pk]}, follow=True)
    assert "connected, “Testimony intake (stand-in)”" in tested.content.decode()
    queued = []
    monkeypatch.setattr(pull_tasks.connection_pull_task, "delay", lambda *args: queued.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(changelist, {"action": "pull_selected", "_selected_action": [kobo_connection.pk]})
    assert queued == [(kobo_connection.pk, coordinator.pk)]
    detail = client.get(reverse("admin:displacement_pullconnection_test_one", args=[kobo_connection.pk]), follow=True)
    assert "connected" in detail.content.decode()


def test_a_failed_pull_shows_on_the_connection_s_page(client, coordinator, kobo_connection, standin, imported):
    kobo_connection.secret = secrets.encrypt("not-the-token")
    kobo_connection.save()
    connection_pull(connection_id=kobo_connection.pk, now=NOW)
    client.force_login(coordinator)
    page = client.get(reverse("admin:displacement_pullconnection_change", args=[kobo_connection.pk]))
    assert "refused the credentials (HTTP 401" in page.content.decode()


@pytest.mark.parametrize("role", ["caseworker", "analyst"])
def test_only_coordinators_open_connections(client, request, role, kobo_connection):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("admin:displacement_pullconnection_changelist")).status_code == 403


def test_another_organisation_s_connection_is_not_found(client, other_ngo, kobo_connection, standin):
    from displacement.models.vocab import Role
    from tests.factories import MembershipFactory, UserFactory

    other = UserFactory(username="other-coordinator")
    MembershipFactory(user=other, organization=other_ngo, role=Role.COORDINATOR)
    client.force_login(other)
    for view in ("change", "test_one", "pull_one"):
        url = reverse(f"admin:displacement_pullconnection_{view}", args=[kobo_connection.pk])
        assert client.get(url).status_code == 404, view
    assert not standin.requests


def test_a_malformed_connection_id_is_not_found_not_an_error(client, coordinator, standin):
    client.force_login(coordinator)
    for view in ("test_one", "pull_one"):
        url = reverse(f"admin:displacement_pullconnection_{view}", args=["not-a-number"])
        assert client.get(url).status_code == 404, view
    assert not standin.requests


def test_a_file_is_never_imported_as_a_pull(ngo, coordinator, client):
    import io

    from django.core.exceptions import ValidationError

    from displacement.services.imports import import_run_start

    with pytest.raises(ValidationError, match="Unknown import kind"):
        import_run_start(
            organization=ngo,
            by=coordinator,
            handle=io.BytesIO(b"{}"),
            file_name="x.json",
            kind="kobo_pull",
            dry_run=True,
        )
    client.force_login(coordinator)
    page = client.get(reverse("admin:displacement_importrun_add")).content.decode()
    assert "Pull from KoboToolbox" not in page and "Detect from the file" in page


def test_a_connection_s_history_names_who_changed_what_never_its_secret(client, coordinator, kobo_connection, standin):
    from django.apps import apps

    connection_save(connection=kobo_connection, organization=None, by=coordinator, data={}, secret="a-new-token")
    connection_pull(connection_id=kobo_connection.pk, now=NOW)  # the pull's bookkeeping: no event
    history = apps.get_model("displacement", "PullConnectionHistory").objects.filter(pgh_obj=kobo_connection)
    assert history.count() == 2  # made, then its token changed
    assert all(not hasattr(row, "secret") for row in history)
    client.force_login(coordinator)
    page = client.get(reverse("admin:displacement_pullconnection_history", args=[kobo_connection.pk]))
    assert page.status_code == 200 and "a-new-token" not in page.content.decode()
