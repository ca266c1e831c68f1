"""Writes to events: record, update, upsert by the writer's own external id, verify.

Each validates the whole record with its model rules and constraints and writes in one
transaction, with the acting user in the history, and queues the summary refresh of the weeks
it touches (the event's as it was and as it is, with its testimonies' and the moves it caused)
for after the commit (``summary_tracking``); a write that changes nothing saves nothing, so it
leaves no history and queues nothing.
"""

from __future__ import annotations

from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from displacement.models import Event, EventAlias
from displacement.selectors.event_aliases import by_external_id
from displacement.services import summary_tracking
from displacement.services.acting import acting
from displacement.services.deletions import record_delete
from displacement.services.event_duplicate_queue import check_after_commit

#: What an upsert did to its event.
CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"

#: Fields no writer sets through these services: the owner, authorship and the verification
#: decision (``event_set_verification``).
_NOT_WRITABLE = frozenset(
    {
        "id",
        "organization",
        "created_by",
        "created_at",
        "updated_at",
        "verification_status",
        "verified_by",
        "verified_at",
    }
)


class DuplicateExternalId(ValidationError):
    """The organisation already has an event with this external id: update or upsert it instead."""

    def __init__(self, external_id: str):
        super().__init__(
            {
                "external_id": ValidationError(
                    _("Your organisation already has an event with the external id “%(id)s”; update it instead.")
                    % {"id": external_id},
                    code="duplicate",
                )
            }
        )


class Upserted(NamedTuple):
    event: Event
    status: str  # CREATED, UPDATED or UNCHANGED


@transaction.atomic
def event_set_verification(*, events, status: str, by) -> int:
    """Record a verification decision on ``events`` (a scoped queryset) with who and when.

    The trigger-based history keeps every earlier decision.
    """
    return events.exclude(verification_status=status).update(
        verification_status=status,
        verified_by=by,
        verified_at=timezone.now(),
        updated_at=timezone.now(),
    )


def event_record(*, organization, created_by=None, sources=(), caused_by=(), **fields) -> Event:
    """Record a new event of ``organization``. An external id the organisation already uses is a
    ``DuplicateExternalId`` (also when a concurrent writer took it first), never a database error."""
    _check_writable(fields)
    event = Event(organization=organization, created_by=created_by, **fields)
    _check_external_id(event)
    _full_clean(event)
    _check_related(organization, sources=sources, caused_by=caused_by)
    with transaction.atomic(), acting(created_by):
        _save(event)
        if sources:
            event.sources.set(sources)
        if caused_by:
            event.caused_by.set(caused_by)
        summary_tracking.event_touched(event)
    return event


@transaction.atomic
def event_delete(*, event: Event, by=None) -> None:
    """Delete ``event`` (a tombstone tells partners who received it); evidence pointing to it
    (an attachment) protects it: ``ProtectedError``, and nothing is deleted."""
    with acting(by):
        # Before the cascade: the moves it caused lose their cause by a bare UPDATE.
        summary_tracking.event_touched(event)
        record_delete(event)


def event_update(*, event: Event, by=None, sources=None, caused_by=None, **fields) -> Event:
    """Change ``fields`` of ``event`` (and its sources and causes, when given). Nothing is
    written when every value is already the event's: no history, no new ``updated_at``."""
    _apply(event, fields, by=by, sources=sources, caused_by=caused_by)
    return event


def event_upsert(*, organization, external_id: str, by=None, **fields) -> Upserted:
    """Create or update the event ``organization`` knows by ``external_id`` so that it has ``fields``.

    For writers that keep their own ids (a partner's system, an import): the same values again
    change nothing. An id that an event took in a merge (an alias) updates that event.
    Concurrent upserts of one new id create it once; the later one updates it.
    """
    if not external_id or not external_id.strip():
        raise ValidationError({"external_id": _("An upsert needs the external id of the event.")})
    _check_writable(fields)
    with transaction.atomic():
        existing = _locked(organization, external_id)
        if existing is None:
            try:
                with transaction.atomic():
                    event = event_record(organization=organization, created_by=by, external_id=external_id, **fields)
                return Upserted(event, CREATED)
            except DuplicateExternalId:
                existing = _locked(organization, external_id)  # committed meanwhile by another writer
                if existing is None:  # ... and deleted since: say so rather than guess
                    raise
        changed = _apply(existing, fields, by=by)
    return Upserted(existing, UPDATED if changed else UNCHANGED)


