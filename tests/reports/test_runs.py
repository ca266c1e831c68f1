"""Scheduled reports in-process: slots, one run and one file per slot, partner files, delivery."""

import csv
import datetime
import hashlib
import io
import json
from unittest import mock

import hxl
import pytest
from django.core import mail, signing
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import OperationalError
from django_celery_beat.models import PeriodicTask

from displacement.celery import _stamp_publication
from displacement.models import (
    AccessLog,
    Consent,
    Place,
    ReportDefinition,
    ReportRun,
    RunStatus,
    SharingAgreement,
)
from displacement.models.vocab import ConsentPurpose
from displacement.reports.files import ReportInvalid, validate, write_csv
from displacement.reports.kinds import Column
from displacement.reports.schedule import latest_slot
from displacement.services import report_delivery, reports
from displacement.services.summaries import summaries_rebuild
from displacement.tasks.reports import report_run_task
from tests.factories import (
    DisplacementFactory,
    EventFactory,
    HouseholdFactory,
    OrganizationFactory,
    PersonFactory,
    TestimonyFactory,
)

pytestmark = pytest.mark.django_db
SLOT = datetime.datetime(2026, 11, 23, 4, 0, tzinfo=datetime.UTC)  # Monday 06:00 in Kyiv


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.REPORTS_WORK_DIR = tmp_path / "partial"
    return settings.MEDIA_ROOT


@pytest.fixture
def partner_org(db):
    return OrganizationFactory(name="Eastern Shelter Alliance", slug="esa", code="UA-ESA")


def _define(organization, slug="weekly-events", kind="events", **fields):
    fields.setdefault("recipients", "m@example.org")
    definition = ReportDefinition(organization=organization, slug=slug, name=slug.title(), kind=kind, **fields)
    return reports.report_definition_save(definition)


def _files(media):
    return sorted(p for p in (media / "reports").rglob("*") if p.is_file()) if (media / "reports").exists() else []


def _read(run):
    with run.file.open("rb") as fh:
        return fh.read()


# --- schedules -----------------------------------------------------------------------------


def test_a_slot_is_the_latest_time_the_crontab_matches():
    moment = datetime.datetime(2026, 11, 25, 10, 17, tzinfo=datetime.UTC)  # a Wednesday
    assert latest_slot("0 6 * * 1", moment, "Europe/Kyiv") == SLOT
    assert latest_slot("*/15 * * * *", moment, "UTC") == datetime.datetime(2026, 11, 25, 10, 15, tzinfo=datetime.UTC)
    assert latest_slot("0 0 1 * *", moment, "UTC") == datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC)
    # Published exactly at the slot, or seconds after it: the same slot.
    assert latest_slot("0 6 * * 1", SLOT, "Europe/Kyiv") == SLOT
    assert latest_slot("0 6 * * 1", SLOT + datetime.timedelta(seconds=40), "Europe/Kyiv") == SLOT


def test_beat_messages_are_stamped_with_their_publication_time():
    body = ((), {"definition_id": 3}, {})
    _stamp_publication(sender="displacement.report_run", body=body)
    stamped = datetime.datetime.fromisoformat(body[1]["published_at"])
    assert abs(stamped - datetime.datetime.now(datetime.UTC)) < datetime.timedelta(seconds=5)
    explicit = ((), {"definition_id": 3, "slot": SLOT.isoformat()}, {})
    _stamp_publication(sender="displacement.report_run", body=explicit)
    assert "published_at" not in explicit[1]


