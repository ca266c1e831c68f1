"""The copies of an event's filterable columns on each link from a testimony (``models.link_copies``),
which filters through events read: the database keeps them for every way of writing events or
links, and nothing written into them directly sticks."""

import datetime
import threading

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from displacement.models import Event, TestimonyEvent
from displacement.models.link_copies import EVENT_COPIES
from tests.factories import EventFactory, OrganizationFactory, TestimonyFactory, place
from tests.support.locks import committed_once_waited, until_a_connection_waits

pytestmark = pytest.mark.django_db


def _copies(link) -> dict:
    return TestimonyEvent.objects.values(*EVENT_COPIES).get(pk=link.pk)


def _expected(event) -> dict:
    values = Event.objects.values(*EVENT_COPIES.values()).get(pk=event.pk)
    return {name: values[column] for name, column in EVENT_COPIES.items()}


def _link(event, **kwargs) -> TestimonyEvent:
    testimony = kwargs.pop("testimony", None) or TestimonyFactory(organization=event.organization)
    return TestimonyEvent.objects.create(testimony=testimony, event=event, relation="witnessed", **kwargs)


def test_a_new_link_carries_its_events_values():
    event = EventFactory(event_type="battles", sub_event_type="armed_clash", target="school")
    link = _link(event)
    assert _copies(link) == _expected(event)
    assert _copies(link)["event_target"] == "school"
    assert _copies(link)["event_owner"] == event.organization_id


def test_an_event_saved_or_updated_in_bulk_changes_its_links():
    event = EventFactory(target="school", start=datetime.date(2024, 1, 5))
    first, second = _link(event), _link(event)
    other = EventFactory(target="school")
    untouched = _link(other)
    event.target, event.start, event.place = "health_facility", datetime.date(2023, 6, 1), place("UA6312027")
    event.save()
    assert _copies(first) == _copies(second) == _expected(event)
    assert _copies(first)["event_place"] == place("UA6312027").pk
    Event.objects.filter(pk__in=[event.pk, other.pk]).update(event_type="battles", sub_event_type="armed_clash")
    assert _copies(first)["event_type"] == _copies(untouched)["event_type"] == "battles"
    # An event given to another organisation: its links name the new owner.
    owner = OrganizationFactory()
    Event.objects.filter(pk=event.pk).update(organization=owner)
    assert _copies(second)["event_owner"] == owner.pk
    with connection.cursor() as cursor:
        cursor.execute("UPDATE displacement_event SET target = 'market' WHERE id = %s", [other.pk])
    assert _copies(untouched)["event_target"] == "market"


def test_a_link_moved_to_another_event_or_written_directly_holds_the_events_values():
    event, other = EventFactory(target="school"), EventFactory(target="health_facility")
    link = _link(event)
    TestimonyEvent.objects.filter(pk=link.pk).update(event=other)
    assert _copies(link) == _expected(other)
    TestimonyEvent.objects.filter(pk=link.pk).update(event_target="school", event_owner=None)
    assert _copies(link) == _expected(other), "a written copy does not stick"
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO displacement_testimonyevent (testimony_id, event_id, relation, event_type, event_target)"
            " VALUES (%s, %s, 'witnessed', 'bogus', 'bogus') RETURNING id",
            [TestimonyFactory(organization=event.organization).pk, event.pk],
        )
        raw = TestimonyEvent(pk=cursor.fetchone()[0])
    assert _copies(raw) == _expected(event)


def test_the_copies_leave_no_history():
    event = EventFactory(target="school")
    link = _link(event)
    before = link.history.count()
    event.target = "health_facility"
    event.save()
    assert link.history.count() == before, "a copy's change is not the link's change"
    history_columns = {field.name for field in link.history.model._meta.get_fields()}
    assert not history_columns & set(EVENT_COPIES)


def test_a_link_written_before_its_event_gets_its_values_when_the_event_is():
    """Foreign keys are checked at commit: a link may come first, and the event's insert fills it."""
    organization = OrganizationFactory()
    testimony = TestimonyFactory(organization=organization)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence('displacement_event', 'id'))")
        event_id = cursor.fetchone()[0]
        link = TestimonyEvent.objects.create(testimony=testimony, event_id=event_id, relation="witnessed")
        assert _copies(link)["event_owner"] is None
        event = EventFactory(id=event_id, organization=organization, target="school")
    assert _copies(link) == _expected(event)


