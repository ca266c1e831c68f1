"""The writes of form submissions: new ones in bulk, later versions one by one.

``submissions_create`` writes the records of many new submissions at once (one multi-row INSERT
per table and batch, history triggers on, summaries refreshed after commit through
``bulk_created``); the values were validated by the mapper against the same rules the models
hold (vocabularies, date windows), and the database's CHECKs hold them again.
``submission_update`` applies a later version of one submission to what its earlier version
made, through the record services, writing only what changed.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from displacement import models as m
from displacement.importers.intake_mapping import CAUSED, EventValues, SubmissionValues
from displacement.models.vocab import GeoPrecision, Origin, VerificationStatus
from displacement.services.events import event_update
from displacement.services.testimonies import consent_record, consent_withdraw, testimony_update

#: Submissions written per batch of INSERTs.
BATCH = 2000


def _geo_precision(place_id: int, levels: dict[int, int]) -> int:
    return GeoPrecision.NEAR if levels.get(place_id) == 3 else GeoPrecision.REGION


def _event(organization, run, by, values: EventValues, levels: dict[int, int]) -> m.Event:
    return m.Event(
        organization=organization,
        title=values.title,
        category=values.category,
        event_type=values.event_type,
        sub_event_type=values.sub_event_type,
        weapon=values.weapon,
        target=values.target,
        start=values.start,
        date_precision=values.date_precision,
        place_id=values.place_id,
        geo_precision=_geo_precision(values.place_id, levels),
        origin=Origin.INTAKE,
        import_run=run,
        verification_status=VerificationStatus.REPORTED,
        created_by=by,
    )


def _displacement(organization, household_id, values, cause_id) -> m.Displacement:
    return m.Displacement(
        organization=organization,
        household_id=household_id,
        origin_id=values.origin_id,
        destination_id=values.destination_id,
        left_on=values.left_on,
        left_on_precision=values.left_on_precision,
        arrived_on=values.arrived_on,
        shelter_type=values.shelter_type,
        people_count=values.people_count,
        cause_id=cause_id,
    )


def submissions_create(
    *, organization, run, by, items: list, levels: dict[int, int], digests: dict[str, str]
) -> list[m.FormSubmission]:
    """``items``: ``(submission, values)`` of new submissions. Returns their FormSubmission rows
    (saved), whose ``testimony_id`` the attachments then hang on."""
    made = []
    for start in range(0, len(items), BATCH):
        made += _create_batch(organization, run, by, items[start : start + BATCH], levels, digests)
    return made


def _create_batch(organization, run, by, items, levels, digests) -> list[m.FormSubmission]:
    by_id = getattr(by, "pk", None)
    households = {}
    for index, (_, values) in enumerate(items):
        if values.household_id is None:
            households[index] = m.Household(
                organization=organization,
                registered_by_id=values.interviewer_id or by_id,
                current_place_id=values.current_place_id,
            )
    m.Household.objects.bulk_create(households.values())
    household_of = {i: households[i].pk if i in households else v.household_id for i, (_, v) in enumerate(items)}
    m.Person.objects.bulk_create(
        m.Person(
            household_id=household_of[i],
            relationship=p.relationship,
            age_band=p.age_band,
            sex=p.sex,
            vulnerabilities=p.vulnerabilities,
        )
        for i, (_, v) in enumerate(items)
        for p in v.members
    )
    m.ContactDetails.objects.bulk_create(
        m.ContactDetails(
            household_id=household_of[i],
            full_name=v.contact.full_name,
            phone=v.contact.phone,
            address=v.contact.address,
        )
        for i, (_, v) in enumerate(items)
        if i in households and v.contact
    )
    events = {i: _event(organization, run, by, v.new_event, levels) for i, (_, v) in enumerate(items) if v.new_event}
    m.Event.objects.bulk_create(events.values())
    event_of = {i: events[i].pk if i in events else v.event_id for i, (_, v) in enumerate(items)}
    testimonies = [
        m.Testimony(
            organization=organization,
            recorded_on=v.recorded_on,
            interviewer_id=v.interviewer_id,
            language=v.language,
            witness_role=v.witness_role,
            household_id=household_of[i],
            summary=v.summary,
            narrative=v.narrative,
            sensitivity=v.sensitivity,
        )
        for i, (_, v) in enumerate(items)
    ]
    m.Testimony.objects.bulk_create(testimonies)
    m.Consent.objects.bulk_create(
        m.Consent(
            testimony_id=testimonies[i].pk,
            purpose=purpose,
            method=v.consent_method,
            given_on=v.recorded_on,
            recorded_by_id=v.interviewer_id,
        )
        for i, (_, v) in enumerate(items)
        for purpose, given in v.consents.items()
        if given
    )
    m.TestimonyEvent.objects.bulk_create(
        m.TestimonyEvent(testimony_id=testimonies[i].pk, event_id=event_of[i], relation=v.relation)
        for i, (_, v) in enumerate(items)
        if event_of[i]
    )
    moves = [
        (i, _displacement(organization, household_of[i], d, event_of[i] if v.relation == CAUSED else None))
        for i, (_, v) in enumerate(items)
        for d in v.displacements
    ]
    m.Displacement.objects.bulk_create(d for _, d in moves)
    displacements: dict[int, list[int]] = {}
    for i, d in moves:
        displacements.setdefault(i, []).append(d.pk)
    rows = [
        m.FormSubmission(
            organization=organization,
            platform=s.platform,
            stable_id=s.stable_id,
            version_id=s.version_id[:100],
            digest=digests[s.stable_id],
            submitted_at=s.submitted_at,
            household_id=household_of[i],
            household_created=i in households,
            testimony_id=testimonies[i].pk,
            event_id=events[i].pk if i in events else None,
            displacements=displacements.get(i, []),
            import_run=run,
        )
        for i, (s, _) in enumerate(items)
    ]
    m.FormSubmission.objects.bulk_create(rows)
    return rows


def submission_update(
    *, record: m.FormSubmission, submission, values: SubmissionValues, run, by, levels, digest: str
) -> bool:
    """Bring what ``record``'s earlier version made up to ``values``; True if anything changed.
    A rule broken on the way (a record's own service refuses) rolls this submission back."""
    with transaction.atomic():
        changed = _update(record, values, run, by, levels)
        record.version_id, record.digest, record.import_run = submission.version_id[:100], digest, run
        record.submitted_at = submission.submitted_at
        record.save()
    return changed


def _update(record, values: SubmissionValues, run, by, levels) -> bool:
    organization = record.organization
    changed = False
    household_id = values.household_id
    if household_id is None:  # a new household: the one this submission registered, if it did
        if record.household_created and record.household_id:
            changed |= _sync_household(record.household_id, values)
            household_id = record.household_id
        else:
            household = m.Household.objects.create(
                organization=organization,
                registered_by_id=values.interviewer_id or getattr(by, "pk", None),
                current_place_id=values.current_place_id,
            )
            _sync_household(household.pk, values)
            household_id, record.household_created, changed = household.pk, True, True
    record.household_id = household_id
    event_id = values.event_id
    if values.new_event is not None:
        fields = _event(organization, run, by, values.new_event, levels)
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
            record.event_id, changed = fields.pk, True
        event_id = record.event_id
    testimony = m.Testimony.objects.filter(pk=record.testimony_id).first()
    if testimony is None:
        raise ValidationError("The testimony this submission made was deleted here; not made again.")
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


def _sync_household(household_id: int, values: SubmissionValues) -> bool:
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
    for person in people[len(values.members) :]:
        person.delete()
        changed = True
    contact = m.ContactDetails.objects.filter(household_id=household_id).first()
    wanted = {"full_name": values.contact.full_name, "phone": values.contact.phone, "address": values.contact.address}
    if contact is None and values.contact:
        m.ContactDetails.objects.create(household_id=household_id, **wanted)
        changed = True
    elif contact is not None and contact.purged_at is None and any(getattr(contact, k) != v for k, v in wanted.items()):
        for k, v in wanted.items():
            setattr(contact, k, v)
        contact.save(update_fields=[*wanted, "updated_at"])
        changed = True
    return changed


def _sync_links(testimony, event_id, relation) -> bool:
    links = list(m.TestimonyEvent.objects.filter(testimony=testimony))
    if [(link.event_id, link.relation) for link in links] == ([(event_id, relation)] if event_id else []):
        return False
    for link in links:
        link.delete()
    if event_id:
        m.TestimonyEvent.objects.create(testimony=testimony, event_id=event_id, relation=relation)
    return True


def _sync_consents(testimony, values: SubmissionValues, by) -> bool:
    changed = False
    active = {c.purpose: c for c in m.Consent.objects.filter(testimony=testimony, withdrawn_at__isnull=True)}
    for purpose, given in values.consents.items():
        if given and purpose not in active:
            consent_record(
                testimony=testimony, by=by, purpose=purpose, method=values.consent_method, given_on=values.recorded_on
            )
            changed = True
        elif not given and purpose in active:
            consent_withdraw(consent=active[purpose], by=by, reason="Answered no in a later version of the submission.")
            changed = True
    return changed


def _sync_displacements(record, household_id, values: SubmissionValues, cause_id) -> bool:
    changed = False
    existing = {d.pk: d for d in m.Displacement.objects.filter(pk__in=record.displacements)}
    kept = [existing[pk] for pk in record.displacements if pk in existing]
    ids = []
    for index, move in enumerate(values.displacements):
        wanted = _displacement(record.organization, household_id, move, cause_id)
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
                "people_count",
                "cause_id",
            ]
            if any(getattr(current, n) != getattr(wanted, n) for n in names):
                for n in names:
                    setattr(current, n, getattr(wanted, n))
                current.full_clean()
                current.save()
                changed = True
            ids.append(current.pk)
        else:
            wanted.full_clean()
            wanted.save()
            ids.append(wanted.pk)
            changed = True
    for current in kept[len(values.displacements) :]:
        current.delete()
        changed = True
    record.displacements = ids
    return changed