def test_saving_a_definition_schedules_it_with_beat(ngo):
    definition = _define(ngo, cron="30 7 * * 1-5")
    task = PeriodicTask.objects.get(pk=definition.periodic_task_id)
    assert task.task == "displacement.report_run" and task.enabled
    assert json.loads(task.kwargs) == {"definition_id": definition.pk}
    assert (task.crontab.minute, task.crontab.hour, task.crontab.day_of_week) == ("30", "7", "1-5")
    definition.active = False
    reports.report_definition_save(definition)
    task.refresh_from_db()
    assert not task.enabled


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"cron": "every monday"}, "cron"),
        ({"cron": "0 25 * * *"}, "cron"),
        ({"filters": {"place": "UA99"}}, "filters"),
        ({"filters": {"event_type": "earthquake"}}, "filters"),
        ({"filters": {"colour": "red"}}, "filters"),
        ({"filters": ["place", "UA12"]}, "filters"),
        ({"recipients": "not an address"}, "recipients"),
    ],
)
def test_a_bad_definition_is_refused_with_field_errors(ngo, fields, field):
    with pytest.raises(ValidationError) as caught:
        _define(ngo, **fields)
    assert field in caught.value.message_dict
    assert not ReportDefinition.objects.exists()


def test_a_partner_report_needs_an_agreement_sharing_that_kind(ngo, partner_org):
    with pytest.raises(ValidationError) as caught:
        _define(ngo, audience=partner_org)
    assert "audience" in caught.value.message_dict
    SharingAgreement.objects.create(owner=ngo, partner=partner_org, record_kinds=["events"], purposes=["statistics"])
    assert _define(ngo, audience=partner_org).pk


# --- runs ----------------------------------------------------------------------------------


def test_a_run_writes_one_validated_csv_with_hxl_and_a_manifest(ngo, media):
    EventFactory.create_batch(3, organization=ngo)
    definition = _define(ngo)
    assert report_run_task.apply(args=(definition.pk,), kwargs={"slot": SLOT.isoformat()}).get() == "succeeded"
    run = ReportRun.objects.get()
    content = _read(run)
    assert content.startswith("\ufeff".encode())
    assert hashlib.sha256(content).hexdigest() == run.sha256 == run.manifest["sha256"]
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[1][0] == "#event+id" and len(rows) == 2 + 3 == 2 + run.rows
    dataset = hxl.data(io.BytesIO(content), hxl.InputOptions(encoding="utf-8-sig"))
    assert len(list(dataset)) == 3 and "#affected+killed" in dataset.display_tags
    assert run.manifest["rows"] == 3 and run.manifest["columns"][0] == {"name": "id", "hxl": "#event+id"}
    assert _files(media) == [media / "reports" / "dpn" / "weekly-events" / "weekly-events-20261123T0400Z.csv"]
    assert not list((media.parent / "partial").glob("*"))


def test_the_same_slot_again_is_the_same_run_and_the_same_file(ngo, media):
    EventFactory(organization=ngo)
    definition = _define(ngo)
    for _ in range(3):
        report_run_task.apply(args=(definition.pk,), kwargs={"slot": SLOT.isoformat()})
    assert ReportRun.objects.count() == 1 and len(_files(media)) == 1
    assert len(mail.outbox) == 1, "recipients are told once"
    report_run_task.apply(args=(definition.pk,), kwargs={"slot": (SLOT + datetime.timedelta(days=7)).isoformat()})
    first, second = ReportRun.objects.order_by("slot")
    assert first.sha256 == second.sha256, "the same data makes the same bytes"


def test_a_claim_is_held_until_it_expires_or_its_own_message_comes_back(ngo):
    definition = _define(ngo)
    run = reports.report_run_open(definition, SLOT)
    assert reports.report_run_claim(run.pk, "task-a")
    assert not reports.report_run_claim(run.pk, "task-b"), "a second message for the slot waits"
    assert reports.report_run_claim(run.pk, "task-a"), "the same message, redelivered after its worker died"
    ReportRun.objects.filter(pk=run.pk).update(lease_until=SLOT)
    assert reports.report_run_claim(run.pk, "task-b"), "an expired claim is taken over"
    assert reports.report_run_execute(run.pk, token="task-c") == RunStatus.RUNNING
    assert ReportRun.objects.get().status == RunStatus.RUNNING and not ReportRun.objects.get().file


