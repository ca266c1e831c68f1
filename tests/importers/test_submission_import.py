"""Importing intake-form submissions: what a submission becomes, upserts, bad input, withheld ones."""

import copy
import json

import pytest
from django.apps import apps
from django.db import connection

from displacement.models import (
    Consent,
    ContactDetails,
    Displacement,
    Event,
    FormSubmission,
    Household,
    ImportKind,
    ImportStatus,
    Person,
    ReportLevel,
    Testimony,
    TestimonyEvent,
)
from displacement.models.vocab import Origin, VerificationStatus
from tests.factories import EventFactory, HouseholdFactory
from tests.importers.conftest import run_import
from tests.importers.submission_fixtures import NEW_HOUSEHOLD, fixture_json

pytestmark = pytest.mark.django_db


def write(tmp_path, document, name="submissions.json"):
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def kobo_page():
    return fixture_json("kobo_data.json")


def first_only(document):
    document = copy.deepcopy(document)
    document["results"] = document["results"][:1]
    document["count"] = 1
    return document


def history_rows(model) -> int:
    return apps.get_model("displacement", f"{model.__name__}History").objects.count()


def lines(run, level=None):
    rows = run.report_rows.all()
    return [(r.row_number, r.field, r.message) for r in rows if level is None or r.level == level]


def test_a_submission_becomes_household_people_contact_displacements_testimony_consents_event(ngo, tmp_path):
    run = run_import(ngo, write(tmp_path, first_only(kobo_page())))
    assert run.status == ImportStatus.DONE, run.error
    assert run.kind == ImportKind.KOBO_JSON
    assert (run.created, run.rejected) == (1, 0)
    record = FormSubmission.objects.get(organization=ngo, stable_id=NEW_HOUSEHOLD)
    household = record.household
    assert record.household_created and household.organization == ngo
    assert sorted(Person.objects.filter(household=household).values_list("age_band", "sex", "relationship")) == [
        ("18-59", "female", "head"),
        ("5-11", "male", "child"),
    ]
    contact = ContactDetails.objects.get(household=household)
    assert (contact.full_name, contact.phone) == ("Fakeperson Testova", "+380 00 000 0001")
    move = Displacement.objects.get(household=household)
    assert (move.origin.pcode, move.destination.pcode, str(move.left_on)) == ("UA1416021", "UA1202001", "2026-08-14")
    assert household.current_place.pcode == "UA1202001"
    testimony = record.testimony
    assert (testimony.household, testimony.sensitivity, str(testimony.recorded_on)) == (
        household,
        "restricted",
        "2026-11-30",
    )
    assert sorted(Consent.objects.filter(testimony=testimony).values_list("purpose", "given_on")) == [
        ("case_work", testimony.recorded_on),
        ("statistics", testimony.recorded_on),
    ]
    event = record.event
    assert (event.origin, event.verification_status, event.sub_event_type) == (
        Origin.INTAKE,
        VerificationStatus.REPORTED,
        "air_drone_strike",
    )
    assert event.description == ""  # the narrative never becomes an event's text
    assert TestimonyEvent.objects.get(testimony=testimony).event == event
    assert move.cause == event  # "caused my displacement"


def test_the_same_file_again_changes_nothing_and_writes_no_history(ngo, tmp_path):
    path = write(tmp_path, first_only(kobo_page()))
    run_import(ngo, path)
    histories = [history_rows(model) for model in (Household, Person, ContactDetails, Testimony, Consent, Displacement)]
    assert all(histories)
    again = run_import(ngo, path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    assert [history_rows(m) for m in (Household, Person, ContactDetails, Testimony, Consent, Displacement)] == histories


def test_the_same_submissions_in_another_shape_change_nothing_and_write_no_history(ngo):
    """The CSV export of what is then imported as JSON: other digests, the same answers."""
    models = (Household, Person, ContactDetails, Testimony, Consent, Displacement, Event)
    run_import(ngo, "kobo_export.csv")
    histories = [history_rows(model) for model in models]
    again = run_import(ngo, "kobo_data.json")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1), lines(again)
    assert [history_rows(model) for model in models] == histories


