"""Import profiles applied: another form's submissions in the intake form's paths and choices."""

import copy
import json
from types import SimpleNamespace

import pytest

from displacement.importers import kobo, odk
from displacement.importers.intake_form import intake_spec
from displacement.importers.intake_questions import FORM_ID, MARKER, MARKER_NAME
from displacement.importers.profile_documents import read_profile_document
from displacement.importers.profile_rules import canonical_questions, canonical_repeats, profile_errors
from displacement.importers.profile_rules import list_choices as intake_choices
from displacement.importers.profiles import FLAGGED, NOT_A_CHOICE_NAME, REJECTED, apply_profile, report_lines
from displacement.importers.submissions import SubmissionSetError, check_form, json_with_sources
from tests.importers.submission_fixtures import fixture_bytes, fixture_json


def _profile(**changes):
    fields = read_profile_document(fixture_bytes("profile_other_form.json"))
    fields = {"description": "", "source": "any", "form_id": "", "value_maps": {}, "defaults": {}, **fields}
    for name, value in changes.items():
        fields[name] = value
    return SimpleNamespace(**fields)


def _other(records=None):
    payload = fixture_json("kobo_other_form.json")
    if records is not None:
        payload["results"] = records
    return kobo.read(json.dumps(payload).encode())


def _problem(problems, path, value=None):
    found = [p for p in problems if p.path == path and p.value == value]
    assert len(found) == 1, [(p.path, p.value) for p in problems]
    return found[0]


def test_the_fixture_profile_is_valid():
    profile = _profile()
    assert profile_errors(mappings=profile.mappings, value_maps=profile.value_maps, defaults=profile.defaults) == {}


def test_another_forms_export_maps_to_the_same_answers_as_our_form():
    ours = kobo.read(fixture_bytes("kobo_data.json"))
    mapped, problems = apply_profile(_other(), _profile())
    assert [s.stable_id for s in mapped.submissions] == [s.stable_id for s in ours.submissions]
    for theirs, own in zip(mapped.submissions, ours.submissions, strict=True):
        assert theirs.answers == own.answers  # repeat groups, choices, the form marker: all ours
        assert [(a.filename, a.question_path) for a in theirs.attachments] == [
            (a.filename, a.question_path) for a in own.attachments
        ]
        assert (theirs.review_status, theirs.version_id, theirs.edited) == (
            own.review_status,
            own.version_id,
            own.edited,
        )
    check_form(mapped, intake_spec())  # the mapped set is one of our form: nothing is refused
    assert mapped.form_id == FORM_ID
    # Only the question the profile does not map is listed (the one left out on purpose is not).
    assert [(p.level, p.path, p.value, p.count, p.example) for p in problems] == [
        (FLAGGED, "extra/needs_food", None, 1, ours.submissions[0].stable_id)
    ]
    assert "not mapped" in problems[0].message and "1 submission" in problems[0].message


def test_without_a_profile_the_set_is_given_back_as_it_is():
    ours = kobo.read(fixture_bytes("kobo_data.json"))
    assert apply_profile(ours, None) == (ours, [])


def test_unmapped_paths_and_values_are_listed_with_counts_and_an_example():
    records = fixture_json("kobo_other_form.json")["results"]
    second = copy.deepcopy(records[0])
    second["_uuid"] = second["meta/instanceID"] = "uuid:6a1f0c8e-0000-4000-8000-0000000000ff"
    for record in (records[0], second):
        record["move"][0]["move/shelter"] = "tent"  # not required: left out, flagged
        record["hh/member"][1]["hh/member/needs"] = "illness orphan"  # one of two words unknown
    records[1]["story/sens"] = "secret"  # required: the submission is rejected
    records[1]["device_note"] = "x"
    mapped, problems = apply_profile(_other([*records, second]), _profile())

    shelter = _problem(problems, "move/shelter", "tent")
    assert (shelter.level, shelter.count, shelter.target) == (FLAGGED, 2, "displacements/shelter_type")
    assert shelter.example == "uuid:6a1f0c8e-0000-4000-8000-00000000000a"
    assert _problem(problems, "hh/member/needs", "orphan").level == FLAGGED  # the choice, not the answer
    sensitivity = _problem(problems, "story/sens", "secret")
    assert (sensitivity.level, sensitivity.count, sensitivity.rows) == (REJECTED, 1, [2])
    assert "rejected" in sensitivity.message
    assert _problem(problems, "device_note").count == 1
    assert _problem(problems, "extra/needs_food").count == 2
    assert problems[0].level == REJECTED  # rejections first

    # The rest imports without what could not be mapped; the required answer stays as written,
    # none of our choices, so that the form's checks reject its submission (and count it).
    assert [s.row for s in mapped.submissions] == [1, 2, 3]
    assert mapped.submissions[1].answers["account/sensitivity"] == "secret"
    assert "secret" not in intake_choices("sensitivity")
    lines = report_lines(problems)
    assert (lines[0].level, lines[0].field, lines[0].row_number) == (REJECTED, "story/sens", 2)
    assert lines[0].external_id == "uuid:6a1f0c8e-0000-4000-8000-00000000000b"
    assert [line.message for line in lines] == [p.message for p in problems]
    first = mapped.submissions[0].answers
    assert "shelter_type" not in first["displacements"][0]
    assert first["household/members"][1]["vulnerabilities"] == "chronic_illness"  # what could be mapped
    assert first["household/members"][0]["vulnerabilities"] == "single_caregiver chronic_illness"


