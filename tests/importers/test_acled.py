"""ACLED files through the pipeline: the mapping, upserts, revisions and deletions."""

import csv
import datetime
import json

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from displacement.importers.acled.mapping import EventMapper
from displacement.models import Event, ImportStatus, Tombstone
from displacement.models.vocab import SUB_EVENT_TYPES, SubEventType, VerificationStatus
from displacement.services.imports import import_report_csv, import_run_start
from tests.factories import EventFactory

from .conftest import FIXTURES, run_import

pytestmark = pytest.mark.django_db


EventHistory = apps.get_model("displacement", "EventHistory")


def event(organization, external_id):
    return Event.objects.select_related("place").get(organization=organization, external_id=external_id)


def mapped(organization, external_id):
    """What the mapping decided for an event: the fields both layouts carry."""
    e = event(organization, external_id)
    return (
        e.title,
        e.description,
        e.event_type,
        e.sub_event_type,
        e.start,
        e.date_precision,
        e.place.pcode,
        e.geo_precision,
        e.latitude,
        e.longitude,
        e.killed,
        e.civilian_targeting,
        e.actor1,
        e.actor2,
        e.inter1,
        e.inter2,
        sorted(e.sources.values_list("publisher", flat=True)),
    )


def test_the_2022_layout_imports_every_row_mapped_to_our_fields(ngo, imported):
    assert imported.status == ImportStatus.DONE
    assert (imported.created, imported.updated, imported.unchanged, imported.rejected) == (6, 0, 0, 0)
    shelling = event(ngo, "XUKR90001")
    assert shelling.start == datetime.date(2022, 5, 13)
    assert shelling.sub_event_type == SubEventType.SHELLING_ARTILLERY_MISSILE
    assert shelling.title == "Shelling/artillery/missile attack in Pokrovsk, 13 May 2022"
    assert shelling.place.pcode == "UA1416021"  # Pokrovska in Pokrovskyi raion, not the other three
    assert (shelling.killed, shelling.civilian_targeting, shelling.inter1, shelling.inter2) == (
        2,
        True,
        "State forces",
        "Civilians",
    )
    assert str(shelling.latitude) == "48.283300"
    assert sorted(shelling.sources.values_list("publisher", "scale")) == [
        ("Example Wire", "National-International"),
        ("Invented Daily", "National-International"),
    ]
    assert (shelling.origin, shelling.import_run_id, shelling.verification_status) == (
        "acled",
        imported.pk,
        VerificationStatus.REPORTED,
    )
    clash = event(ngo, "XUKR90002")
    # 0 fatalities: unknown; no admin3, so the location names the hromada (Chuhuiv: Chuhuivska)
    assert (clash.killed, clash.date_precision, clash.place.name_en) == (None, "week", "Chuhuivska")
    assert event(ngo, "XUKR90004").place.pcode == "UA80"  # ACLED's "Kyiv City"
    assert event(ngo, "XUKR90006").place.pcode.startswith("UA23")  # ACLED's "Zaporizhia"


def test_the_current_layout_and_the_api_json_map_as_the_2022_layout_does(ngo, other_ngo, imported):
    run_import(other_ngo, "acled_current.csv")
    for external_id in ("XUKR90001", "XUKR90003", "XUKR90004", "XUKR90006"):
        assert mapped(other_ngo, external_id) == mapped(ngo, external_id)
    again = run_import(other_ngo, "acled_api.json")
    assert (again.kind, again.created, again.unchanged) == ("acled_json", 0, 2)


