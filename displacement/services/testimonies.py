"""Writes to testimonies and their consents.

Who may change what is decided here, for the admin and the API alike: only someone who may
read a testimony's narrative may change the narrative, the household it belongs to or its
sensitivity (publishing a narrative one cannot read would hand it to partners unseen); only a
coordinator names another interviewer (the interviewer reads the narrative). ``by`` is the
acting user, ``None`` the system (the demo, commands).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from displacement.models import Consent, Testimony, TestimonyEvent
from displacement.models.corroboration import CORROBORATED_AT
from displacement.models.vocab import ConsentPurpose
from displacement.selectors.sharing import consenting
from displacement.services import summary_tracking
from displacement.services.acting import acting
from displacement.services.cases import refuse_hidden_text, require_writer
from displacement.services.deletions import record_delete
from displacement.services.summary_tracking import households_touched
from displacement.services.tombstones import testimony_unshare_check, tombstone_sharing_withdrawn, touch_on_consent

#: Fields only a reader of the narrative may change.
NARRATIVE_GUARDED = ("narrative", "household", "sensitivity")
#: What ``testimony_update`` changes.
FIELDS = {"recorded_on", "interviewer", "language", "witness_role", "household", "summary", "narrative", "sensitivity"}


def _check_interviewer(viewer, interviewer) -> None:
    if viewer is not None and not viewer.is_coordinator and interviewer != viewer.user:
        raise ValidationError({"interviewer": _("Only a coordinator names another interviewer.")})


def testimony_record(*, organization, by=None, events=(), consents=(), sources=(), **fields) -> Testimony:
    """Record a testimony with its event links ``(event, relation)`` and consents ``(purpose, ...)``.

    A staff member records what they heard: they are the interviewer unless a coordinator
    names another."""
    viewer = require_writer(by, organization.pk)
    if viewer is not None:
        fields.setdefault("interviewer", by)
        _check_interviewer(viewer, fields["interviewer"])
    testimony = Testimony(organization=organization, **fields)
    testimony.full_clean()
    household = fields.get("household")
    if household is not None and household.organization_id != organization.pk:
        raise ValidationError({"household": _("A household of another organisation cannot be linked.")})
    if any(source.organization_id != organization.pk for source in sources):
        raise ValidationError({"sources": _("A source of another organisation cannot be linked.")})
    with transaction.atomic(), acting(by or fields.get("interviewer")):
        testimony.save()
        for event, relation in events:
            if event.organization_id != organization.pk:
                raise ValidationError({"events": _("An event of another organisation cannot be linked.")})
            link = TestimonyEvent.objects.create(testimony=testimony, event=event, relation=relation)
            summary_tracking.link_touched(link, change="added")
        for purpose in consents:
            Consent.objects.create(
                testimony=testimony,
                purpose=purpose,
                given_on=testimony.recorded_on,
                recorded_by=fields.get("interviewer"),
            )
        if consents:  # records it makes shareable move for partners syncing
            touch_on_consent(testimony.pk)
        testimony.sources.set(sources)
        summary_tracking.testimony_touched(testimony)
    return testimony


@transaction.atomic
def testimony_update(*, testimony: Testimony, by=None, sources=None, **changes) -> Testimony:
    """Change ``testimony``. Made restricted, or moved off a household, it leaves partners' copies."""
    current = Testimony.objects.select_for_update().get(pk=testimony.pk)
    viewer = require_writer(by, current.organization_id)
    unknown = set(changes) - FIELDS
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in sorted(unknown)})
    changes = {name: value for name, value in changes.items() if getattr(current, name) != value}
    if not changes and sources is None:  # the values it holds: no save, no history, no summary refresh
        return current
    if viewer is not None and not viewer.sees_narrative_of(current):
        refused = sorted(set(changes) & set(NARRATIVE_GUARDED))
        if refused:
            message = _("You may not change this on a testimony whose narrative you cannot read.")
            raise ValidationError({name: message for name in refused})
    if "interviewer" in changes:
        _check_interviewer(viewer, changes["interviewer"])
    household = changes.get("household")
    if household is not None and household.organization_id != current.organization_id:
        raise ValidationError({"household": _("A household of another organisation cannot be linked.")})
    if sources is not None and any(source.organization_id != current.organization_id for source in sources):
        raise ValidationError({"sources": _("A source of another organisation cannot be linked.")})
    sensitivity_before, household_before = current.sensitivity, current.household_id
    if changes:
        summary_tracking.testimony_touched(current)  # the week it leaves
    for name, value in changes.items():
        setattr(current, name, value)
    current.full_clean()
    with acting(by):
        current.save()
        summary_tracking.testimony_touched(current)
        if "household" in changes:  # counted as another household by the events it speaks of
            summary_tracking.corroboration_touched(summary_tracking.events_of_testimony(current.pk))
        if sources is not None:
            current.sources.set(sources)
        testimony_unshare_check(
            testimony=current, sensitivity_before=sensitivity_before, household_before=household_before
        )
    if household_before != current.household_id:  # its consents count for another household now
        households_touched([household_before, current.household_id])
    return current