def test_a_run_whose_filters_no_longer_hold_fails_with_the_reason(ngo):
    definition = _define(ngo, filters={"place": "UA12"})
    ReportDefinition.objects.filter(pk=definition.pk).update(filters={"place": "UA99"})
    with pytest.raises(ValidationError):
        report_run_task.apply(args=(definition.pk,), kwargs={"slot": SLOT.isoformat()}).get()
    run = ReportRun.objects.get()
    assert run.status == RunStatus.FAILED and "UA99" in run.error and not run.file
    assert not mail.outbox


def test_a_transient_failure_is_retried_a_bounded_number_of_times_then_recorded(ngo, settings):
    definition = _define(ngo)
    calls = []

    def broken(*args, **kwargs):
        calls.append(1)
        raise OperationalError("the database is restarting")

    with mock.patch("displacement.reports.kinds.generate", broken):
        result = report_run_task.apply(args=(definition.pk,), kwargs={"slot": SLOT.isoformat()})
    assert result.failed()
    assert len(calls) == report_run_task.max_retries + 1
    run = ReportRun.objects.get()
    assert run.status == RunStatus.FAILED and "OperationalError" in run.error and "retries" in run.error
    assert run.attempts == report_run_task.max_retries + 1


def test_filters_and_period_select_the_rows(ngo):
    EventFactory(organization=ngo, start=datetime.date(2026, 11, 20))  # Friday before the slot
    EventFactory(organization=ngo, start=datetime.date(2026, 11, 10))
    EventFactory(
        organization=ngo, start=datetime.date(2026, 11, 21), event_type="battles", sub_event_type="armed_clash"
    )
    definition = _define(ngo, period="week", filters={"event_type": "explosions_remote_violence", "place": "UA12"})
    report_run_task.apply(args=(definition.pk,), kwargs={"slot": SLOT.isoformat()})
    run = ReportRun.objects.get()
    assert run.rows == 1 and run.manifest["period"] == ["2026-11-16", "2026-11-22"]


def test_internal_testimony_lists_carry_no_narrative(ngo):
    TestimonyFactory(organization=ngo, narrative="CANARY narrative of a named person")
    definition = _define(ngo, slug="testimonies", kind="testimonies")
    report_run_task.apply(args=(definition.pk,), kwargs={"slot": SLOT.isoformat()})
    assert b"CANARY" not in _read(ReportRun.objects.get())


def _flows_world(ngo, partner_org, flows=(("UA1202001", 7), ("UA4606001", 6), ("UA8000000", 2))):
    """Households displaced from Donetska to each destination, all consenting to statistics."""
    SharingAgreement.objects.create(owner=ngo, partner=partner_org, record_kinds=["summaries"], purposes=["statistics"])
    for pcode, households in flows:
        for _ in range(households):
            household = HouseholdFactory(organization=ngo)
            PersonFactory(household=household)
            testimony = TestimonyFactory(organization=ngo, household=household)
            Consent.objects.create(testimony=testimony, purpose=ConsentPurpose.STATISTICS)
            DisplacementFactory(household=household, destination=Place.objects.get(pcode=pcode))
    summaries_rebuild(organization_id=ngo.pk)  # what the refreshes after these writes would make


def test_partner_flows_are_suppressed_and_validated(ngo, partner_org, media):
    _flows_world(ngo, partner_org)
    definition = _define(ngo, slug="flows", kind="flows", audience=partner_org)
    report_run_task.apply(args=(definition.pk,), kwargs={"slot": SLOT.isoformat()})
    run = ReportRun.objects.get()
    assert run.status == RunStatus.SUCCEEDED, run.error
    rows = list(csv.DictReader(io.StringIO(_read(run).decode("utf-8-sig"))))[1:]
    cells = {(r["origin_adm1_pcode"], r["destination_adm1_pcode"]): r["households"] for r in rows}
    assert cells[("UA14", "UA12")] == "7"
    assert cells[("UA14", "UA80")] == "", "2 households: suppressed"
    assert cells[("UA14", "UA46")] == "", "6 households: suppressed, or the row total would give the 2 away"
    people = {(r["origin_adm1_pcode"], r["destination_adm1_pcode"]): r["people"] for r in rows}
    assert people[("UA14", "UA80")] == "", "people of a suppressed household cell are hidden too"
    assert run.manifest["small_cell_threshold"] == 5 and run.manifest["suppressed_cells"] >= 2