def test_the_same_file_again_changes_nothing_and_writes_no_history(ngo, imported):
    history = EventHistory.objects.count()
    stamps = sorted(Event.objects.values_list("updated_at", flat=True))
    again = run_import(ngo, "acled_2022.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 6)
    assert EventHistory.objects.count() == history
    assert sorted(Event.objects.values_list("updated_at", flat=True)) == stamps


def test_an_unchanged_row_repeated_or_cut_short_in_the_file_again_is_still_rejected(ngo, imported, tmp_path):
    # A re-import's known rows skip the mapping; the checks of the file's shape still hold.
    lines = (FIXTURES / "acled_2022.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    short = lines[2].rstrip("\r\n").rsplit(",", 3)[0] + "\n"
    path = tmp_path / "acled_again.csv"
    path.write_text("".join([*lines, lines[1], short]), encoding="utf-8")
    again = run_import(ngo, path)
    assert (again.created, again.updated, again.unchanged, again.rejected) == (0, 0, 6, 2)
    reasons = [row.message for row in again.report_rows.order_by("row_number")]
    assert "appears more than once" in reasons[0]
    assert "cells where the header has" in reasons[1]
    # A known row whose timestamp is no number (superscript digits pass str.isdigit) is unchanged.
    cells = lines[1].rstrip("\r\n").split(",")
    cells[-2] = "\u00b2"
    path.write_text(lines[0] + ",".join(cells) + "\n", encoding="utf-8")
    odd = run_import(ngo, path)
    assert (odd.status, odd.unchanged, odd.rejected) == (ImportStatus.DONE, 1, 0)


def test_the_cells_check_knows_no_row_without_an_id():
    # An event whose external id was cleared keeps its ACLED timestamp: "" must not be known.
    check = EventMapper(revisions={"": 10, "XUKR1": 10}).unchanged_check(["event_id_cnty", "timestamp"])
    assert (check(["", "5"]), check(["  ", ""]), check(["XUKR1", "5"]), check(["XUKR1", "11"])) == ("", "", "XUKR1", "")


def test_a_newer_acled_timestamp_revises_the_event_and_an_older_one_counts_as_unchanged(ngo, imported):
    revised = run_import(ngo, "acled_current_revised.csv")
    assert (revised.updated, revised.unchanged) == (1, 1)
    shelling = event(ngo, "XUKR90001")
    assert (shelling.killed, shelling.import_run_id) == (3, revised.pk)
    assert list(shelling.sources.values_list("publisher", flat=True)) == ["Invented Daily"]
    assert list(shelling.history.order_by("pgh_id").values_list("killed", flat=True)) == [2, 3]
    assert event(ngo, "XUKR90002").killed is None  # the older row's 9 was not taken


def test_a_revision_keeps_the_verification_a_coordinator_decided(ngo, imported):
    Event.objects.filter(external_id="XUKR90001").update(verification_status=VerificationStatus.VERIFIED)
    run_import(ngo, "acled_current_revised.csv")
    assert event(ngo, "XUKR90001").verification_status == VerificationStatus.VERIFIED


def test_the_organisation_decides_the_status_imported_events_start_with(ngo):
    ngo.acled_verification_status = VerificationStatus.CORROBORATED
    ngo.save()
    run_import(ngo, "acled_api.json")
    assert set(Event.objects.values_list("verification_status", flat=True)) == {VerificationStatus.CORROBORATED}


def test_a_value_that_is_no_place_imports_at_country_level_flagged(ngo, imported):
    at_sea = event(ngo, "XUKR90003")
    assert (at_sea.place.pcode, at_sea.geo_precision) == ("UA", 3)
    lines = list(imported.report_rows.filter(level="flagged").values_list("row_number", "external_id", "field"))
    assert (4, "XUKR90003", "admin1") in lines


def test_equal_hromada_names_in_one_raion_stop_at_the_raion_flagged(ngo, imported):
    mine = event(ngo, "XUKR90005")
    assert mine.place.pcode == "UA1208"
    line = imported.report_rows.get(external_id="XUKR90005")
    assert "UA1208009" in line.message and "UA1208011" in line.message


def test_bad_rows_are_rejected_with_their_reason_while_the_rest_imports(ngo):
    run = run_import(ngo, "acled_bad_rows.csv")
    assert (run.created, run.rejected) == (1, 4)
    reasons = dict(run.report_rows.filter(level="rejected").values_list("row_number", "message"))
    assert "Skirmishes" in reasons[3] and "Battles" in reasons[3]  # names the allowed values
    assert "2022-02-30" in reasons[4]
    assert "-2" in reasons[5]
    assert "more than once" in reasons[6]
    assert list(Event.objects.values_list("external_id", flat=True)) == ["XUKR90001"]


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("acled_missing_columns.csv", "Required columns are missing: event_date, admin1."),
        ("acled_truncated.csv", "cut short"),
    ],
)
def test_a_file_that_fails_as_a_whole_writes_nothing(ngo, name, error):
    run = run_import(ngo, name)
    assert run.status == ImportStatus.FAILED
    assert error in run.error
    assert not Event.objects.exists()
    assert not run.report_rows.exists()


