"""An older version of a submission imported after a later one changes nothing: it is counted
unchanged and flagged, never as an update, for KoboToolbox (its instanceID is one the imported
version replaced, or the original's, or its time is earlier) and ODK Central (its
``__system/updatedAt`` is earlier)."""

import copy

import pytest

from displacement.models import FormSubmission, ReportLevel, Testimony
from displacement.services.submission_import import OLDER
from tests.importers.conftest import run_import
from tests.importers.submission_fixtures import NEW_HOUSEHOLD, fixture_json
from tests.importers.test_submission_import import _later, first_only, kobo_page, lines, write

pytestmark = pytest.mark.django_db

FIRST_SUMMARY = "Invented test summary: a strike on a residential block, then evacuation."
EDITED = "Invented test summary, corrected in the field."


def summary() -> str:
    return Testimony.objects.get().summary


def older_lines(run) -> list:
    return [(field, message) for _, field, message in lines(run, ReportLevel.FLAGGED) if message == OLDER]


def kobo_edit(first, instance, replaces, text=EDITED):
    later, item = _later(first, instance=f"uuid:6a1f0c8e-0000-4000-8000-{instance}")
    item["meta/deprecatedID"] = f"uuid:6a1f0c8e-0000-4000-8000-{replaces}" if replaces else NEW_HOUSEHOLD
    item["account/summary"] = text
    return later


def test_kobo_the_original_after_its_edit_changes_nothing_and_is_flagged(ngo, tmp_path):
    first = first_only(kobo_page())
    run_import(ngo, write(tmp_path, first))
    assert run_import(ngo, write(tmp_path, kobo_edit(first, "0000000000f1", None), "edit.json")).updated == 1
    run = run_import(ngo, write(tmp_path, first, "original-again.json"))
    assert (run.updated, run.unchanged, run.flagged) == (0, 1, 1), lines(run)
    assert older_lines(run) == [("submission", OLDER)]
    assert summary() == EDITED
    assert FormSubmission.objects.get().version_id.endswith("0f1")


def test_kobo_the_original_after_an_edit_imported_first_changes_nothing(ngo, tmp_path):
    """The edit names the original (meta/deprecatedID) and was imported as new: the original comes later."""
    first = first_only(kobo_page())
    run_import(ngo, write(tmp_path, kobo_edit(first, "0000000000f1", None), "edit.json"))
    run = run_import(ngo, write(tmp_path, first))
    assert (run.created, run.updated, run.unchanged) == (0, 0, 1), lines(run)
    assert len(older_lines(run)) == 1 and summary() == EDITED


def test_kobo_a_version_any_later_one_replaced_changes_nothing(ngo, tmp_path):
    first = first_only(kobo_page())
    run_import(ngo, write(tmp_path, first))
    second = kobo_edit(first, "0000000000f1", None, "Invented, second version.")
    run_import(ngo, write(tmp_path, second, "second.json"))
    third = kobo_edit(first, "0000000000f2", "0000000000f1", "Invented, third version.")
    assert run_import(ngo, write(tmp_path, third, "third.json")).updated == 1
    for name, document in (("second-again.json", second), ("first-again.json", first)):
        run = run_import(ngo, write(tmp_path, document, name))
        assert (run.updated, run.unchanged) == (0, 1), lines(run)
        assert len(older_lines(run)) == 1
    assert summary() == "Invented, third version."
    assert FormSubmission.objects.get().replaced_versions == [
        NEW_HOUSEHOLD,
        "uuid:6a1f0c8e-0000-4000-8000-0000000000f1",
    ]


def test_kobo_a_version_submitted_earlier_than_the_one_imported_changes_nothing(ngo, tmp_path):
    first = first_only(kobo_page())
    later = kobo_edit(first, "0000000000f1", None)
    later["results"][0]["_submission_time"] = "2026-12-02T08:00:00"
    run_import(ngo, write(tmp_path, later, "later.json"))
    stray = kobo_edit(first, "0000000000f9", None, "Invented, from an earlier export.")  # not in any chain
    stray["results"][0]["_submission_time"] = "2026-12-01T08:00:00"
    run = run_import(ngo, write(tmp_path, stray, "stray.json"))
    assert (run.updated, run.unchanged) == (0, 1), lines(run)
    assert summary() == EDITED


def test_kobo_a_later_version_still_updates(ngo, tmp_path):
    first = first_only(kobo_page())
    run_import(ngo, write(tmp_path, first))
    run = run_import(ngo, write(tmp_path, kobo_edit(first, "0000000000f1", None), "edit.json"))
    assert (run.updated, older_lines(run)) == (1, []), lines(run)
    assert summary() == EDITED