def test_a_partner_file_with_a_small_count_is_never_delivered(tmp_path):
    columns = [Column("oblast", "#adm1+code"), Column("households", "#affected+households", numeric=True, count=True)]
    path = tmp_path / "f.csv"
    written = write_csv(path, columns, [["UA14", 12], ["UA12", 2]])
    validate(path, columns, expected_rows=written.rows, partner=False)
    with pytest.raises(ReportInvalid, match="Row 4, households"):
        validate(path, columns, expected_rows=written.rows, partner=True)
    written = write_csv(path, columns, [["UA14", "twelve"]])
    with pytest.raises(ReportInvalid, match="not a number"):
        validate(path, columns, expected_rows=written.rows, partner=False)
    written = write_csv(path, [Column("oblast", "adm1")], [["UA14"]])
    with pytest.raises(ReportInvalid, match="HXL"):
        validate(path, [Column("oblast", "adm1")], expected_rows=written.rows, partner=False)


def test_a_failed_validation_leaves_no_file_and_a_failed_run(ngo, partner_org, media):
    _flows_world(ngo, partner_org)
    definition = _define(ngo, slug="flows", kind="flows", audience=partner_org)
    # Suppression broken (no count is small to it): the file's validation still refuses it.
    with mock.patch("displacement.reports.suppression.is_small", lambda value, k: False):
        report_run_task.apply(args=(definition.pk,), kwargs={"slot": SLOT.isoformat()})
    run = ReportRun.objects.get()
    assert run.status == RunStatus.FAILED and "count below 5" in run.error
    assert _files(media) == [] and not mail.outbox


# --- delivery ------------------------------------------------------------------------------


def test_partner_recipients_get_an_expiring_link(ngo, partner_org, client):
    _flows_world(ngo, partner_org)
    definition = _define(ngo, slug="flows", kind="flows", audience=partner_org)
    report_run_task.apply(args=(definition.pk,), kwargs={"slot": SLOT.isoformat()})
    (message,) = mail.outbox
    link = next(line.split(": ", 1)[1] for line in message.body.splitlines() if line.startswith("Download"))
    path = link.removeprefix("http://127.0.0.1:8000")
    assert "expires" in message.body and "/reports/" in path
    response = client.get(path)
    assert response.status_code == 200
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == ReportRun.objects.get().sha256
    assert AccessLog.objects.filter(organization=ngo, detail__via="link").count() == 1
    assert client.get(path[:-3] + "xyz/").status_code == 404
    later = datetime.datetime.now().timestamp() + 8 * 86400
    with mock.patch("django.core.signing.time.time", return_value=later):
        assert client.get(path).status_code == 404


