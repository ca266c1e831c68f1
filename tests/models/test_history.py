"""The trigger-based history sees every write, bulk ones included, with the acting user."""

import pghistory
import pytest

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
