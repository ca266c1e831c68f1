"""The writes of new form submissions, in bulk (later versions: ``submission_updates``).

``submissions_create`` writes the records of many new submissions at once: one COPY per table
and batch (``bulk_copy``), history triggers on, the weeks they fall in refreshed after commit
(``summary_tracking.touch``). The values were validated by the mapper against the same rules the
models hold (vocabularies, date windows), and the database's CHECKs hold them again.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import islice

from django.db import connection
from django.utils import timezone

from displacement import models as m
from displacement.importers.intake_mapping import CAUSED, EventValues
from displacement.importers.submissions import replaced_versions, version_time
from displacement.models.households import new_codes
from displacement.models.vocab import GeoPrecision, Origin, VerificationStatus
from displacement.selectors.intake import any_of
from displacement.services import summary_tracking
from displacement.services.bulk_copy import copy_rows, take_ids

#: Submissions written per batch of COPYs; the first batch is smaller, its tables analysed after it.
BATCH = 2000
FIRST_BATCH = 500


def _fresh_codes(model, prefix: str, count: int, length: int = 7) -> list[str]:
    """``count`` codes no row of ``model`` has and none twice: 7 random letters of 32 collide
    by chance within a few hundred thousand people (the birthday bound), so each is checked."""
    codes = new_codes(prefix, count, length)
    while True:
        taken = set(model.objects.filter(any_of("code", codes)).values_list("code", flat=True))
        seen, again = set(), []
        for index, code in enumerate(codes):
            if code in taken or code in seen:
                again.append(index)
            seen.add(code)
        if not again:
            return codes
        for index, code in zip(again, new_codes(prefix, len(again), length), strict=True):
            codes[index] = code


def _geo_precision(place_id: int, levels: dict[int, int]) -> int:
    return GeoPrecision.NEAR if levels.get(place_id) == 3 else GeoPrecision.REGION


def unsaved_event(organization, run, by, values: EventValues, levels: dict[int, int]) -> m.Event:
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


def unsaved_displacement(organization, household_id, values, cause_id) -> m.Displacement:
    return m.Displacement(
        organization=organization,
        household_id=household_id,
        origin_id=values.origin_id,
        destination_id=values.destination_id,
        left_on=values.left_on,
        left_on_precision=values.left_on_precision,
        arrived_on=values.arrived_on,
        shelter_type=values.shelter_type,
        kind=values.kind,
        people_count=values.people_count,
        cause_id=cause_id,
    )


def submissions_create(
    *, organization, run, by, items: Iterable, levels: dict[int, int], digests: dict[str, str]
) -> list[m.FormSubmission]:
    """``items``: ``(submission, values)`` of new submissions, any iterable (taken a batch at a
    time, so that a generator's next items are made while a batch is written). Returns their
    FormSubmission rows (saved), whose ``testimony_id`` the attachments then hang on."""
    made, items = [], iter(items)
    batch = list(islice(items, FIRST_BATCH))
    while batch:
        made += _create_batch(organization, run, by, batch, levels, digests)
        analyze = len(made) == FIRST_BATCH  # the first batch, full
        batch = list(islice(items, BATCH))
        if analyze and batch:
            _analyze()
    return made


def _analyze() -> None:
    """Fresh statistics for the tables the triggers read, once the first batch is in.

    The testimony's trigger that keeps ``sharing_consent`` looks up the testimony's consents with
    a plan made from the table's statistics; planned while the table was (nearly) empty it walks
    every consent of the purpose instead of the testimony's few, for each testimony: a file of
    50,000 submissions went quadratic (2,000 sharing consents took 18 s, 1.6 s after ANALYZE).
    ANALYZE counts this transaction's own rows, and new statistics make the triggers plan again."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE displacement_consent, displacement_testimony, displacement_testimonyevent")


def _event_row(organization, run, by, values: EventValues, levels: dict[int, int]) -> dict:
    return {
        "organization_id": organization.pk,
        "title": values.title,
        "category": values.category,
        "event_type": values.event_type,
        "sub_event_type": values.sub_event_type,
        "weapon": values.weapon,
        "target": values.target,
        "start": values.start,
        "date_precision": values.date_precision,
        "place_id": values.place_id,
        "geo_precision": _geo_precision(values.place_id, levels),
        "origin": Origin.INTAKE,
        "import_run_id": run.pk,
        "verification_status": VerificationStatus.REPORTED,
        "created_by_id": getattr(by, "pk", None),
    }


def _create_batch(organization, run, by, items, levels, digests) -> list[m.FormSubmission]:
    """One COPY per table for ``items``, each table's ids known before the next is written."""
    org, by_id = organization.pk, getattr(by, "pk", None)
    new = [i for i, (_, v) in enumerate(items) if v.household_id is None]
    made = copy_rows(
        m.Household,
        [
            {"organization_id": org, "registered_by_id": items[i][1].interviewer_id or by_id,
             "current_place_id": items[i][1].current_place_id, "code": code}
            for i, code in zip(new, _fresh_codes(m.Household, "HH-", len(new)), strict=True)
        ],
    )  # fmt: skip
    household_of = dict(zip(new, made, strict=True))
    household_of.update({i: v.household_id for i, (_, v) in enumerate(items) if v.household_id is not None})
    people = [(i, p) for i, (_, v) in enumerate(items) for p in v.members]
    copy_rows(
        m.Person,
        [
            {"household_id": household_of[i], "relationship": p.relationship, "age_band": p.age_band, "sex": p.sex,
             "vulnerabilities": p.vulnerabilities, "code": code}
            for (i, p), code in zip(people, _fresh_codes(m.Person, "P-", len(people)), strict=True)
        ],
    )  # fmt: skip
    copy_rows(
        m.ContactDetails,
        [
            {"household_id": household_of[i], "full_name": items[i][1].contact.full_name,
             "phone": items[i][1].contact.phone, "address": items[i][1].contact.address}
            for i in new
            if items[i][1].contact
        ],
    )  # fmt: skip
    with_event = [i for i, (_, v) in enumerate(items) if v.new_event]
    events = dict(
        zip(
            with_event,
            copy_rows(m.Event, [_event_row(organization, run, by, items[i][1].new_event, levels) for i in with_event]),
            strict=True,
        )
    )
    event_of = {i: events.get(i, v.event_id) for i, (_, v) in enumerate(items)}
    # The consents before their testimonies (the foreign key is checked at commit): each testimony's
    # trigger then finds its sharing consent as it is inserted, instead of the consents' trigger
    # updating every consenting testimony again (a second row version, its search vectors, history).
    testimonies = take_ids(m.Testimony, len(items))
    copy_rows(
        m.Consent,
        [
            {"testimony_id": testimonies[i], "purpose": purpose, "method": v.consent_method,
             "given_on": v.recorded_on, "recorded_by_id": v.interviewer_id}
            for i, (_, v) in enumerate(items)
            for purpose, given in v.consents.items()
            if given
        ],
    )  # fmt: skip
    copy_rows(
        m.Testimony,
        [
            {"organization_id": org, "recorded_on": v.recorded_on, "interviewer_id": v.interviewer_id,
             "language": v.language, "witness_role": v.witness_role, "household_id": household_of[i],
             "summary": v.summary, "narrative": v.narrative, "sensitivity": v.sensitivity, "code": code}
            for (i, (_, v)), code in zip(enumerate(items), _fresh_codes(m.Testimony, "T-", len(items), 8), strict=True)
        ],
        testimonies,
    )  # fmt: skip
    copy_rows(
        m.TestimonyEvent,
        [
            {"testimony_id": testimonies[i], "event_id": event_of[i], "relation": v.relation}
            for i, (_, v) in enumerate(items)
            if event_of[i]
        ],
    )
    moves = [(i, d) for i, (_, v) in enumerate(items) for d in v.displacements]
    move_ids = copy_rows(
        m.Displacement,
        [
            {"organization_id": org, "household_id": household_of[i], "origin_id": d.origin_id,
             "destination_id": d.destination_id, "left_on": d.left_on, "left_on_precision": d.left_on_precision,
             "arrived_on": d.arrived_on, "shelter_type": d.shelter_type, "people_count": d.people_count, "kind": d.kind,
             "cause_id": event_of[i] if items[i][1].relation == CAUSED else None}
            for i, d in moves
        ],
    )  # fmt: skip
    displacements: dict[int, list[int]] = {}
    for (i, _), pk in zip(moves, move_ids, strict=True):
        displacements.setdefault(i, []).append(pk)
    contacts, written = {i for i in new if items[i][1].contact}, timezone.now()  # after their COPY
    rows = [
        {"organization_id": org, "platform": s.platform, "stable_id": s.stable_id, "version_id": s.version_id[:100],
         "digest": digests[s.stable_id], "submitted_at": s.submitted_at, "version_at": version_time(s),
         "replaced_versions": replaced_versions(s), "household_id": household_of[i],
         "contact_imported_at": written if i in contacts else None,
         "household_created": items[i][1].household_id is None,
         "testimony_id": testimonies[i], "event_id": events.get(i), "displacements": displacements.get(i, []),
         "import_run_id": run.pk}
        for i, (s, _) in enumerate(items)
    ]  # fmt: skip
    ids = copy_rows(m.FormSubmission, rows)
    _touch_summaries(org, items, events)
    return [m.FormSubmission(pk=pk, **row) for pk, row in zip(ids, rows, strict=True)]


def _touch_summaries(organization_id: int, items, events: dict) -> None:
    """The weeks the new records fall in, refreshed after commit like any other write's."""
    summary_tracking.touch(organization_id, *{v.recorded_on for _, v in items}, parts=["testimonies"])
    summary_tracking.touch(
        organization_id, *{d.left_on for _, v in items for d in v.displacements}, parts=["displacements"]
    )
    if events:
        summary_tracking.touch(organization_id, *{items[i][1].new_event.start for i in events})
