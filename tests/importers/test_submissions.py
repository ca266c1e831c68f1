"""The form check: a set of submissions made with another form is refused as a whole, with the reason."""

import copy
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from displacement.importers import kobo, odk
from displacement.importers.intake_form import intake_spec
from displacement.importers.submissions import SubmissionSetError, check_form
from tests.importers.submission_fixtures import fixture_bytes, fixture_json, kobo_xlsx


def test_submissions_of_the_intake_form_pass_the_check_from_every_format():
    check_form(kobo.read(fixture_bytes("kobo_data.json")), intake_spec())
    check_form(kobo.read(fixture_bytes("kobo_export.csv")), intake_spec())
    check_form(kobo.read(kobo_xlsx()), intake_spec())
    check_form(odk.read(fixture_bytes("odk_submissions_expanded.json"), spec=intake_spec()), intake_spec())


def test_odk_submissions_of_another_form_are_refused_by_its_id():
    document = fixture_json("odk_submissions_expanded.json")
    document["@odata.context"] = document["@odata.context"].replace("testimony_intake", "water_points")
    with pytest.raises(SubmissionSetError, match="'water_points', not 'testimony_intake'"):
        check_form(odk.read(document, spec=intake_spec()), intake_spec())


def test_odk_submissions_of_another_revision_are_refused_by_their_version():
    document = fixture_json("odk_submissions_expanded.json")
    document["value"][1]["__system"]["formVersion"] = "2.77aa77aa77"
    with pytest.raises(SubmissionSetError, match=r"2\.77aa77aa77"):
        check_form(odk.read(document, spec=intake_spec()), intake_spec())


def test_a_submission_made_with_another_revision_refuses_the_whole_set():
    page = fixture_json("kobo_data.json")
    page["results"][1]["intake_form"] = "testimony_intake 0"
    with pytest.raises(SubmissionSetError, match=r"'testimony_intake 0'.*Nothing was imported"):
        check_form(kobo.read_json(page), intake_spec())


def test_a_form_without_the_marker_is_refused_and_pointed_to_import_profiles():
    page = fixture_json("kobo_data.json")
    for record in page["results"]:
        del record["intake_form"]
    with pytest.raises(SubmissionSetError, match=r"answer: none.*import profile"):
        check_form(kobo.read_json(page), intake_spec())


def test_a_marker_answer_of_another_shape_is_not_repeated_in_the_refusal():
    """A spreadsheet's shifted columns may put a name where the form's marker belongs."""
    page = fixture_json("kobo_data.json")
    page["results"][0]["intake_form"] = "Fakeperson Testova"
    with pytest.raises(SubmissionSetError, match=r"answer: \(not shown\)\)") as refused:
        check_form(kobo.read_json(page), intake_spec())
    assert "Fakeperson" not in str(refused.value)


def test_answers_at_paths_the_form_does_not_have_refuse_the_set_and_are_named():
    page = copy.deepcopy(fixture_json("kobo_data.json"))
    page["results"][0]["household/members"][0]["household/members/shoe_size"] = "38"
    page["results"][1]["water/source"] = "well"
    with pytest.raises(SubmissionSetError, match="household/members/shoe_size, water/source"):
        check_form(kobo.read_json(page), intake_spec())


def test_an_export_with_labels_instead_of_xml_values_and_headers_is_refused():
    sheets = fixture_json("kobo_export_sheets.json")
    sheets["Testimony intake"][0][3] = "Date of the interview"
    with pytest.raises(SubmissionSetError, match=r"Date of the interview.*XML values and headers"):
        check_form(kobo.read(kobo_xlsx(sheets)), intake_spec())


def test_a_submission_s_answers_never_show_in_its_repr():
    (first, _) = kobo.read(fixture_bytes("kobo_data.json")).submissions
    assert first.answers["household/contact/full_name"] == "Fakeperson Testova"
    assert "Fakeperson" not in repr(first) and "+380" not in repr(first)


KEYS = st.sampled_from(
    ["_id", "_uuid", "meta/instanceID", "meta/rootUuid", "_submission_time", "_validation_status", "_attachments",
     "_geolocation", "__id", "__system", "meta", "value", "results", "instanceID", "submissionDate", "deletedAt",
     "a", "a/b", "intake_form", "x@odata.navigationLink", "@odata.context", "coordinates", "mimetype",
     "filename", "media_file_basename", "download_url", "uid", "reviewState", "edits", "formVersion", "updatedAt"]
)  # fmt: skip
SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12)
DOCUMENTS = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=5))


KOBO_RECORDS = st.builds(lambda r, uid: {**r, "_uuid": uid}, st.dictionaries(KEYS, DOCUMENTS), st.text(min_size=1))
ODK_ENTITIES = st.builds(lambda r, uid: {**r, "__id": uid}, st.dictionaries(KEYS, DOCUMENTS), st.text(min_size=1))
FILES = (
    DOCUMENTS
    | st.builds(lambda records: {"results": records}, st.lists(KOBO_RECORDS, max_size=3))
    | st.builds(lambda rows, context: {"value": rows, "@odata.context": context}, st.lists(ODK_ENTITIES, max_size=3),
                st.sampled_from(["", "https://central.example.org/v1/projects/1/forms/testimony_intake.svc/$metadata"]))
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(FILES)
def test_any_json_is_read_or_refused_with_a_reason_never_a_crash(document):
    data = json.dumps(document).encode()
    for read in (kobo.read, lambda data: odk.read(data, spec=intake_spec())):
        try:
            check_form(read(data), intake_spec())
        except SubmissionSetError as refused:
            assert str(refused)
