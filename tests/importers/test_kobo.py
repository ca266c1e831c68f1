"""KoboToolbox: the data API's JSON and the CSV and XLSX exports read to the same submissions."""

import copy
import csv
import io
import json
from datetime import UTC, datetime

import pytest

from displacement.importers import kobo
from displacement.importers.submissions import ReviewStatus, SubmissionSetError, json_with_sources
from tests.importers.submission_fixtures import (
    EDITED_FIRST,
    EDITED_NOW,
    NEW_HOUSEHOLD,
    fixture_bytes,
    fixture_json,
    kobo_xlsx,
)


def _api():
    return kobo.read(fixture_bytes("kobo_data.json")).submissions


def test_the_data_api_page_gives_each_submission_with_its_identity_and_review():
    first, edited = _api()
    assert (first.stable_id, first.version_id, first.platform_id, first.edited) == (
        NEW_HOUSEHOLD,
        NEW_HOUSEHOLD,
        "101",
        False,
    )
    assert first.submitted_at == datetime(2026, 11, 30, 7, 49, 2, tzinfo=UTC)
    assert (first.submitter, first.review_status, first.deleted) == ("fieldworker_one", ReviewStatus.APPROVED, False)
    assert first.form_version == "vFakeVersionUid000000001"
    assert first.geolocation is None  # the form asks for no point: KoboToolbox writes [null, null]
    # An edit keeps its first version's id (meta/rootUuid); its instanceID is the new one.
    assert (edited.stable_id, edited.version_id, edited.previous_version_id) == (EDITED_FIRST, EDITED_NOW, EDITED_FIRST)
    assert edited.edited and edited.review_status == ReviewStatus.REJECTED and not edited.flags


def test_answers_are_keyed_by_form_path_with_repeats_as_lists():
    answers = _api()[0].answers
    assert answers["interview/recorded_on"] == "2026-11-30"
    assert answers["household/contact/full_name"] == "Fakeperson Testova"
    assert answers["household/members"] == [
        {"relationship": "head", "age": "41", "sex": "female", "vulnerabilities": "single_caregiver chronic_illness"},
        {"relationship": "child", "age": "7", "sex": "male"},
    ]
    assert answers["displacements"][0]["origin_hromada"] == "UA1416021"
    assert not any(path.startswith(("_", "meta/", "formhub/")) for path in answers)
    assert "__version__" not in answers


def test_attachments_come_with_their_file_name_type_url_and_question():
    photo, audio = _api()[0].attachments
    assert (photo.filename, photo.mimetype, photo.question_path) == (
        "house-1_10_2_3.jpg",
        "image/jpeg",
        "media/photos/photo",
    )
    assert photo.download_url.endswith("/data/101/attachments/5001/")
    assert (audio.filename, audio.mimetype) == ("interview-1_10_5_1.m4a", "audio/mp4")


def test_a_plain_list_of_records_reads_like_a_page():
    records = fixture_json("kobo_data.json")["results"]
    assert [s.stable_id for s in kobo.read(json.dumps(records).encode()).submissions] == [NEW_HOUSEHOLD, EDITED_FIRST]


def test_an_edit_without_root_uuid_keeps_its_instance_id_and_is_flagged():
    record = fixture_json("kobo_data.json")["results"][1]
    del record["meta/rootUuid"]
    (edited,) = kobo.read_json([record]).submissions
    assert edited.stable_id == EDITED_NOW
    assert "meta/rootUuid" in edited.flags[0]


def test_a_submission_never_edited_without_root_uuid_is_known_by_its_uuid():
    record = fixture_json("kobo_data.json")["results"][0]
    del record["meta/instanceID"]
    assert kobo.read_json([record]).submissions[0].stable_id == NEW_HOUSEHOLD


def _comparable(submissions):
    return [
        (
            s.stable_id,
            s.version_id,
            s.platform_id,
            s.submitted_at,
            s.submitter,
            s.review_status,
            s.answers,
            sorted((a.filename, a.mimetype, a.download_url, a.question_path) for a in s.attachments),
        )
        for s in submissions
    ]


def test_the_csv_export_reads_as_the_api_does():
    # ';'-separated with a BOM, repeats as JSON arrays, the audio's URL in its own column.
    assert fixture_bytes("kobo_export.csv").startswith(b"\xef\xbb\xbfstart;end;")
    assert _comparable(kobo.read(fixture_bytes("kobo_export.csv")).submissions) == _comparable(_api())


def test_the_xlsx_export_joins_its_repeat_sheets_and_reads_as_the_api_does():
    assert _comparable(kobo.read(kobo_xlsx()).submissions) == _comparable(_api())


def test_a_repeat_row_whose_parent_is_missing_refuses_the_workbook():
    sheets = fixture_json("kobo_export_sheets.json")
    sheets["members"][1][sheets["members"][0].index("_parent_index")] = 99
    with pytest.raises(SubmissionSetError, match="_index 99"):
        kobo.read(kobo_xlsx(sheets))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'{"detail": "Not found."}', "results"),
        (b"{not json", "not JSON"),
        (b"name,age\r\nFakeperson,3\r\n", "_uuid"),
        (b"PK\x03\x04 truncated", "not a readable XLSX"),
        ("_uuid;start\r\nб;x\r\n".encode("cp1251"), "not UTF-8"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "an image"),
        ("_uuid\tstart\r\n".encode("utf-16"), "UTF-16"),  # Excel's "Unicode Text"
    ],
)
def test_a_file_that_is_not_a_kobotoolbox_export_is_refused_with_the_reason(data, message):
    with pytest.raises(SubmissionSetError, match=message):
        kobo.read(data)