# --- the rules, once -----------------------------------------------------------------------------


def _locked(organization, external_id: str) -> Event | None:
    """The event known by ``external_id``: its own, or an alias it took in a merge."""
    return (
        by_external_id(Event.objects.select_for_update(), organization=organization, external_id=external_id)
        .order_by()
        .first()
    )


def _check_writable(fields: dict) -> None:
    refused = sorted(set(fields) & _NOT_WRITABLE)
    if refused:
        raise ValidationError({name: _("This field is not set by this write.") for name in refused})


def _check_external_id(event: Event) -> None:
    if not event.external_id:
        return
    taken = Event.objects.filter(organization_id=event.organization_id, external_id=event.external_id)
    if event.pk is not None:
        taken = taken.exclude(pk=event.pk)
    alias = EventAlias.objects.filter(organization_id=event.organization_id, external_id=event.external_id)
    if taken.exists() or alias.exists():
        raise DuplicateExternalId(event.external_id)


def _full_clean(event: Event) -> None:
    """The model's rules and constraints. Its unique external id may have been taken by a
    concurrent writer since ``_check_external_id`` looked: that is a ``DuplicateExternalId``
    (which an upsert answers by updating the winner), not the model's bare constraint message."""
    try:
        event.full_clean()
    except ValidationError:
        _check_external_id(event)
        raise


def _check_related(organization, *, sources=(), caused_by=()) -> None:
    foreign = [s for s in [*(sources or ()), *(caused_by or ())] if s.organization_id != organization.pk]
    if foreign:
        raise ValidationError(_("Sources and causes must belong to the same organisation."))


def _save(event: Event) -> None:
    """Save in a savepoint; the unique external id taken by a concurrent writer is a
    ``DuplicateExternalId``, not an ``IntegrityError``. Every saved event (the admin, the API,
    an upsert) is checked for duplicates once the transaction commits; imports check by run."""
    try:
        with transaction.atomic():
            event.save()
    except IntegrityError as error:
        if "event_external_id_unique" in str(error):
            raise DuplicateExternalId(event.external_id) from None
        raise
    check_after_commit(event.pk)


def _apply(event: Event, fields: dict, *, by, sources=None, caused_by=None) -> bool:
    """Set ``fields`` on ``event``, validate and save if any value differs; True if written."""
    _check_writable(fields)
    before = {name: _value(event, name) for name in fields}
    for name, value in fields.items():
        setattr(event, name, value)
    changed = [name for name in fields if _value(event, name) != before[name]]
    links = {
        name: list(values)
        for name, values in (("sources", sources), ("caused_by", caused_by))
        if values is not None and set(getattr(event, name).all()) != set(values)
    }
    if not changed and not links:
        return False
    if "external_id" in changed:
        _check_external_id(event)
    _full_clean(event)
    _check_related(event.organization, **links)
    with transaction.atomic(), acting(by):
        stored = Event.objects.filter(pk=event.pk).first()
        if stored is not None:  # the weeks it leaves
            summary_tracking.event_touched(stored)
        if changed:
            _save(event)
        for name, values in links.items():
            getattr(event, name).set(values)
        summary_tracking.event_touched(event)
    return True


def _value(event: Event, name: str):
    """The value of field ``name`` as stored: a related record by its key, text parsed to its type."""
    field = Event._meta.get_field(name)
    if field.many_to_many:
        raise ValidationError({name: _("Give sources and causes as their own arguments.")})
    if field.is_relation:
        return getattr(event, field.attname)
    raw = getattr(event, name)
    try:
        return field.to_python(raw)
    except ValidationError:
        return raw  # full_clean reports it
