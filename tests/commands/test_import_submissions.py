"""import_submissions: any platform's file, a media ZIP, a dry run; a file of another form refused."""

import copy
import hashlib
import io
import json
import zipfile

import pytest
from django.core.management import CommandError, call_command

from displacement.models import Attachment, FormSubmission, ImportKind, ImportRun, ReportLevel, Testimony
from tests.importers.submission_fixtures import NEW_HOUSEHOLD, fixture_bytes, fixture_json, kobo_xlsx

pytestmark = pytest.mark.django_db

PHOTO = b"\xff\xd8\xff\xe0 an invented photo, not a real one"
KOBO_FOLDER = "fieldworker_one/attachments/0f1e2d3c4b5a69788796a5b4c3d2e1f0/6a1f0c8e-0000-4000-8000-00000000000a/"


def _media(tmp_path, files: dict[str, bytes]):
    path = tmp_path / "media.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def _call(*args):
    out = io.StringIO()
    call_command("import_submissions", *map(str, args), stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("kobo.csv", fixture_bytes("kobo_export.csv"), ImportKind.KOBO_CSV),
        ("kobo.xlsx", kobo_xlsx(), ImportKind.KOBO_XLSX),
        ("odk.json", fixture_bytes("odk_submissions_expanded.json"), ImportKind.ODK_ODATA),
    ],
)
def test_each_platform_s_file_imports_the_same_interview(ngo, tmp_path, name, data, kind):
    path = tmp_path / name
    path.write_bytes(data)
    output = _call(path, "--org", ngo.slug)
    run = ImportRun.objects.get()
    assert run.kind == kind and run.created == 1, output
    testimony = FormSubmission.objects.get(stable_id=NEW_HOUSEHOLD).testimony
    assert testimony.summary.startswith("Invented test summary: a strike")


def test_media_come_from_the_zip_with_their_sha256_and_missing_ones_are_listed(ngo, tmp_path):
    page = fixture_json("kobo_data.json")
    page["results"] = page["results"][:1]
    path = tmp_path / "kobo.json"
    path.write_text(json.dumps(page))
    media = _media(tmp_path, {KOBO_FOLDER + "house-1_10_2_3.jpg": PHOTO})
    output = _call(path, "--org", ngo.slug, "--media", media)
    attachment = Attachment.objects.get()
    assert attachment.sha256 == hashlib.sha256(PHOTO).hexdigest() and attachment.size == len(PHOTO)
    assert attachment.testimony == Testimony.objects.get() and attachment.organization == ngo
    run = ImportRun.objects.get()
    missing = run.report_rows.get(level=ReportLevel.FLAGGED, field="media/audio")
    assert "interview-1_10_5_1.m4a" in missing.message and "not in the media ZIP" in missing.message
    assert "interview-1_10_5_1.m4a" in output
    # Again, with the audio now: the photo is not attached twice, the audio is added.
    media = _media(tmp_path, {KOBO_FOLDER + "house-1_10_2_3.jpg": PHOTO, "interview-1_10_5_1.m4a": b"audio"})
    page["results"][0]["account/summary"] = "Invented test summary, second version."
    path.write_text(json.dumps(page))
    _call(path, "--org", ngo.slug, "--media", media)
    assert sorted(Attachment.objects.values_list("original_name", flat=True)) == [
        "house-1_10_2_3.jpg",
        "interview-1_10_5_1.m4a",
    ]


def test_a_dry_run_writes_nothing(ngo, tmp_path):
    path = tmp_path / "kobo.json"
    path.write_bytes(fixture_bytes("kobo_data.json"))
    output = _call(path, "--org", ngo.slug, "--dry-run")
    assert "dry run" in output and "1 created" in output
    assert not Testimony.objects.exists()


def test_a_file_of_another_form_is_refused_with_the_reason(ngo, tmp_path):
    document = copy.deepcopy(fixture_json("odk_submissions_expanded.json"))
    document["value"][0]["water"] = {"source": "well"}
    path = tmp_path / "odk.json"
    path.write_text(json.dumps(document))
    with pytest.raises(CommandError, match="water/source"):
        _call(path, "--org", ngo.slug)
    assert not Testimony.objects.exists()


