"""One entry point reads any of the platforms' files and refuses those of another form."""

import json

import pytest

from displacement.importers.submission_files import read_submissions
from displacement.importers.submissions import SubmissionSetError
from tests.importers.submission_fixtures import NEW_HOUSEHOLD, fixture_bytes, fixture_json, kobo_xlsx, odk_tables


@pytest.mark.parametrize(
    ("data", "platform"),
    [
        (fixture_bytes("kobo_data.json"), "kobotoolbox"),
        (json.dumps(fixture_json("kobo_data.json")["results"]).encode(), "kobotoolbox"),
        (fixture_bytes("kobo_export.csv"), "kobotoolbox"),
        (kobo_xlsx(), "kobotoolbox"),
        (fixture_bytes("odk_submissions_expanded.json"), "odk_central"),
    ],
)
def test_each_platform_s_file_is_told_apart_read_and_checked(data, platform):
    submissions = read_submissions(data)
    assert submissions.platform == platform
    assert submissions.submissions[0].stable_id == NEW_HOUSEHOLD


def test_odk_repeat_tables_given_apart_are_joined():
    submissions = read_submissions(fixture_bytes("odk_submissions.json"), odk_tables=odk_tables())
    assert len(submissions.submissions[0].answers["household/members"]) == 2


def test_a_file_of_another_form_is_refused_as_a_whole():
    document = fixture_json("odk_submissions_expanded.json")
    document["value"][2]["water"] = {"source": "well"}
    with pytest.raises(SubmissionSetError, match="water/source"):
        read_submissions(json.dumps(document).encode())
