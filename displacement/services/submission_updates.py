"""A later version of a form submission, applied to what its earlier version made.

Through the record services (``testimony_update``, ``consent_record``, ``consent_withdraw``,
``event_update``) and in place for members, contact details and displacements, writing only what
differs: a version that changes nothing writes nothing. Members are never deleted by an import
(staff may have added them): those no longer in the submission are kept, and the report says so.
Contact details a caseworker changed since the import last wrote them are never overwritten by a
later version: they stay as corrected and the report flags the submission (without its values),
so a caseworker compares it with the form server's copy. A consent withdrawn here is never
recorded again by a later version's "yes" (only staff record a new one): the report flags it.
A version that changes nothing leaves the submission with the run that created or last changed
it, and with its ``updated_at``, which the contact details' guard reads.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from displacement import models as m
from displacement.importers.intake_mapping import CAUSED, SubmissionValues
from displacement.importers.submissions import replaced_versions, version_time
from displacement.models.vocab import ConsentPurpose
from displacement.services import summary_tracking
from displacement.services.deletions import record_delete
from displacement.services.events import event_update
from displacement.services.submission_writes import unsaved_displacement, unsaved_event
from displacement.services.testimonies import consent_record, consent_withdraw, testimony_update

STAFF_EDITED = (
    "Contact details were changed here since this submission was last imported: kept as changed here, "
    "not replaced by this version. Compare them with the submission on the form server."
)
#: What an unchanged version still updates on its FormSubmission: not its run, nor ``updated_at``.
VERSION_FIELDS = ["version_id", "digest", "submitted_at", "version_at", "replaced_versions",
                  "household", "household_created", "event", "displacements"]  # fmt: skip
WITHDRAWN_HERE = "Consent to {purpose} was withdrawn here on {date}; the submission's yes is not recorded again."


def submission_update(
    *, record: m.FormSubmission, submission, values: SubmissionValues, run, by, levels, digest: str
) -> bool:
    """Bring what ``record``'s earlier version made up to ``values``; True if anything changed.
    A rule broken on the way (a record's own service refuses) rolls this submission back."""
    with transaction.atomic():
        changed = _update(record, values, run, by, levels)
        record.replaced_versions = replaced_versions(submission, record.version_id, record.replaced_versions)
        record.version_id, record.digest = submission.version_id[:100], digest
        record.submitted_at, record.version_at = submission.submitted_at, version_time(submission)
        if changed:  # the run that last changed what it made, and when (the contact details' guard reads it)
            record.import_run = run
            record.save()
        else:  # the version is known now, but a run that changed nothing takes nothing over
            record.save(update_fields=VERSION_FIELDS)
    return changed


def _update(record, values: SubmissionValues, run, by, levels) -> bool:
    organization = record.organization
    testimony = m.Testimony.objects.filter(pk=record.testimony_id).first()
    if testimony is None:
        raise ValidationError("The testimony this submission made was deleted here; it is not made again.")
    changed = False
    household_id = values.household_id
    if household_id is None:  # a new household: the one this submission registered, if it did
        # (merged into another since, the testimony went with it: that one)
        registered = record.household_id or (testimony.household_id if record.household_created else None)
        if registered:
            changed |= _sync_household(registered, values, record, organization_id=organization.pk)
            household_id = registered
        else:
            household = m.Household.objects.create(
                organization=organization,
                registered_by_id=values.interviewer_id or getattr(by, "pk", None),
                current_place_id=values.current_place_id,
            )
            _sync_household(household.pk, values, record)
            household_id, record.household_created, changed = household.pk, True, True
    record.household_id = household_id
    event_id = values.event_id
    if values.new_event is not None:
        fields = unsaved_event(organization, run, by, values.new_event, levels)
        names = [
            "title",
            "category",
            "event_type",
            "sub_event_type",
            "weapon",
            "target",
            "start",
            "date_precision",
            "place_id",
            "geo_precision",
        ]
        if record.event_id and m.Event.objects.filter(pk=record.event_id).exists():
            event = m.Event.objects.get(pk=record.event_id)
            before = event.updated_at
            event_update(event=event, by=by, **{n: getattr(fields, n) for n in names})
            changed |= event.updated_at != before
        else:
            fields.save()
            summary_tracking.event_touched(fields)
            record.event_id, changed = fields.pk, True
        event_id = record.event_id
    before = testimony.updated_at
    testimony = testimony_update(
        testimony=testimony,
        by=by,
        recorded_on=values.recorded_on,
        interviewer=m.User.objects.filter(pk=values.interviewer_id).first(),
        language=values.language,
        witness_role=values.witness_role,
        household=m.Household.objects.get(pk=household_id),
        summary=values.summary,
        narrative=values.narrative,
        sensitivity=values.sensitivity,
    )
    changed |= testimony.updated_at != before
    changed |= _sync_links(testimony, event_id, values.relation)
    changed |= _sync_consents(testimony, values, by)
    changed |= _sync_displacements(record, household_id, values, event_id if values.relation == CAUSED else None)
    return changed


def _sync_household(household_id: int, values: SubmissionValues, record, organization_id=None) -> bool:
    """Members and contact details to ``values``. Contact details changed here since the import
    last wrote them (``record.contact_imported_at``; for rows from before it was kept, the row's
    last write) are kept as changed here and flagged."""
    changed = False
    people = list(m.Person.objects.filter(household_id=household_id).order_by("id"))
    for index, member in enumerate(values.members):
        wanted = {
            "relationship": member.relationship,
            "age_band": member.age_band,
            "sex": member.sex,
            "vulnerabilities": member.vulnerabilities,
        }
        if index < len(people):
            person = people[index]
            if any(getattr(person, k) != v for k, v in wanted.items()):
                for k, v in wanted.items():
                    setattr(person, k, v)
                person.full_clean()
                person.save()
                changed = True
        else:
            m.Person(household_id=household_id, **wanted).save()
            changed = True
    if changed and organization_id:  # its members are counted with its moves
        summary_tracking.household_touched(organization_id, household_id)
    if len(people) > len(values.members):  # never deleted by an import: staff may have added them
        surplus = len(people) - len(values.members)
        values.flags.append(("household/members", f"{surplus} member(s) not in this version were kept here."))
    contact = m.ContactDetails.objects.filter(household_id=household_id).first()
    wanted = {"full_name": values.contact.full_name, "phone": values.contact.phone, "address": values.contact.address}
    if contact is None and values.contact:
        m.ContactDetails.objects.create(household_id=household_id, **wanted)
        record.contact_imported_at, changed = timezone.now(), True
    elif contact is not None and contact.purged_at is None and any(getattr(contact, k) != v for k, v in wanted.items()):
        imported_at = record.contact_imported_at or record.updated_at
        if imported_at is not None and contact.updated_at > imported_at:  # changed here since: staff's word stands
            values.flags.append(("household/contact", STAFF_EDITED))
            return changed
        for k, v in wanted.items():
            setattr(contact, k, v)
        contact.save(update_fields=[*wanted, "updated_at"])
        record.contact_imported_at, changed = timezone.now(), True
    return changed


def _sync_links(testimony, event_id, relation) -> bool:
    links = list(m.TestimonyEvent.objects.filter(testimony=testimony))
    if [(link.event_id, link.relation) for link in links] == ([(event_id, relation)] if event_id else []):
        return False
    for link in links:
        link.delete()
        summary_tracking.link_touched(link, change="removed")
    if event_id:
        link = m.TestimonyEvent.objects.create(testimony=testimony, event_id=event_id, relation=relation)
        summary_tracking.link_touched(link, change="added")
    return True


def _sync_consents(testimony, values: SubmissionValues, by) -> bool:
    """A "yes" records a consent where none is active, unless one of that purpose was withdrawn
    here (by staff, or by a version that answered no): a withdrawal stands until staff record a new
    consent; the import only flags the submission. A "no" withdraws the active one."""
    changed = False
    consents = m.Consent.objects.filter(testimony=testimony).order_by("withdrawn_at")
    active, withdrawn = {}, {}
    for consent in consents:
        (active if consent.withdrawn_at is None else withdrawn)[consent.purpose] = consent  # the latest withdrawal
    for purpose, given in values.consents.items():
        if given and purpose not in active and purpose in withdrawn:
            when = timezone.localdate(withdrawn[purpose].withdrawn_at)
            values.flags.append((f"consent/{purpose}", WITHDRAWN_HERE.format(purpose=_purpose(purpose), date=when)))
        elif given and purpose not in active:
            consent_record(
                testimony=testimony, by=by, purpose=purpose, method=values.consent_method, given_on=values.recorded_on
            )
            changed = True
        elif not given and purpose in active:
            consent_withdraw(consent=active[purpose], by=by, reason="Answered no in a later version of the submission.")
            changed = True
    return changed


def _purpose(purpose: str) -> str:
    return str(ConsentPurpose(purpose).label).lower() if purpose in ConsentPurpose.values else purpose


def _sync_displacements(record, household_id, values: SubmissionValues, cause_id) -> bool:
    changed = False
    existing = {d.pk: d for d in m.Displacement.objects.filter(pk__in=record.displacements)}
    kept = [existing[pk] for pk in record.displacements if pk in existing]
    ids = []
    for index, move in enumerate(values.displacements):
        wanted = unsaved_displacement(record.organization, household_id, move, cause_id)
        if index < len(kept):
            current = kept[index]
            names = [
                "household_id",
                "origin_id",
                "destination_id",
                "left_on",
                "left_on_precision",
                "arrived_on",
                "shelter_type",
                "kind",
                "people_count",
                "cause_id",
            ]
            if any(getattr(current, n) != getattr(wanted, n) for n in names):
                summary_tracking.household_touched(current.organization_id, current.household_id)  # as it was
                for n in names:
                    setattr(current, n, getattr(wanted, n))
                current.full_clean()
                current.save()
                summary_tracking.household_touched(current.organization_id, current.household_id)
                changed = True
            ids.append(current.pk)
        else:
            wanted.full_clean()
            wanted.save()
            summary_tracking.household_touched(wanted.organization_id, wanted.household_id)
            ids.append(wanted.pk)
            changed = True
    for current in kept[len(values.displacements) :]:
        record_delete(current)
        summary_tracking.household_touched(current.organization_id, current.household_id, current.left_on)
        changed = True
    record.displacements = ids
    return changed
