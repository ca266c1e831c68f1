"""Event history is written by statement-level triggers: one context a statement, one history
row for each event the statement created, changed or deleted, none for an unchanged one."""

import pghistory
import pytest
from django.db import connection

from displacement.models import Event
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


def _history_trigger_levels() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT CASE WHEN tgtype & 1 = 1 THEN 'row' ELSE 'statement' END FROM pg_trigger t
               JOIN pg_proc p ON p.oid = t.tgfoid
               WHERE t.tgrelid = 'displacement_event'::regclass AND NOT t.tgisinternal
                 AND p.prosrc LIKE '%%displacement_eventhistory%%'"""
        )
        return {level for (level,) in cursor.fetchall()}


def test_event_history_triggers_fire_once_a_statement():
    assert _history_trigger_levels() == {"statement"}


def test_a_bulk_update_records_each_changed_event_once_in_one_context(coordinator):
    events = EventFactory.create_batch(3, organization=coordinator.organization)
    unchanged = EventFactory(organization=coordinator.organization, verification_status="verified")
    with pghistory.context(user=coordinator.pk, url="/test/bulk"):
        updated = Event.objects.filter(pk__in=[e.pk for e in [*events, unchanged]]).update(
            verification_status="verified"
        )
    assert updated == 4
    updates = Event.pgh_event_model.objects.filter(pgh_label="update")
    assert sorted(updates.values_list("pgh_obj_id", flat=True)) == sorted(e.pk for e in events)
    assert {row.pgh_context.metadata["user"] for row in updates} == {coordinator.pk}
    assert updates.values("pgh_context_id").distinct().count() == 1


def test_a_bulk_delete_records_each_deleted_event():
    events = EventFactory.create_batch(2)
    Event.objects.filter(pk__in=[e.pk for e in events]).delete()
    deletes = Event.pgh_event_model.objects.filter(pgh_label="delete")
    assert sorted(deletes.values_list("pgh_obj_id", flat=True)) == sorted(e.pk for e in events)