def test_a_later_version_updates_what_the_first_made(ngo, tmp_path):
    run_import(ngo, write(tmp_path, first_only(kobo_page())))
    record = FormSubmission.objects.get(stable_id=NEW_HOUSEHOLD)
    later = first_only(kobo_page())
    item = later["results"][0]
    item["meta/rootUuid"] = NEW_HOUSEHOLD
    item["meta/deprecatedID"] = NEW_HOUSEHOLD
    item["meta/instanceID"] = "uuid:6a1f0c8e-0000-4000-8000-0000000000ff"
    item["account/summary"] = "Invented test summary, corrected."
    item["consent/sharing_with_partners"] = "yes"
    item["consent/statistics"] = "no"
    item["household/members"].append({"household/members/relationship": "parent", "household/members/sex": "male"})
    run = run_import(ngo, write(tmp_path, later, "later.json"))
    assert (run.created, run.updated, run.rejected) == (0, 1, 0), lines(run)
    record.refresh_from_db()
    assert record.version_id.endswith("0ff")
    assert Testimony.objects.count() == 1 and Household.objects.count() == 1
    testimony = Testimony.objects.get()
    assert testimony.summary == "Invented test summary, corrected."
    active = Consent.objects.filter(testimony=testimony, withdrawn_at__isnull=True)
    assert set(active.values_list("purpose", flat=True)) == {"case_work", "sharing_with_partners"}
    assert Consent.objects.filter(purpose="statistics", withdrawn_at__isnull=False).count() == 1
    assert Person.objects.filter(household=record.household).count() == 3


def test_bad_submissions_are_rejected_with_their_reason_and_the_rest_imports(ngo, other_ngo, tmp_path):
    page = kobo_page()
    good = page["results"][0]
    missing = copy.deepcopy(good) | {"_uuid": "aa-1", "meta/instanceID": "uuid:aa-1"}
    del missing["account/summary"]
    unknown_pcode = copy.deepcopy(good) | {"_uuid": "aa-2", "meta/instanceID": "uuid:aa-2"}
    unknown_pcode["displacements"][0]["displacements/origin_hromada"] = "UA9999999"
    unknown_choice = copy.deepcopy(good) | {"_uuid": "aa-3", "meta/instanceID": "uuid:aa-3", "interview/language": "xx"}
    future = copy.deepcopy(good) | {"_uuid": "aa-4", "meta/instanceID": "uuid:aa-4"}
    future["interview/recorded_on"] = "2999-01-01"
    foreign = HouseholdFactory(organization=other_ngo)
    other_household = copy.deepcopy(page["results"][1]) | {
        "_uuid": "aa-5",
        "meta/instanceID": "uuid:aa-5",
        "_validation_status": {},
        "household/household_code": foreign.code,
    }
    for key in ("meta/rootUuid", "meta/deprecatedID"):
        other_household.pop(key, None)
    page["results"] = [good, missing, unknown_pcode, unknown_choice, future, other_household]
    run = run_import(ngo, write(tmp_path, page))
    assert (run.created, run.rejected) == (1, 5), lines(run)
    rejected = {}
    for row, field, message in lines(run, ReportLevel.REJECTED):
        rejected.setdefault(row, (field, message))
    assert rejected[2][0] == "account/summary" and "required" in rejected[2][1]
    assert "UA9999999" in rejected[3][1]
    assert rejected[4][0] == "interview/language"
    assert rejected[5][0] == "interview/recorded_on" and "future" in rejected[5][1]
    assert rejected[6] == ("household/household_code", f"{foreign.code} is not a household of this organisation.")
    assert Testimony.objects.count() == 1
    assert not Testimony.objects.filter(household=foreign).exists()


def test_a_household_code_of_another_shape_is_rejected_saying_what_a_code_looks_like(ngo, tmp_path):
    page = kobo_page()
    typed = copy.deepcopy(page["results"][1]) | {"_validation_status": {}, "household/household_code": "HH-DEMO0001"}
    for key in ("meta/rootUuid", "meta/deprecatedID"):
        typed.pop(key, None)
    page["results"] = [typed]
    run = run_import(ngo, write(tmp_path, page))
    assert run.rejected == 1
    rejected = [text for _, field, text in lines(run, ReportLevel.REJECTED) if field == "household/household_code"]
    (message,) = rejected
    # What the form asks for, in the form's own words; never the answer (it may be a name).
    assert message == "The answer does not have the form this question asks for. A code looks like HH-7KQ2M9X."