def test_internal_recipients_get_the_admin_download(ngo, coordinator, client):
    EventFactory(organization=ngo, title="CANARY strike on the street where a family lives")
    definition = _define(ngo)
    report_run_task.apply(args=(definition.pk,), kwargs={"slot": SLOT.isoformat()})
    run = ReportRun.objects.get()
    assert f"/admin/displacement/reportrun/{run.pk}/download/" in mail.outbox[0].body
    assert "CANARY" not in mail.outbox[0].body
    client.force_login(coordinator)
    response = client.get(f"/admin/displacement/reportrun/{run.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == run.sha256
    assert AccessLog.objects.filter(user=coordinator, action="export").exists()


def test_a_link_is_refused_for_an_internal_run(ngo, client):
    EventFactory(organization=ngo)
    definition = _define(ngo)
    report_run_task.apply(args=(definition.pk,), kwargs={"slot": SLOT.isoformat()})
    token = signing.dumps({"run": ReportRun.objects.get().pk}, salt="displacement.report-link")
    assert client.get(f"/reports/{token}/").status_code == 404


# --- housekeeping --------------------------------------------------------------------------


def test_old_files_are_purged_and_their_runs_kept(ngo, media, settings):
    EventFactory(organization=ngo)
    definition = _define(ngo)
    report_run_task.apply(args=(definition.pk,), kwargs={"slot": SLOT.isoformat()})
    run = ReportRun.objects.get()
    assert (
        reports.reports_purge(now=run.finished_at + datetime.timedelta(days=settings.REPORTS_RETENTION_DAYS - 1)) == 0
    )
    assert (
        reports.reports_purge(now=run.finished_at + datetime.timedelta(days=settings.REPORTS_RETENTION_DAYS + 1)) == 1
    )
    run.refresh_from_db()
    assert not run.file and run.purged_at and run.sha256 and _files(media) == []


def test_runs_nobody_works_on_are_queued_again(ngo):
    definition = _define(ngo)
    stuck = reports.report_run_open(definition, SLOT)
    reports.report_run_claim(stuck.pk, "dead-worker")
    now = datetime.datetime.now(datetime.UTC)
    assert not reports.runs_to_recover(now=now).exists()
    ReportRun.objects.filter(pk=stuck.pk).update(lease_until=now - datetime.timedelta(seconds=1))
    assert list(reports.runs_to_recover(now=now)) == [stuck]


def test_run_report_runs_one_now(ngo, capsys):
    EventFactory(organization=ngo)
    _define(ngo)
    call_command("run_report", "weekly-events")
    run = ReportRun.objects.get()
    assert run.manual and run.status == RunStatus.SUCCEEDED
    assert run.sha256 in capsys.readouterr().out
    with pytest.raises(Exception, match="Known reports: weekly-events"):
        call_command("run_report", "nope")


# --- what the review found -----------------------------------------------------------------


def test_daylight_saving_changes_keep_slots_distinct_and_never_late():
    kyiv = "Europe/Kyiv"
    # 25 October 2026: 04:00 EEST becomes 03:00 EET; local 03:00 happens at 00:00Z and 01:00Z.
    autumn = datetime.datetime(2026, 10, 25, 1, 30, tzinfo=datetime.UTC)
    assert latest_slot("0 * * * *", autumn, kyiv) == datetime.datetime(2026, 10, 25, 1, 0, tzinfo=datetime.UTC)
    before = datetime.datetime(2026, 10, 25, 0, 30, tzinfo=datetime.UTC)
    assert latest_slot("0 * * * *", before, kyiv) == datetime.datetime(2026, 10, 25, 0, 0, tzinfo=datetime.UTC)
    # 29 March 2026: 03:00 EET becomes 04:00 EEST; local 03:30 does not exist.
    spring = datetime.datetime(2026, 3, 29, 1, 0, tzinfo=datetime.UTC)
    assert latest_slot("30 3 * * *", spring, kyiv) <= spring


def test_a_schedule_too_long_for_beats_table_is_a_field_error(ngo):
    with pytest.raises(ValidationError) as caught:
        _define(ngo, cron="0 6 * * " + ",".join(["1"] * 40))
    assert "cron" in caught.value.message_dict


def test_deleting_a_definition_unschedules_it_and_frees_its_slug(ngo):
    definition = _define(ngo)
    task_id = definition.periodic_task_id
    definition.delete()
    assert not PeriodicTask.objects.filter(pk=task_id).exists()
    assert _define(ngo).periodic_task_id


def _partner_run(ngo, partner_org, kind="events"):
    agreement = SharingAgreement.objects.create(
        owner=ngo, partner=partner_org, record_kinds=["events", "summaries"], purposes=["statistics"]
    )
    EventFactory(organization=ngo)
    definition = _define(ngo, slug="for-partner", kind=kind, audience=partner_org)
    report_run_task.apply(args=(definition.pk,), kwargs={"slot": SLOT.isoformat()})
    return agreement, definition, ReportRun.objects.get(definition=definition)


def test_a_run_belongs_to_the_audience_it_was_made_for(ngo, partner_org):
    EventFactory(organization=ngo)
    internal = _define(ngo, slug="internal")
    report_run_task.apply(args=(internal.pk,), kwargs={"slot": SLOT.isoformat()})
    SharingAgreement.objects.create(owner=ngo, partner=partner_org, record_kinds=["events"], purposes=["statistics"])
    internal.audience = partner_org
    reports.report_definition_save(internal)
    assert not report_delivery.partner_runs(partner_org).exists(), "an internal file never becomes a partner's"
    assert ReportRun.objects.get(definition=internal).audience is None


def test_an_ended_agreement_ends_downloads(ngo, partner_org, client):
    agreement, _definition, run = _partner_run(ngo, partner_org)
    link = next(line.split(": ", 1)[1] for line in mail.outbox[0].body.splitlines() if line.startswith("Download"))
    path = link.removeprefix("http://127.0.0.1:8000")
    assert list(report_delivery.partner_runs(partner_org)) == [run] and client.get(path).status_code == 200
    SharingAgreement.objects.filter(pk=agreement.pk).update(
        valid_from=datetime.date.today() - datetime.timedelta(days=30),
        valid_until=datetime.date.today() - datetime.timedelta(days=1),
    )
    assert not report_delivery.partner_runs(partner_org).exists()
    assert client.get(path).status_code == 410  # withdrawn: the agreement ended


def test_a_missing_file_is_a_404_not_a_500(ngo, partner_org, client, media):
    _agreement, _definition, _run = _partner_run(ngo, partner_org)
    link = next(line.split(": ", 1)[1] for line in mail.outbox[0].body.splitlines() if line.startswith("Download"))
    for path in media.rglob("*.csv"):
        path.unlink()
    assert client.get(link.removeprefix("http://127.0.0.1:8000")).status_code == 404


def test_recipients_each_get_their_own_message(ngo):
    EventFactory(organization=ngo)
    definition = _define(ngo, recipients="a@example.org\nb@example.org")
    report_run_task.apply(args=(definition.pk,), kwargs={"slot": SLOT.isoformat()})
    assert sorted(message.to for message in mail.outbox) == [["a@example.org"], ["b@example.org"]]


def test_a_failed_notification_keeps_the_run_and_is_sent_later(ngo):
    from displacement.tasks.reports import reports_recover_task

    EventFactory(organization=ngo)
    definition = _define(ngo)
    with mock.patch("displacement.services.reports.send_mass_mail", side_effect=ConnectionRefusedError):
        report_run_task.apply(args=(definition.pk,), kwargs={"slot": SLOT.isoformat()})
    run = ReportRun.objects.get()
    assert run.status == RunStatus.SUCCEEDED and run.notified_at is None and not mail.outbox
    reports_recover_task.apply()
    run.refresh_from_db()
    assert run.notified_at is not None and len(mail.outbox) == 1
    reports_recover_task.apply()
    assert len(mail.outbox) == 1


def test_a_run_abandoned_too_often_is_marked_failed(ngo, settings):
    definition = _define(ngo)
    run = reports.report_run_open(definition, SLOT)
    past = datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=1)
    ReportRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, attempts=settings.TASK_MAX_RETRIES + 1, lease_until=past
    )
    assert not reports.runs_to_recover().exists()
    assert reports.runs_give_up() == 1
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and "Abandoned" in run.error