def test_a_named_profile_that_does_not_exist_is_refused(ngo, tmp_path):
    path = tmp_path / "kobo.json"
    path.write_bytes(fixture_bytes("kobo_data.json"))
    with pytest.raises(CommandError, match="no import profile named 'partner_form'"):
        _call(path, "--org", ngo.slug, "--profile", "partner_form")


def test_a_media_file_that_is_no_zip_refuses_the_import_with_the_reason(ngo, tmp_path):
    path = tmp_path / "kobo.json"
    path.write_bytes(fixture_bytes("kobo_data.json"))
    media = tmp_path / "media.zip"
    media.write_bytes(b"not a zip at all")
    with pytest.raises(CommandError, match="not a ZIP archive"):
        _call(path, "--org", ngo.slug, "--media", media)
    assert not Testimony.objects.exists()


def test_another_forms_export_imports_through_the_organisations_profile(ngo, tmp_path):
    from displacement.services.import_profiles import import_profile_load

    ours = tmp_path / "ours.json"
    ours.write_bytes(fixture_bytes("kobo_data.json"))
    _call(ours, "--org", ngo.slug, "--dry-run")
    profile = import_profile_load(organization=ngo, data=fixture_bytes("profile_other_form.json"))
    theirs = tmp_path / "theirs.json"
    theirs.write_bytes(fixture_bytes("kobo_other_form.json"))
    _call(theirs, "--org", ngo.slug, "--profile", profile.name)
    dry, run = ImportRun.objects.order_by("pk")
    counts = ("created", "updated", "unchanged", "rejected")
    assert run.profile == profile.name
    assert [getattr(run, name) for name in counts] == [getattr(dry, name) for name in counts]
    assert run.created and FormSubmission.objects.count() == dry.created
    # the question their form asks and ours does not is listed, not lost silently
    assert run.report_rows.filter(level=ReportLevel.FLAGGED, field="extra/needs_food").exists()


def test_the_cycle_collector_is_off_while_a_file_imports_and_on_again_after_it_failed(ngo, tmp_path, monkeypatch):
    import gc

    from displacement.services import submission_files

    seen = []
    reader = submission_files.read_submissions
    monkeypatch.setattr(
        submission_files, "read_submissions", lambda *a, **k: seen.append(gc.isenabled()) or reader(*a, **k)
    )
    document = copy.deepcopy(fixture_json("odk_submissions_expanded.json"))
    document["value"][0]["water"] = {"source": "well"}
    path = tmp_path / "odk.json"
    path.write_text(json.dumps(document))
    assert gc.isenabled()
    with pytest.raises(CommandError, match="water/source"):
        _call(path, "--org", ngo.slug)
    assert seen == [False]
    assert gc.isenabled()


def test_odk_repeat_tables_downloaded_apart_are_joined_by_the_command(ngo, tmp_path):
    path = tmp_path / "Submissions.json"
    path.write_bytes(fixture_bytes("odk_submissions.json"))
    tables = []
    for name in ("household.members", "displacements", "media.photos"):
        table = tmp_path / f"Submissions.{name}.json"
        table.write_bytes(fixture_bytes(f"odk_Submissions.{name}.json"))
        tables += ["--odk-table", table]
    output = _call(path, "--org", ngo.slug, *tables)
    assert ImportRun.objects.get().created >= 1, output
    record = FormSubmission.objects.get(stable_id=NEW_HOUSEHOLD)
    assert record.household.members.count() == 2 and len(record.displacements) == 1


def test_a_repeat_table_that_is_not_one_refuses_the_import(ngo, tmp_path):
    path = tmp_path / "Submissions.json"
    path.write_bytes(fixture_bytes("odk_submissions.json"))
    table = tmp_path / "members.json"
    table.write_text(json.dumps({"value": []}))
    with pytest.raises(CommandError, match="not a repeat table of Submissions"):
        _call(path, "--org", ngo.slug, "--odk-table", table)
    assert not FormSubmission.objects.exists()