def test_a_rejected_or_deleted_submission_is_not_imported_and_one_imported_before_is_kept(ngo, tmp_path):
    page = kobo_page()
    run = run_import(ngo, write(tmp_path, page))
    # The second interview names a household code the organisation does not have; give it one.
    assert (run.created, run.rejected) == (1, 1)
    assert [m for _, _, m in lines(run, ReportLevel.IGNORED)] == ["Not imported: rejected by a reviewer."]
    page["results"][0]["_validation_status"] = {"uid": "validation_status_not_approved", "label": "Not approved"}
    again = run_import(ngo, write(tmp_path, page, "again.json"))
    assert (again.unchanged, again.flagged) == (2 - 1, 1)
    assert "were kept" in lines(again, ReportLevel.FLAGGED)[0][2]
    assert Testimony.objects.count() == 1


def test_odk_deleted_submission_is_not_imported(ngo, tmp_path):
    document = fixture_json("odk_submissions_expanded.json")
    HouseholdFactory(organization=ngo, code="HH-3MNP4QR")
    run = run_import(ngo, write(tmp_path, document, "odk.json"))
    assert run.kind == ImportKind.ODK_ODATA
    ignored = lines(run, ReportLevel.IGNORED)
    assert (3, "submission", "Not imported: deleted on the server.") in ignored


def test_an_edit_whose_original_was_never_imported_is_imported_as_new_and_flagged(ngo, tmp_path):
    page = kobo_page()
    edited = page["results"][1]
    edited["_validation_status"] = {}
    HouseholdFactory(organization=ngo, code="HH-7KQ2M9X")
    EventFactory(organization=ngo, external_id="UKR12345")
    page["results"] = [edited]
    run = run_import(ngo, write(tmp_path, page))
    assert run.created == 1 and run.flagged == 1
    assert any("never imported" in m for _, _, m in lines(run, ReportLevel.FLAGGED))
    assert TestimonyEvent.objects.get().event.external_id == "UKR12345"


def test_a_file_of_another_form_is_refused_whole(ngo, tmp_path):
    page = kobo_page()
    page["results"][1]["intake_form"] = "some_other_form 3"
    run = run_import(ngo, write(tmp_path, page))
    assert run.status == ImportStatus.FAILED and "some_other_form 3" in run.error
    assert not Testimony.objects.exists() and not Event.objects.exists()


def test_a_dry_run_writes_nothing_but_reports(ngo, tmp_path):
    run = run_import(ngo, write(tmp_path, kobo_page()), dry_run=True)
    assert (run.status, run.created, run.rejected) == (ImportStatus.DONE, 1, 1)
    assert not Testimony.objects.exists() and not FormSubmission.objects.exists()


def _later(document, instance="uuid:6a1f0c8e-0000-4000-8000-0000000000ff"):
    later = copy.deepcopy(document)
    item = later["results"][0]
    item |= {"meta/rootUuid": NEW_HOUSEHOLD, "meta/deprecatedID": NEW_HOUSEHOLD, "meta/instanceID": instance}
    return later, item


def test_a_later_version_moves_the_event_and_the_displacements_and_keeps_members_staff_added(ngo, tmp_path):
    first = first_only(kobo_page())
    run_import(ngo, write(tmp_path, first))
    record = FormSubmission.objects.get(stable_id=NEW_HOUSEHOLD)
    Person.objects.create(household=record.household, age_band="60+", sex="female", relationship="parent")
    known = EventFactory(organization=ngo, external_id="UKR777")
    later, item = _later(first)
    item |= {"event/event_status": "known", "event/event_reference": "UKR777", "event/relation": "witnessed"}
    move = dict(item["displacements"][0])
    move["displacements/left_on"], move["displacements/arrived_on"] = "2026-09-01", "2026-09-02"
    item["displacements"].append(move)
    run = run_import(ngo, write(tmp_path, later, "later.json"))
    assert (run.updated, run.rejected) == (1, 0), lines(run)
    assert TestimonyEvent.objects.get(testimony=record.testimony).event == known
    record.refresh_from_db()
    assert len(record.displacements) == 2 == Displacement.objects.filter(household=record.household).count()
    assert Person.objects.filter(household=record.household).count() == 3  # kept, and said so
    assert any("kept here" in m for _, _, m in lines(run, ReportLevel.FLAGGED))
    assert Event.objects.filter(origin=Origin.INTAKE).count() == 1  # the first version's event stays


