"""ODK Central: OData submissions, expanded or with their repeat tables apart, read to the same
submissions as KoboToolbox's of the same interviews."""

import copy
from datetime import UTC, datetime

import pytest

from displacement.importers import kobo, odk
from displacement.importers.intake_form import intake_spec
from displacement.importers.submissions import ReviewStatus, SubmissionSetError
from tests.importers.submission_fixtures import (
    EDITED_FIRST,
    EDITED_NOW,
    NEW_HOUSEHOLD,
    fixture_bytes,
    fixture_json,
    odk_tables,
)


def _expanded():
    return odk.read(fixture_bytes("odk_submissions_expanded.json"), spec=intake_spec())


def test_each_submission_is_known_by_its_id_with_the_system_s_dates_review_and_deletion():
    first, edited, deleted = _expanded().submissions
    assert (first.stable_id, first.version_id, first.edited) == (NEW_HOUSEHOLD, NEW_HOUSEHOLD, False)
    assert first.submitted_at == datetime(2026, 11, 30, 7, 49, 2, 114000, tzinfo=UTC)
    assert first.updated_at == datetime(2026, 11, 30, 10, 5, tzinfo=UTC)
    assert (first.submitter, first.review_status, first.form_version) == (
        "fieldworker_one",
        ReviewStatus.APPROVED,
        "1.0123456789",
    )
    # __id stays the first version's instanceID; meta/instanceID is the current version's.
    assert (edited.stable_id, edited.version_id, edited.previous_version_id) == (EDITED_FIRST, EDITED_NOW, EDITED_FIRST)
    assert edited.edited and edited.review_status == ReviewStatus.REJECTED
    assert deleted.deleted and not first.deleted and not edited.deleted
    assert _expanded().form_id == "testimony_intake"


def test_groups_flatten_into_form_paths_and_typed_values_become_the_form_s_text():
    answers = _expanded().submissions[0].answers
    assert answers["household/members"][0] == {
        "relationship": "head",
        "age": "41",
        "sex": "female",
        "vulnerabilities": "single_caregiver chronic_illness",
    }
    assert "household/household_code" not in answers  # OData's null: not answered
    assert "meta/instanceID" not in answers and "meta" not in answers


def test_the_same_interviews_read_the_same_from_odk_and_from_kobotoolbox():
    from_odk = {s.stable_id: s.answers for s in _expanded().submissions}
    from_kobo = {s.stable_id: s.answers for s in kobo.read(fixture_bytes("kobo_data.json")).submissions}
    assert from_odk[NEW_HOUSEHOLD] == from_kobo[NEW_HOUSEHOLD]
    assert from_odk[EDITED_FIRST] == from_kobo[EDITED_FIRST]


def test_attachments_are_the_media_answers_with_central_s_download_url():
    photo, audio = _expanded().submissions[0].attachments
    assert (photo.filename, photo.mimetype, photo.question_path) == (
        "house-1_10_2_3.jpg",
        "image/jpeg",
        "media/photos/photo",
    )
    assert photo.download_url == (
        "https://central.odk.example.org/v1/projects/4/forms/testimony_intake/submissions/"
        "uuid%3A6a1f0c8e-0000-4000-8000-00000000000a/attachments/house-1_10_2_3.jpg"
    )
    assert (audio.filename, audio.mimetype) == ("interview-1_10_5_1.m4a", "audio/mp4")


def test_repeat_tables_given_apart_are_joined_to_their_submissions():
    linked = odk.read(fixture_json("odk_submissions.json"), spec=intake_spec(), tables=odk_tables())
    assert [(s.stable_id, s.answers) for s in linked.submissions] == [
        (s.stable_id, s.answers) for s in _expanded().submissions
    ]


def test_a_repeat_only_linked_refuses_the_file_and_says_how_to_download_it():
    with pytest.raises(SubmissionSetError, match=r"household/members.*\$expand=\*"):
        odk.read(fixture_json("odk_submissions.json"), spec=intake_spec())


def test_a_document_that_is_not_odata_is_refused_with_the_reason():
    with pytest.raises(SubmissionSetError, match="no 'value' list"):
        odk.read(
            b'{"code": "404.1", "message": "Could not find the resource you were looking for."}', spec=intake_spec()
        )
    broken = copy.deepcopy(fixture_json("odk_submissions_expanded.json"))
    del broken["value"][0]["__id"]
    with pytest.raises(SubmissionSetError, match="no __id"):
        odk.read(broken, spec=intake_spec())


def test_a_repeat_table_inside_a_repeat_table_joins_by_its_parent_row_s_id():
    submissions = {
        "@odata.context": "https://central.odk.example.org/v1/projects/4/forms/testimony_intake.svc/$metadata#Submissions",
        "value": [
            {
                "__id": "uuid:f-1",
                "__system": {},
                "household": {"members@odata.navigationLink": "Submissions('uuid%3Af-1')/household/members"},
            },
        ],
    }
    tables = {
        "Submissions.household.members": {"value": [
            {"__id": "m1", "__Submissions-id": "uuid:f-1", "age": 41, "documents@odata.navigationLink": "x"},
            {"__id": "m2", "__Submissions-id": "uuid:f-1", "age": 7, "documents@odata.navigationLink": "y"},
            {"__id": "m3", "__Submissions-id": "uuid:other", "age": 60},
        ]},
        "Submissions.household.members.documents": {"value": [
            {"__id": "d1", "__Submissions-household-members-id": "m2", "kind": "birth_certificate"},
        ]},
    }  # fmt: skip
    (only,) = odk.read(submissions, spec=intake_spec(), tables=tables).submissions
    assert only.answers == {
        "household/members": [{"age": "41"}, {"age": "7", "documents": [{"kind": "birth_certificate"}]}]
    }