def test_a_column_named_twice_fails_the_file_naming_it(ngo, tmp_path):
    lines = (FIXTURES / "acled_current.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    path = tmp_path / "twice.csv"
    path.write_text(
        lines[0].rstrip("\r\n") + ",Fatalities\n" + "".join(line.rstrip("\r\n") + ",9\n" for line in lines[1:])
    )
    run = run_import(ngo, path)
    assert run.status == ImportStatus.FAILED
    assert "more than once" in run.error and "fatalities" in run.error
    assert not Event.objects.exists()


def test_a_json_false_or_null_is_no_civilian_targeting(ngo, tmp_path):
    document = json.loads((FIXTURES / "acled_api.json").read_text(encoding="utf-8"))
    for item, value in zip(document["data"], (False, None), strict=False):
        item["civilian_targeting"] = value
    path = tmp_path / "api.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    run = run_import(ngo, path)
    assert run.created == len(document["data"])
    assert not Event.objects.filter(civilian_targeting=True).exists()


@pytest.mark.parametrize(
    ("content", "kind", "error"),
    [
        ((FIXTURES / "acled_current.csv").read_text(encoding="utf-8").encode("utf-16"), "", "UTF-16"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "", "an image"),
        (b"PK\x03\x04" + bytes(100), "acled_csv", "Excel workbook"),  # chosen as ACLED: not read as Kobo's
    ],
)
def test_a_file_that_is_no_csv_says_what_it_is(ngo, tmp_path, content, kind, error):
    path = tmp_path / "upload.csv"
    path.write_bytes(content)
    run = run_import(ngo, path, kind=kind)
    assert run.status == ImportStatus.FAILED
    assert error in run.error
    assert not Event.objects.exists()


def acled_file(path, changes):
    """acled_current.csv's first row once per change ({column: value}), each with an id of its own."""
    lines = (FIXTURES / "acled_current.csv").read_text(encoding="utf-8").splitlines()
    header, row = next(csv.reader(lines[:1])), next(csv.reader(lines[1:2]))
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        for number, change in enumerate(changes):
            cells = dict(zip(header, row, strict=True)) | {"event_id_cnty": f"XT{number}"} | change
            writer.writerow([cells[c] for c in header])
    return path


def test_counts_and_timestamps_beyond_the_columns_range_or_not_ascii_digits_reject_their_row(ngo, tmp_path):
    path = acled_file(
        tmp_path / "x.csv",
        [{}, {"fatalities": "99999999999999999999"}, {"fatalities": "²"}, {"timestamp": "99999999999999999999"}],
    )
    run = run_import(ngo, path)
    assert (run.status, run.created, run.rejected) == (ImportStatus.DONE, 1, 3)
    assert list(run.report_rows.values_list("row_number", "field")) == [
        (3, "fatalities"),
        (4, "fatalities"),
        (5, "timestamp"),
    ]
    assert list(Event.objects.values_list("external_id", flat=True)) == ["XT0"]


def test_an_id_whose_first_row_was_rejected_rejects_its_later_rows_too(ngo, tmp_path):
    """Which of the two rows ACLED meant is unknown, whether or not the first could be read."""
    path = acled_file(tmp_path / "x.csv", [{"event_date": "2024-02-30"}, {"event_id_cnty": "XT0"}])
    run = run_import(ngo, path)
    assert (run.created, run.rejected) == (0, 2)
    assert "more than once" in run.report_rows.get(row_number=3).message
    assert not Event.objects.exists()


def test_a_date_outside_the_window_is_named_with_one_full_stop(ngo, tmp_path):
    run = run_import(ngo, acled_file(tmp_path / "x.csv", [{"event_date": "2999-01-01"}]))
    assert not run.report_rows.get().message.endswith("..")


def test_bytes_that_are_neither_utf8_nor_cp1251_fail_the_file_with_the_reason(ngo, tmp_path):
    """cp1251 leaves 0x98 undefined: a binary file without NUL bytes, or a cp1251 file with it
    in a later row, is refused whole with the reason, not stopped by an internal error."""
    header, row = (FIXTURES / "acled_current.csv").read_text(encoding="utf-8").splitlines()[:2]
    path = tmp_path / "x.csv"
    path.write_bytes(f"{header}\n{row}\n".encode("cp1251") + "Примітка".encode("cp1251") + b"\x98\n")
    run = run_import(ngo, path)
    assert (run.status, run.error) == (ImportStatus.FAILED, "This is not a text file in UTF-8 or cp1251.")
    assert not Event.objects.exists()


def test_a_file_over_the_size_limit_is_refused_before_anything_is_read(ngo, settings):
    settings.IMPORT_MAX_BYTES = 1024
    with (FIXTURES / "acled_current.csv").open("rb") as handle, pytest.raises(ValidationError, match="limit"):
        import_run_start(organization=ngo, by=None, handle=handle, file_name="x.csv", dry_run=False)


@pytest.mark.parametrize("name", ["acled_cp1251_semicolon.csv", "acled_bom_semicolon.csv"])
def test_excel_files_in_cp1251_or_with_a_bom_and_semicolons_are_read(ngo, name):
    run = run_import(ngo, name)
    assert (run.created, run.rejected, run.ignored_columns) == (3, 0, ["our_remarks"])
    assert event(ngo, "XUKR90001").description == "Примітка: обстріл\nдругий рядок"  # a quoted newline
    assert event(ngo, "XUKR90002").actor2 == "Цивільні (Україна)"


def test_a_dry_run_counts_and_reports_but_writes_nothing(ngo):
    run = run_import(ngo, "acled_2022.csv", dry_run=True)
    assert (run.status, run.created, run.flagged) == (ImportStatus.DONE, 6, 2)
    assert run.report_rows.count() == 2
    assert not Event.objects.exists()


def test_deletions_remove_the_events_leave_tombstones_and_list_them(ngo, imported):
    deleted = event(ngo, "XUKR90002")
    run = run_import(ngo, "acled_deletions.csv")
    assert (run.kind, run.deleted, run.unchanged) == ("acled_deletions", 1, 1)
    assert not Event.objects.filter(pk=deleted.pk).exists()
    assert Tombstone.objects.filter(record_kind="events", record_id=deleted.pk).exists()
    assert list(run.report_rows.values_list("level", "external_id")) == [("deleted", "XUKR90002")]


def test_the_report_downloads_as_csv_with_row_id_field_and_message(ngo, imported):
    lines = import_report_csv(imported).splitlines()
    assert lines[0] == "row,external_id,level,field,message"
    assert lines[1].startswith("4,XUKR90003,flagged,admin1,")


def test_a_staff_event_with_the_same_id_is_revised_not_duplicated(ngo):
    EventFactory(organization=ngo, external_id="XUKR90001", killed=7)
    run = run_import(ngo, "acled_api.json")
    assert (run.created, run.updated) == (1, 1)
    assert Event.objects.get(external_id="XUKR90001").killed == 2


@pytest.mark.parametrize(
    ("event_type", "sub_type"),
    [(t, s) for t, subs in SUB_EVENT_TYPES.items() for s in subs],
)
def test_every_sub_type_of_the_codebook_maps_to_our_slug(ngo, event_type, sub_type):
    from django.utils import translation

    from displacement.models.vocab import EventType

    with translation.override("en"):
        row = {
            "event_id_cnty": "X1",
            "event_date": "2023-01-02",
            "event_type": str(EventType(event_type).label),
            "sub_event_type": str(SubEventType(sub_type).label).upper(),
            "admin1": "Donetsk",
            "location": "Pokrovsk",
            "country": "Ukraine",
        }
    result = EventMapper()(2, row)
    assert (result.values.event_type, result.values.sub_event_type) == (event_type, sub_type)


def test_a_sub_type_of_another_type_is_rejected_naming_the_allowed_ones(ngo):
    row = {
        "event_id_cnty": "X1",
        "event_date": "2023-01-02",
        "event_type": "Battles",
        "sub_event_type": "Air/drone strike",
        "admin1": "Donetsk",
        "location": "Pokrovsk",
    }
    result = EventMapper()(2, row)
    assert result.rejected
    assert "Armed clash" in result.problems[0].message


def test_an_import_refreshes_the_weeks_it_touched_once_it_commits(ngo, monkeypatch, django_capture_on_commit_callbacks):
    from displacement.services import summary_tracking
    from displacement.tasks.summaries import summaries_refresh_task

    for pending in (summary_tracking._pending(), summary_tracking._pending_parts(), summary_tracking._pending_cases()):
        pending.clear()  # weeks left by earlier tests' rolled-back writes
    queued = []
    monkeypatch.setattr(summaries_refresh_task, "apply_async", lambda args, kwargs, **options: queued.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        run_import(ngo, "acled_api.json")
    assert queued == [(ngo.pk, ["2022-05-09"])]  # both events fall in the week of Monday 9 May 2022
    queued.clear()
    with django_capture_on_commit_callbacks(execute=True):
        run_import(ngo, "acled_api.json", dry_run=True)
    assert queued == []


def test_an_event_date_outside_the_products_window_is_a_row_error():
    from displacement.importers.acled.mapping import date_problem

    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    assert "ACLED's first year" in date_problem(datetime.date(1996, 12, 31))
    assert date_problem(tomorrow)  # the window every date of the product lies in (models.dates)
    assert date_problem(datetime.date(2022, 5, 13)) is None


def test_each_distinct_date_and_type_pair_is_judged_once_a_file_and_the_same_way_each_row(ngo, monkeypatch):
    from displacement.importers.acled import mapping

    judged = []
    real = mapping.date_problem
    monkeypatch.setattr(mapping, "date_problem", lambda day: judged.append(day) or real(day))
    mapper = EventMapper()
    base = {"event_type": "Battles", "sub_event_type": "Armed clash", "admin1": "Donetsk", "country": "Ukraine"}
    rows = [
        {**base, "event_id_cnty": "X1", "event_date": "2022-05-13", "location": "Pokrovsk"},
        {**base, "event_id_cnty": "X2", "event_date": "2022-05-13", "location": "Kramatorsk"},
        {**base, "event_id_cnty": "X3", "event_date": "2022-02-30", "location": "Pokrovsk"},
        {**base, "event_id_cnty": "X4", "event_date": "2022-02-30", "location": "Pokrovsk"},
        {**base, "event_id_cnty": "X5", "event_date": "2022-05-13", "sub_event_type": "Air/drone strike"},
        {**base, "event_id_cnty": "X6", "event_date": "2022-05-13", "sub_event_type": "Air/drone strike"},
    ]
    results = [mapper(n, row) for n, row in enumerate(rows, start=2)]
    assert judged == [datetime.date(2022, 5, 13)]
    assert [r.values.title for r in results[:2]] == [
        "Armed clash in Pokrovsk, 13 May 2022",
        "Armed clash in Kramatorsk, 13 May 2022",
    ]
    assert [r.problems[0].message for r in results[2:4]] == [
        "“2022-02-30” is not a date (2022-05-13 or 13 May 2022)."
    ] * 2
    assert results[4].problems[0].message == results[5].problems[0].message
    assert "Armed clash" in results[5].problems[0].message


def test_the_history_of_copied_and_revised_events_names_the_import_run(ngo, imported):
    """New events are copied straight into the table (COPY, outside Django's cursor): their
    history rows still carry the run's context, as the revisions' do."""
    created = EventHistory.objects.filter(pgh_obj__organization=ngo, pgh_label="insert")
    assert created.count() == 6
    assert {row.pgh_context.metadata.get("import_run") for row in created} == {imported.pk}
    revised = run_import(ngo, "acled_current_revised.csv")
    updates = EventHistory.objects.filter(pgh_obj__organization=ngo, pgh_label="update")
    assert {row.pgh_context.metadata.get("import_run") for row in updates} == {revised.pk}