def test_a_later_version_made_restricted_leaves_partners(ngo, tmp_path):
    first = first_only(kobo_page())
    first["results"][0] |= {"account/sensitivity": "public", "consent/sharing_with_partners": "yes"}
    run_import(ngo, write(tmp_path, first))
    testimony = FormSubmission.objects.get().testimony
    assert testimony.sharing_consent
    later, item = _later(first)
    item["account/sensitivity"] = "restricted"
    run = run_import(ngo, write(tmp_path, later, "later.json"))
    assert run.updated == 1
    testimony.refresh_from_db()
    assert testimony.sensitivity == "restricted"
    from displacement.models import Tombstone

    assert Tombstone.objects.filter(record_kind="testimonies", record_id=testimony.pk).exists()


def test_a_later_version_of_a_testimony_deleted_here_is_rejected_and_nothing_made_again(ngo, tmp_path):
    first = first_only(kobo_page())
    run_import(ngo, write(tmp_path, first))
    FormSubmission.objects.get().testimony.delete()
    later, item = _later(first)
    item["account/summary"] = "Invented, changed."
    run = run_import(ngo, write(tmp_path, later, "later.json"))
    assert (run.updated, run.rejected) == (0, 1)
    assert "deleted here" in lines(run, ReportLevel.REJECTED)[0][2]
    assert not Testimony.objects.exists()


def test_the_entry_point_for_the_live_pull_writes_its_report_on_the_run(ngo):
    from django.db import transaction

    from displacement.importers.submission_files import read_submissions
    from displacement.models import ImportRun
    from displacement.services.submission_import import submissions_import

    submissions = read_submissions(json.dumps(kobo_page()).encode())
    run = ImportRun.objects.create(organization=ngo, file_name="pull", size=0, sha256="0" * 64)
    with transaction.atomic():
        counts = submissions_import(organization=ngo, run=run, submissions=submissions)
    assert (counts.created, counts.rejected) == (1, 1)
    assert run.report_rows.get(level=ReportLevel.IGNORED).external_id == "uuid:6a1f0c8e-0000-4000-8000-00000000000b"


def test_codes_made_in_bulk_have_the_shape_the_form_asks_for():
    import re

    from displacement.importers.intake_questions import HOUSEHOLD_CODE
    from displacement.models.households import new_codes

    pattern = re.match(r"^regex\(\., '(.*)'\)$", HOUSEHOLD_CODE)[1]
    codes = new_codes("HH-", 2000)
    assert all(re.fullmatch(pattern, code) for code in codes)
    assert len(set(codes)) == 2000
    assert {len(code) for code in new_codes("T-", 10, 8)} == {10}


def test_a_code_already_taken_or_drawn_twice_is_drawn_again(ngo, tmp_path, monkeypatch):
    from displacement.models.households import new_codes
    from displacement.services import submission_writes

    taken = HouseholdFactory(organization=ngo)
    Person.objects.create(household=taken, code="P-2222222", age_band="18-59", sex="male")
    draws = []

    def unlucky(prefix, count, length=7):
        draws.append(prefix)
        if prefix == "P-" and draws.count("P-") == 1:
            return ["P-2222222"] * count  # taken, and twice in the batch
        return new_codes(prefix, count, length)

    monkeypatch.setattr(submission_writes, "new_codes", unlucky)
    run = run_import(ngo, write(tmp_path, first_only(kobo_page())))
    assert run.created == 1
    codes = list(Person.objects.exclude(household=taken).values_list("code", flat=True))
    assert len(codes) == 2 and len(set(codes)) == 2 and "P-2222222" not in codes
    assert draws.count("P-") == 2