@pytest.mark.django_db(transaction=True)
def test_a_link_written_while_its_event_changes_gets_the_new_values(gazetteer):
    """Two connections: the event's change is not yet committed when the link is written. The
    link waits for the event (FOR SHARE) and copies what was committed; without the wait it
    copied the old values, and the event's trigger, which cannot see the uncommitted link,
    left them stale. The change commits only once the link's writer is seen waiting (or after
    ten seconds, when nothing waits: then the link has already copied the old values)."""
    event = EventFactory(target="school")
    testimony = TestimonyFactory(organization=event.organization)
    with committed_once_waited(lambda: Event.objects.filter(pk=event.pk).update(target="market")):
        link = TestimonyEvent.objects.create(testimony=testimony, event=event, relation="witnessed")
    assert _copies(link)["event_target"] == "market"


# --- the testimony's copy (``TESTIMONY_COPIES``) --------------------------------------------


def _testimony_copy(link):
    return TestimonyEvent.objects.values_list("testimony_updated_at", flat=True).get(pk=link.pk)


def test_a_link_carries_its_testimonys_last_change_through_every_way_of_writing_it():
    from displacement.models import Testimony

    event = EventFactory()
    link = _link(event)
    testimony = link.testimony
    assert _testimony_copy(link) == testimony.updated_at
    testimony.summary = "Changed"
    testimony.save()
    testimony.refresh_from_db()
    assert _testimony_copy(link) == testimony.updated_at
    later = testimony.updated_at + datetime.timedelta(hours=3)
    Testimony.objects.filter(pk=testimony.pk).update(updated_at=later)
    assert _testimony_copy(link) == later
    TestimonyEvent.objects.filter(pk=link.pk).update(testimony_updated_at=None)
    assert _testimony_copy(link) == later, "a written copy does not stick"
    # An event's change rewrites the event's copies only, and leaves the testimony's right.
    event.target = "market"
    event.save()
    assert _testimony_copy(link) == later
    assert _copies(link) == _expected(event)
    history_columns = {field.name for field in link.history.model._meta.get_fields()}
    assert "testimony_updated_at" not in history_columns


def test_a_link_written_before_its_testimony_gets_its_value_when_the_testimony_is():
    event = EventFactory()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence('displacement_testimony', 'id'))")
        testimony_id = cursor.fetchone()[0]
        link = TestimonyEvent.objects.create(testimony_id=testimony_id, event=event, relation="witnessed")
        assert _testimony_copy(link) is None
        testimony = TestimonyFactory(id=testimony_id, organization=event.organization)
    assert _testimony_copy(link) == testimony.updated_at


@pytest.mark.django_db(transaction=True)
def test_a_link_written_while_its_testimony_changes_gets_the_new_value(gazetteer):
    """As for the event (above): the testimony's change is not yet committed when the link is
    written; the link waits for the testimony (FOR SHARE) and copies what was committed."""
    from displacement.models import Testimony

    event = EventFactory()
    testimony = TestimonyFactory(organization=event.organization)
    later = testimony.updated_at + datetime.timedelta(days=1)
    with committed_once_waited(lambda: Testimony.objects.filter(pk=testimony.pk).update(updated_at=later)):
        link = TestimonyEvent.objects.create(testimony=testimony, event=event, relation="witnessed")
    assert _testimony_copy(link) == later


@pytest.mark.django_db(transaction=True)
def test_a_testimony_saved_with_a_changed_link_while_its_event_changes_does_not_deadlock(gazetteer):
    """The admin saves a testimony, then its changed links. A testimony's save locks its links
    (their copy of its ``updated_at``); an event's save meanwhile waits for those links. The
    link's own update must not then wait for the event: it keeps its copies and locks nothing
    more (it read the event FOR SHARE, and PostgreSQL found a deadlock)."""
    from displacement.models import Testimony

    event = EventFactory(target="school")
    testimony = TestimonyFactory(organization=event.organization)
    link = TestimonyEvent.objects.create(testimony=testimony, event=event, relation="witnessed")
    saved, failures = threading.Event(), []

    def change_the_event():
        try:
            assert saved.wait(10)
            with transaction.atomic():
                Event.objects.filter(pk=event.pk).update(target="market")
        except Exception as error:  # pragma: no cover (reported below)
            failures.append(error)
        finally:
            connections.close_all()

    worker = threading.Thread(target=change_the_event)
    worker.start()
    with transaction.atomic(), connection.cursor() as cursor:
        Testimony.objects.filter(pk=testimony.pk).update(summary="Changed", updated_at=timezone.now())
        saved.set()
        until_a_connection_waits(cursor)  # the event's save, for the links
        TestimonyEvent.objects.filter(pk=link.pk).update(relation="heard_about")
    worker.join(15)
    assert not failures
    assert _copies(link)["event_target"] == "market"
    assert _testimony_copy(link) == Testimony.objects.get(pk=testimony.pk).updated_at