def _export_rows():
    text = fixture_bytes("kobo_export.csv").decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def _written(rows) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(rows)
    return out.getvalue().encode()


def test_a_csv_export_cut_short_in_its_last_row_is_refused_whole():
    """Cut after its ``_uuid``, the reviewer's rejection of the last submission is lost: it would
    be imported as if nobody had reviewed it."""
    rows = _export_rows()
    assert kobo.read(_written(rows)).submissions[1].review_status == ReviewStatus.REJECTED
    rows[2] = rows[2][: rows[0].index("_validation_status")]
    with pytest.raises(SubmissionSetError, match="fewer cells than the header"):
        kobo.read(_written(rows))


def test_a_csv_export_cut_short_inside_a_quoted_cell_is_refused_whole():
    data = fixture_bytes("kobo_export.csv")
    cut = data[: data.rindex(b'"', 0, len(data) - 5) - 10]
    assert cut.count(b'"') % 2  # inside a quoted cell
    with pytest.raises(SubmissionSetError, match="cut short"):
        kobo.read(cut)


def test_a_comma_separated_export_keeps_a_narrative_s_line_breaks():
    rows = list(
        csv.reader(io.StringIO(fixture_bytes("kobo_export.csv").decode("utf-8-sig"), newline=""), delimiter=";")
    )
    narrative = rows[0].index("account/narrative")
    rows[1][narrative] = "First line of a made-up account;\nsecond line, with a comma."
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    (first, _) = kobo.read(out.getvalue().encode()).submissions
    assert first.answers["account/narrative"] == "First line of a made-up account;\nsecond line, with a comma."
    assert first.answers["household/members"][1]["age"] == "7"


def test_a_repeat_inside_a_repeat_joins_to_its_parent_row_in_the_xlsx_export():
    tail = ["_index", "_parent_table_name", "_parent_index"]
    sheets = {
        "Nested form": [
            ["intake_form", "_uuid", "_index"],
            ["testimony_intake 1", "f-1", 1],
            ["testimony_intake 1", "f-2", 2],
        ],
        "members": [
            ["household/members/age", *tail],
            [41, 1, "Nested form", 1],
            [7, 2, "Nested form", 1],
            [60, 3, "Nested form", 2],
        ],
        "documents": [
            ["household/members/documents/kind", *tail],
            ["passport", 1, "members", 3],
            ["birth_certificate", 2, "members", 2],
        ],
    }  # fmt: skip
    first, second = kobo.read(kobo_xlsx(sheets)).submissions
    assert first.answers["household/members"] == [
        {"age": "41"},
        {"age": "7", "documents": [{"kind": "birth_certificate"}]},
    ]
    assert second.answers["household/members"] == [{"age": "60", "documents": [{"kind": "passport"}]}]


def test_an_answer_that_looks_like_json_stays_the_text_it_is():
    record = fixture_json("kobo_data.json")["results"][0]
    record["account/narrative"] = '["made-up", "quoted"] as the witness wrote it'
    record["account/summary"] = "[1, 2]"
    (only,) = kobo.read_json([record]).submissions
    assert only.answers["account/narrative"] == '["made-up", "quoted"] as the witness wrote it'
    assert only.answers["account/summary"] == "[1, 2]"


def test_a_consumed_document_reads_the_same_submissions_in_order_and_is_emptied():
    document = fixture_json("kobo_data.json")
    kept = kobo.read_json(copy.deepcopy(document)).submissions
    read = kobo.read_json(document, consume=True).submissions
    assert [(s.row, s.stable_id, s.answers) for s in read] == [(s.row, s.stable_id, s.answers) for s in kept]
    assert len(read) > 1
    assert document["results"] == []


def test_a_json_file_is_read_as_json_reads_it_with_a_digest_of_each_record_as_written():
    data = fixture_bytes("kobo_data.json")
    document, sources = json_with_sources(data)
    assert document == json.loads(data)
    assert len(sources) == len(document["results"]) > 1
    assert len(set(sources)) == len(sources)
    spaced = json.dumps(json.loads(data), indent=2).encode()
    assert json_with_sources(spaced)[0] == document  # other spacing: the same records
    edited = copy.deepcopy(document)
    edited["results"][1]["account/summary"] = "another summary"
    again = json_with_sources(json.dumps(edited).encode())[1]
    assert again[0] == json_with_sources(json.dumps(document).encode())[1][0]
    assert again[1] != json_with_sources(json.dumps(document).encode())[1][1]
    assert json_with_sources(b'[{"a": 1}, {"a": 1}]')[1][0] == json_with_sources(b'{"results": [{"a": 1}]}')[1][0]
    assert json_with_sources(b'{"value": [{"a": 1}]}')[1] is None
    for broken in (b'[{"a": 1},]', b'{"results": [] x', b'{"results" []}'):
        with pytest.raises(ValueError):
            json_with_sources(broken)


def test_answers_are_read_from_the_record_when_first_used_and_carry_its_digest():
    data = fixture_bytes("kobo_data.json")
    document, sources = json_with_sources(data)
    read = kobo.read_json(copy.deepcopy(document), consume=True, sources=sources).submissions
    plain = kobo.read_json(document).submissions
    assert [s.source_digest for s in read] == sources
    assert [s.source_digest for s in plain] == [b""] * len(plain)
    assert [(s.answers, s.attachments) for s in read] == [(s.answers, s.attachments) for s in plain]