def test_a_value_that_cannot_be_a_choice_is_not_shown_in_a_problem():
    records = fixture_json("kobo_other_form.json")["results"]
    records[0]["move"][0]["move/shelter"] = "CANARY Fakeperson, +380 00 000 0009"
    records[1]["move"][0]["move/shelter"] = "Oksana Testenko"
    _mapped, problems = apply_profile(_other(records), _profile())
    shelter = [p for p in problems if p.path == "move/shelter"]
    assert [(p.value, p.count) for p in shelter] == [(NOT_A_CHOICE_NAME, 2)]
    assert "CANARY" not in shelter[0].message and "Oksana" not in repr(problems)


def test_defaults_fill_what_the_form_does_not_ask_in_every_repeat_item():
    records = fixture_json("kobo_other_form.json")["results"]
    for record in records:
        record.pop("intro/lang")
        for move in record["move"]:
            move.pop("move/date_left_exact")
    profile = _profile(defaults={"interview/language": "uk", "displacements/left_on_precision": "month"})
    mapped, problems = apply_profile(_other(records), profile)
    assert [s.answers["interview/language"] for s in mapped.submissions] == ["uk", "uk"]
    assert [m["left_on_precision"] for s in mapped.submissions for m in s.answers["displacements"]] == ["month"] * 3
    assert [p.path for p in problems] == ["extra/needs_food"]


def test_a_form_asking_once_what_ours_asks_in_a_repeat_gives_its_first_item():
    record = fixture_json("kobo_other_form.json")["results"][0]
    moves = record.pop("move")
    record.update({k.replace("move/", "single_move/"): v for k, v in moves[0].items()})
    mappings = {k: v for k, v in _profile().mappings.items() if not k.startswith("move")}
    mappings |= {k.replace("move/", "single_move/"): v for k, v in _profile().mappings.items() if k.startswith("move/")}
    value_maps = {k.replace("move/", "single_move/"): v for k, v in _profile().value_maps.items()}
    mapped, _ = apply_profile(_other([record]), _profile(mappings=mappings, value_maps=value_maps))
    ours = kobo.read(fixture_bytes("kobo_data.json")).submissions[0]
    assert mapped.submissions[0].answers["displacements"] == ours.answers["displacements"]


def test_paths_of_our_form_need_no_mapping_and_a_repeat_mapped_to_a_question_is_listed():
    record = fixture_json("kobo_other_form.json")["results"][0]
    record["account/narrative"] = record.pop("story/text")  # the same name as ours: taken as it is
    mappings = {**_profile().mappings, "pics": "media/audio"}
    mapped, problems = apply_profile(_other([record]), _profile(mappings=mappings))
    assert mapped.submissions[0].answers["account/narrative"].startswith("A made-up account")
    assert "media/photos" not in mapped.submissions[0].answers
    assert _problem(problems, "pics").target == "media/audio"


def test_a_profile_for_another_platform_or_form_refuses_the_file():
    with pytest.raises(SubmissionSetError, match="for ODK Central files"):
        apply_profile(_other(), _profile(source="odk_central"))
    document = {
        "@odata.context": "https://central.example.org/v1/projects/4/forms/needs_survey.svc/$metadata#Submissions",
        "value": [{"__id": "uuid:1", "__system": {"formVersion": "2024"}, "intro": {"lang": "ukr"}}],
    }
    submissions = odk.read(document, spec=intake_spec())
    with pytest.raises(SubmissionSetError, match="'needs_survey'; the import profile"):
        apply_profile(submissions, _profile(source="odk_central", form_id="other_survey"))


