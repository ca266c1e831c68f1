"""The trigger-based history sees every write, bulk ones included, with the acting user."""

import pghistory
import pytest
from django.utils import timezone

from displacement.models import Event
from displacement.selectors.history import history_for
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


def test_bulk_update_is_recorded_with_the_acting_user(coordinator):
    events = EventFactory.create_batch(3, organization=coordinator.organization)
    with pghistory.context(user=coordinator.pk, url="/test/bulk"):
        updated = Event.objects.filter(pk__in=[e.pk for e in events]).update(verification_status="verified")
    assert updated == 3
    for event in events:
        history = event.history.order_by("pgh_id")
        assert [h.pgh_label for h in history] == ["insert", "update"]
        last = history.last()
        assert last.verification_status == "verified"
        assert last.pgh_context.metadata["user"] == coordinator.pk
        entry = history_for(event)[0]
        assert entry.user == "coordinator"
        assert ("verification", "Reported", "Verified") in entry.changes


def test_deletes_are_recorded():
    event = EventFactory()
    pk = event.pk
    event.delete()
    assert list(Event.pgh_event_model.objects.filter(pgh_obj_id=pk).values_list("pgh_label", flat=True)) == [
        "insert",
        "delete",
    ]


def test_history_cannot_be_rewritten():
    from django.db import ProgrammingError, transaction

    event = EventFactory()
    with pytest.raises(ProgrammingError, match="Cannot update or delete"), transaction.atomic():
        event.history.update(title="forged")
    assert not event.history.filter(title="forged").exists()


def test_contact_details_history_keeps_no_identifiers():
    from displacement.models import ContactDetails
    from tests.factories import HouseholdFactory

    details = ContactDetails.objects.create(household=HouseholdFactory(), full_name="CANARY-NAME", phone="+380 00")
    details.phone = "+380 11"
    details.save()
    for row in details.history.all():
        assert "CANARY-NAME" not in str(row.__dict__)
        assert not hasattr(row, "full_name")


def _append_only_tables():
    from django.apps import apps
    from pghistory.models import Event as HistoryEvent

    from displacement.models import AccessLog

    models = [model for model in apps.get_models() if issubclass(model, HistoryEvent) and not model._meta.abstract]
    return sorted({model._meta.db_table for model in models} | {AccessLog._meta.db_table, "pghistory_context"})


@pytest.mark.parametrize("table", _append_only_tables())
def test_history_and_access_log_tables_refuse_truncate(table):
    from django.db import DatabaseError, connection, transaction

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {table} CASCADE")


def test_the_history_context_cannot_be_deleted(coordinator):
    from django.db import DatabaseError, connection, transaction

    with pghistory.context(user=coordinator.pk, url="/test/context"):
        EventFactory(organization=coordinator.organization)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM pghistory_context")


def test_the_tables_refusing_truncate_include_the_new_histories():
    assert {"displacement_userhistory", "api_organizationapikeyhistory", "displacement_accesslog"} <= set(
        _append_only_tables()
    )


def test_a_users_powers_have_a_history_without_the_password_hash(coordinator):
    from displacement.models import Membership, User

    user = coordinator
    with pghistory.context(user=user.pk, url="/test/powers"):
        User.objects.filter(pk=user.pk).update(is_superuser=True)
        User.objects.filter(pk=user.pk).update(is_active=False)
        Membership.objects.filter(user=user).update(role="analyst")
    rows = list(user.history.order_by("pgh_id").values("pgh_label", "is_superuser", "is_active"))
    assert rows[-2:] == [
        {"pgh_label": "update", "is_superuser": True, "is_active": True},
        {"pgh_label": "update", "is_superuser": True, "is_active": False},
    ]
    assert not hasattr(user.history.last(), "password")
    assert user.membership.history.order_by("pgh_id").last().role == "analyst"
    count = user.history.count()
    User.objects.filter(pk=user.pk).update(last_login=timezone.now())  # a sign-in is no event
    assert user.history.count() == count


def test_an_api_keys_revocation_and_expiry_have_a_history_but_not_its_use(ngo):
    from api.models import OrganizationAPIKey

    key, _secret = OrganizationAPIKey.objects.create_key(name="sync", organization=ngo, scopes=["read"])
    OrganizationAPIKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
    OrganizationAPIKey.objects.filter(pk=key.pk).update(expiry_date=timezone.now())
    OrganizationAPIKey.objects.filter(pk=key.pk).update(revoked=True)
    rows = list(key.history.order_by("pgh_id"))
    assert [row.pgh_label for row in rows] == ["insert", "update", "update"]
    assert rows[1].expiry_date is not None and rows[2].revoked
    assert not hasattr(rows[0], "hashed_key")


def test_tombstones_and_report_runs_have_a_history(ngo):
    from displacement.models import ReportDefinition, ReportRun, Tombstone

    tombstone = Tombstone.objects.create(organization=ngo, record_kind="events", record_id=1, reason="deleted")
    assert [row.pgh_label for row in tombstone.history.all()] == ["insert"]
    definition = ReportDefinition.objects.create(organization=ngo, slug="weekly", name="Weekly", kind="events")
    run = ReportRun.objects.create(definition=definition, slot="2026-11-23T04:00Z")
    ReportRun.objects.filter(pk=run.pk).update(status="succeeded")
    assert [(row.pgh_label, row.status) for row in run.history.order_by("pgh_id")] == [
        ("insert", "queued"),
        ("update", "succeeded"),
    ]