def odk_document(*, instance=None, replaces=None, updated="2026-11-30T10:05:00.000Z", text=None):
    document = copy.deepcopy(fixture_json("odk_submissions_expanded.json"))
    row = document["value"][0]
    document["value"] = [row]
    row["__system"]["updatedAt"] = updated
    del row["media"]  # no media ZIP here
    if instance:
        row["meta"] = {"instanceID": f"uuid:6a1f0c8e-0000-4000-8000-{instance}", "deprecatedID": replaces}
        row["__system"]["edits"] = 1
    if text:
        row["account"]["summary"] = text
    return document


def test_odk_the_original_after_its_edit_changes_nothing_and_is_flagged(ngo, tmp_path):
    original = odk_document()
    assert run_import(ngo, write(tmp_path, original, "odk.json")).created == 1, "the fixture imports"
    edit = odk_document(instance="0000000000e1", replaces=NEW_HOUSEHOLD, updated="2026-12-03T09:00:00Z", text=EDITED)
    assert run_import(ngo, write(tmp_path, edit, "odk-edit.json")).updated == 1
    run = run_import(ngo, write(tmp_path, original, "odk-again.json"))
    assert (run.updated, run.unchanged, run.flagged) == (0, 1, 1), lines(run)
    assert len(older_lines(run)) == 1
    assert summary() == EDITED


def test_odk_a_version_updated_earlier_than_the_one_imported_changes_nothing(ngo, tmp_path):
    """Told by ``__system/updatedAt`` alone: the two versions' instanceIDs name neither the other."""
    newer = odk_document(instance="0000000000e2", replaces=NEW_HOUSEHOLD, updated="2026-12-05T09:00:00Z", text=EDITED)
    run_import(ngo, write(tmp_path, newer, "odk-newer.json"))
    stale = odk_document(
        instance="0000000000e1", replaces=NEW_HOUSEHOLD, updated="2026-12-03T09:00:00Z", text="Invented, stale."
    )
    run = run_import(ngo, write(tmp_path, stale, "odk-stale.json"))
    assert (run.updated, run.unchanged) == (0, 1), lines(run)
    assert len(older_lines(run)) == 1
    assert summary() == EDITED
    later = odk_document(
        instance="0000000000e3", replaces=NEW_HOUSEHOLD, updated="2026-12-06T09:00:00Z", text="Invented, later."
    )
    assert run_import(ngo, write(tmp_path, later, "odk-later.json")).updated == 1
    assert summary() == "Invented, later."


def test_the_ordering_rule():
    from datetime import UTC, datetime

    from displacement.importers.submissions import ImportedVersion, Submission, is_older

    def at(day):
        return datetime(2026, 12, day, tzinfo=UTC)

    def version(instance, *, submitted=None, updated=None):
        return Submission("odk_central", 1, "uuid:root", instance, submitted_at=submitted, updated_at=updated)

    imported = ImportedVersion("digest", "uuid:v3", ("uuid:v2",), at(5))
    assert is_older(version("uuid:v2"), imported)  # replaced by it
    assert is_older(version("uuid:root"), imported)  # the original
    assert is_older(version("uuid:v9", submitted=at(1), updated=at(4)), imported)  # updated earlier
    assert not is_older(version("uuid:v4", submitted=at(1), updated=at(6)), imported)
    assert not is_older(version("uuid:v4"), imported)  # no time: not older
    assert not is_older(version("uuid:v3", submitted=at(5)), imported)  # the same version
    assert not is_older(version("uuid:root"), ImportedVersion("digest", "uuid:root", (), at(5)))
    assert not is_older(version("uuid:root"), ImportedVersion("digest", "", (), None))  # nothing known


def test_an_older_version_brings_no_media_the_later_one_dropped(ngo, tmp_path):
    from displacement.models import Attachment
    from tests.commands.test_import_submissions import KOBO_FOLDER, PHOTO, _call, _media

    first = first_only(kobo_page())
    edit = kobo_edit(first, "0000000000f1", None)
    item = edit["results"][0]
    for key in ("media/photos", "media/audio", "_attachments"):
        item.pop(key)
    _call(write(tmp_path, edit, "edit.json"), "--org", ngo.slug)
    media = _media(tmp_path, {KOBO_FOLDER + "house-1_10_2_3.jpg": PHOTO})
    _call(write(tmp_path, first, "original.json"), "--org", ngo.slug, "--media", media)
    assert not Attachment.objects.exists()
    assert summary() == EDITED
