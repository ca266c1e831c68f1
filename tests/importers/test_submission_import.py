"""Importing intake-form submissions: what a submission becomes, upserts, bad input, withheld ones."""

import copy
import json

import pytest
from django.apps import apps

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