@transaction.atomic
def testimony_delete(*, testimony: Testimony, by=None) -> None:
    """Delete ``testimony`` with its event links and consents (a tombstone tells partners who
    received it); only someone who may read its narrative deletes it."""
    current = Testimony.objects.select_for_update().get(pk=testimony.pk)
    viewer = require_writer(by, current.organization_id)
    if viewer is not None and not viewer.sees_narrative_of(current):
        raise ValidationError(_("You may not change this on a testimony whose narrative you cannot read."))
    events = summary_tracking.events_of_testimony(current.pk)
    counting = Testimony.objects.filter(pk=current.pk).filter(consenting(ConsentPurpose.STATISTICS)).exists()
    with acting(by):
        record_delete(current)
    summary_tracking.testimony_touched(current)
    summary_tracking.corroboration_touched(events, now=CORROBORATED_AT - 1)
    if counting:  # its household's consent to statistics goes with it
        households_touched([current.household_id])


@transaction.atomic
def consent_record(*, testimony: Testimony, by=None, **fields) -> Consent:
    """Record a consent given for ``testimony``, by someone who may read what it covers."""
    viewer = require_writer(by, testimony.organization_id)
    if viewer is not None and not viewer.sees_narrative_of(testimony):
        raise ValidationError({"testimony": _("You may not record consents for a testimony you cannot read.")})
    consent = Consent(testimony=testimony, recorded_by=by, **fields)
    consent.full_clean()
    with acting(by):
        consent.save()
        touch_on_consent(testimony.pk)  # records it makes shareable move for partners syncing
    if consent.purpose == ConsentPurpose.STATISTICS:  # the household may now count outside
        households_touched([testimony.household_id])
    return consent


@transaction.atomic
def consent_update(*, consent: Consent, by=None, scope: str) -> Consent:
    """Change a consent's scope: what was agreed never moves to another testimony or purpose."""
    refuse_hidden_text(require_writer(by, consent.testimony.organization_id), consent, {"scope"})
    consent.scope = scope
    consent.full_clean()
    with acting(by):
        consent.save(update_fields=["scope", "updated_at"])
    return consent


@transaction.atomic
def consent_withdraw(*, consent: Consent, by, reason: str = "") -> Consent:
    """Withdraw a consent now. It stays on record, with who recorded the withdrawal and why.

    Every partner projection filters on active consents, so the record leaves them at once;
    partners' aggregates read the summary cells, refreshed for the household's weeks after
    commit. A withdrawn sharing consent also puts the record on the deletions feed, so that
    partners drop their copies.
    """
    if consent.withdrawn_at is not None:
        return consent
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = by
    consent.withdrawal_reason = reason
    with acting(by):
        consent.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason", "updated_at"])
        if consent.purpose == ConsentPurpose.SHARING:
            tombstone_sharing_withdrawn(testimony=consent.testimony)
    if consent.purpose == ConsentPurpose.STATISTICS:  # the household may leave partners' aggregates
        households_touched([consent.testimony.household_id])
    return consent


# --- the events a testimony speaks of ------------------------------------------------------


#: A link's copies of its event's columns, kept by the database (``TestimonyEvent.event_*``).
_LINK_COPIES = [field.name for field in TestimonyEvent._meta.fields if not field.editable]


def _linkable(testimony: Testimony, event) -> None:
    if event.organization_id != testimony.organization_id:
        raise ValidationError({"event": _("An event of another organisation cannot be linked.")})


@transaction.atomic
def testimony_event_link(*, testimony: Testimony, event, relation: str, by=None) -> TestimonyEvent:
    """Link ``testimony`` to an event of its organisation it speaks of."""
    require_writer(by, testimony.organization_id)
    _linkable(testimony, event)
    link = TestimonyEvent(testimony=testimony, event=event, relation=relation)
    link.full_clean(exclude=_LINK_COPIES)
    with acting(by):
        link.save()
    summary_tracking.link_touched(link, change="added")
    return link


@transaction.atomic
def testimony_event_update(*, link: TestimonyEvent, by=None, **changes) -> TestimonyEvent:
    """Change which event a link names, or how the witness knows of it."""
    current = TestimonyEvent.objects.select_for_update().select_related("testimony").get(pk=link.pk)
    require_writer(by, current.testimony.organization_id)
    unknown = set(changes) - {"event", "relation"}
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in sorted(unknown)})
    if "event" in changes:
        _linkable(current.testimony, changes["event"])
    changes = {name: value for name, value in changes.items() if getattr(current, name) != value}
    if changes:
        if "event" in changes:  # the event it leaves has one witness fewer
            summary_tracking.corroboration_touched([current.event_id])
        for name, value in changes.items():
            setattr(current, name, value)
        current.full_clean(exclude=_LINK_COPIES)
        with acting(by):
            current.save()
        summary_tracking.link_touched(current, change="moved")
    return current


@transaction.atomic
def testimony_event_unlink(*, link: TestimonyEvent, by=None) -> None:
    current = TestimonyEvent.objects.select_for_update().select_related("testimony").get(pk=link.pk)
    require_writer(by, current.testimony.organization_id)
    with acting(by):
        current.delete()
    summary_tracking.link_touched(current, change="removed")