def test_an_odk_submission_of_another_form_maps_too_and_its_media_become_attachments():
    document = {
        "@odata.context": "https://central.example.org/v1/projects/4/forms/needs_survey.svc/$metadata#Submissions",
        "value": [
            {
                "__id": "uuid:2",
                "__system": {"formVersion": "2024031501", "submissionDate": "2026-12-01T10:00:00Z"},
                "intro": {"lang": "ukr", "date": "2026-12-01"},
                "hh": {"member": [{"gender": "f", "rel": "1"}]},
                "pics": [{"pic": "a.jpg"}],
            }
        ],
    }
    submissions = odk.read(document, spec=intake_spec())
    mapped, problems = apply_profile(submissions, _profile(source="odk_central", form_id="needs_survey"))
    answers = mapped.submissions[0].answers
    assert answers["interview/language"] == "uk" and answers[MARKER_NAME] == MARKER
    assert answers["household/members"] == [{"sex": "female", "relationship": "head"}]
    assert [(a.filename, a.question_path) for a in mapped.submissions[0].attachments] == [
        ("a.jpg", "media/photos/photo")
    ]
    assert problems == []
    check_form(mapped, intake_spec())  # their form version is no longer taken for our revision


def test_the_canonical_questions_are_the_intake_forms():
    spec = intake_spec()
    assert set(canonical_questions()) == set(spec.fields)
    assert set(canonical_repeats()) == set(spec.repeats)
    assert canonical_questions()["household/members/sex"].required
    assert canonical_questions()["household/members/sex"].repeat == "household/members"
    assert not canonical_questions()["displacements/shelter_type"].required


@pytest.mark.parametrize(
    ("rules", "field", "fragment"),
    [
        ({"mappings": {"q1": "household/members/shoe_size"}}, "mappings", "not a question of the intake form"),
        ({"mappings": {"q1": 3}}, "mappings", "must be one of our paths or null"),
        ({"mappings": {"q1": "intake_form"}}, "mappings", "form marker"),
        ({"value_maps": {"q1": {"a": "female"}}}, "value_maps", "not a choice question"),
        (
            {"mappings": {"q1": "household/members/sex"}, "value_maps": {"q1": {"f": "woman"}}},
            "value_maps",
            "'woman' is not a choice of 'household/members/sex'",
        ),
        (
            {"mappings": {"q1": "displacements/origin_oblast"}, "value_maps": {"q1": {"Kharkiv": "Kharkivska"}}},
            "value_maps",
            "not a P-code",
        ),
        ({"defaults": {"interview/language": "klingon"}}, "defaults", "not a choice"),
        ({"defaults": {"interview/mood": "ok"}}, "defaults", "not a question"),
        ({"defaults": {"interview/language": 1}}, "defaults", "must be text"),
    ],
)
def test_a_profile_whose_targets_are_not_ours_is_refused(rules, field, fragment):
    errors = profile_errors(**{"mappings": {}, "value_maps": {}, "defaults": {}, **rules})
    assert any(fragment in message for message in errors[field]), errors


def test_a_question_mapped_outside_its_repeat_and_a_second_answer_are_listed_and_left_out():
    record = fixture_json("kobo_other_form.json")["results"][0]
    record["move"][0]["move/note_sex"] = "f"  # inside their repeat of moves, to a member's question
    record["intro/lang_other"] = "rus"  # a second question answering our language, differently
    record["intro/lang_again"] = "ukr"  # ... and one answering it the same: no problem
    mappings = {
        **_profile().mappings,
        "move/note_sex": "household/members/sex",
        "intro/lang_other": "interview/language",
        "intro/lang_again": "interview/language",
    }
    value_maps = {**_profile().value_maps, "intro/lang_other": {"rus": "ru"}, "intro/lang_again": {"ukr": "uk"}}
    mapped, problems = apply_profile(_other([record]), _profile(mappings=mappings, value_maps=value_maps))
    assert "outside the repeat group" in _problem(problems, "move/note_sex").message
    assert "answers 'interview/language' again" in _problem(problems, "intro/lang_other").message
    assert mapped.submissions[0].answers["interview/language"] == "uk"
    assert "sex" not in mapped.submissions[0].answers["displacements"][0]
    assert {p.path for p in problems} == {"move/note_sex", "intro/lang_other", "extra/needs_food"}


def test_a_mapped_submission_is_digested_from_what_the_profile_made_not_from_the_record():
    document, sources = json_with_sources(fixture_bytes("kobo_other_form.json"))
    read = kobo.read_json(document, sources=sources)
    assert all(s.source_digest for s in read.submissions)
    mapped, _ = apply_profile(read, _profile())
    assert [s.source_digest for s in mapped.submissions] == [b""] * len(mapped.submissions)