def test_imported_submissions_are_counted_in_the_summaries_as_a_rebuild_counts_them(
    ngo, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    from displacement.models import FlowSummary, WeeklySummary
    from displacement.services.summaries import summaries_rebuild
    from displacement.tasks.summaries import summaries_refresh_task

    monkeypatch.setattr(
        summaries_refresh_task,
        "apply_async",
        lambda args, kwargs, **options: summaries_refresh_task.run(*args, **kwargs),
    )
    page = kobo_page()
    page["results"][0]["consent/statistics"] = "yes"
    with django_capture_on_commit_callbacks(execute=True):
        run_import(ngo, write(tmp_path, page))

    def summaries():
        return (
            sorted(WeeklySummary.objects.values_list("week", "adm1", "testimonies", "events", "households_displaced")),
            sorted(FlowSummary.objects.values_list("week", "origin_adm1", "destination_adm1", "households")),
        )

    refreshed = summaries()
    assert any(row[2] for row in refreshed[0]) and any(row[4] for row in refreshed[0])
    summaries_rebuild(organization_id=ngo.pk)
    assert summaries() == refreshed


def test_many_batches_write_the_same_as_one(ngo, tmp_path, monkeypatch):
    from displacement.services import submission_writes

    monkeypatch.setattr(submission_writes, "FIRST_BATCH", 1)
    monkeypatch.setattr(submission_writes, "BATCH", 2)
    page = kobo_page()
    first = page["results"][0]
    page["results"] = [copy.deepcopy(first) | {"_uuid": f"cc-{n}", "meta/instanceID": f"uuid:cc-{n}"} for n in range(4)]
    run = run_import(ngo, write(tmp_path, page))
    assert run.created == 4
    records = FormSubmission.objects.all()
    assert len({r.household_id for r in records}) == len({r.testimony_id for r in records}) == 4
    assert Person.objects.count() == 8 and Consent.objects.count() == 8 and Displacement.objects.count() == 4


def test_a_consenting_testimony_is_written_once_with_its_sharing_consent(ngo, tmp_path):
    first = first_only(kobo_page())
    first["results"][0] |= {"account/sensitivity": "public", "consent/sharing_with_partners": "yes"}
    updated = "SELECT n_tup_upd FROM pg_stat_xact_user_tables WHERE relname = 'displacement_testimony'"
    with connection.cursor() as cursor:
        cursor.execute(updated)
        before = cursor.fetchone()[0]
        run = run_import(ngo, write(tmp_path, first))
        cursor.execute(updated)
        after = cursor.fetchone()[0]
    assert run.created == 1, lines(run)
    assert FormSubmission.objects.get().testimony.sharing_consent
    assert after == before  # inserted with its consent in place: not updated again by the consents' trigger


def test_an_unchanged_version_leaves_the_submission_with_the_run_that_last_changed_it(ngo, tmp_path):
    """The admin's "testimonies of this run" lists what a run created or changed: not what it found unchanged."""
    from displacement.selectors.import_runs import written_by_q

    first = first_only(kobo_page())
    created = run_import(ngo, write(tmp_path, first))
    digest = FormSubmission.objects.get().digest
    first["results"][0]["_validation_status"] = {}  # the review undone on the server: the same answers
    unchanged = run_import(ngo, write(tmp_path, first, "reviewed.json"))
    assert (unchanged.updated, unchanged.unchanged) == (0, 1), lines(unchanged)
    record = FormSubmission.objects.get()
    assert record.import_run == created
    assert Testimony.objects.filter(written_by_q(Testimony, created.pk)).count() == 1
    assert not Testimony.objects.filter(written_by_q(Testimony, unchanged.pk)).exists()
    assert record.digest != digest  # the version is known: the same record again is read no further
    later, item = _later(first)
    item["account/summary"] = "Invented, changed."
    changed = run_import(ngo, write(tmp_path, later, "later.json"))
    assert changed.updated == 1
    assert FormSubmission.objects.get().import_run == changed
    assert Testimony.objects.filter(written_by_q(Testimony, changed.pk)).count() == 1
