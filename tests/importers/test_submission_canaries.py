"""A name and a phone number planted in a submission reach contact details and nothing else.

Not a partner's API pages (JSON and CSV), not a report file, not an analyst's export, not a
history table, not a log line, not the import's report or its error, not a Celery message.
"""

import copy
import json
import logging
import sys
from unittest import mock

import pytest
from django.apps import apps
from django.urls import reverse
from django.views.debug import ExceptionReporter
from rest_framework.test import APIClient

from api.models import OrganizationAPIKey
from displacement.celery import app as celery_app
from displacement.models import ContactDetails, FormSubmission, ImportRun, ReportDefinition, ReportRun, SharingAgreement
from displacement.services import reports
from displacement.services.imports import import_report_csv, import_run_execute, import_run_start
from displacement.tasks.imports import import_run_task
from displacement.tasks.reports import report_run_task
from tests.factories import OrganizationFactory
from tests.importers.submission_fixtures import fixture_json

pytestmark = pytest.mark.django_db

NAME, PHONE, ADDRESS = "CANARY-INTAKE-NAME-Hanna", "+380 66 123 4567", "CANARY-INTAKE-ADDRESS-Lisova-9"
CANARIES = [NAME, PHONE, ADDRESS]
ENDPOINTS = ["events", "testimonies", "households", "displacements", "cases", "summaries", "sources", "places"]


def _assert_clean(text: str, where: str) -> None:
    for canary in CANARIES:
        assert canary not in text, f"{canary} leaked into {where}"


def _submissions(tmp_path):
    page = fixture_json("kobo_data.json")
    shared = page["results"][0]
    shared.update({"household/contact/full_name": NAME, "household/contact/phone": PHONE})
    shared.update({"household/contact/address": ADDRESS, "consent/sharing_with_partners": "yes"})
    shared.update({"account/sensitivity": "public"})
    # A second one rejected for its phone, and a third for a missing answer: their reasons
    # must not repeat what was typed.
    bad_phone = copy.deepcopy(shared) | {"_uuid": "bb-1", "meta/instanceID": "uuid:bb-1"}
    bad_phone["household/contact/phone"] = f"call {NAME}"
    missing = copy.deepcopy(shared) | {"_uuid": "bb-2", "meta/instanceID": "uuid:bb-2"}
    del missing["interview/witness_role"]
    page["results"] = [shared, bad_phone, missing]
    path = tmp_path / "kobo.json"
    path.write_text(json.dumps(page), encoding="utf-8")
    return path


def _start(organization, path):
    with path.open("rb") as handle:
        return import_run_start(
            organization=organization, by=None, handle=handle, file_name=path.name, dry_run=False, keep_file=False
        )


@pytest.fixture
def partner_org(ngo):
    partner = OrganizationFactory(name="Eastern Shelter Alliance", slug="esa", code="UA-ESA")
    SharingAgreement.objects.create(
        owner=ngo,
        partner=partner,
        purposes=["statistics"],
        record_kinds=["events", "testimonies", "households", "displacements", "cases", "summaries"],
    )
    return partner


def test_a_planted_name_and_phone_reach_contact_details_and_nowhere_else(
    ngo, partner_org, analyst, client, tmp_path, caplog, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.REPORTS_WORK_DIR = tmp_path / "partial"
    caplog.set_level(logging.DEBUG)
    run = _start(ngo, _submissions(tmp_path))
    published = []
    original = celery_app.amqp.send_task_message

    def capture(producer, name, message, **options):
        published.append(json.dumps([message.headers, message.body], default=str))
        return original(producer, name, message, **options)

    with (
        mock.patch.object(celery_app.amqp, "send_task_message", capture),
        celery_app.connection_for_write("memory://") as connection,
    ):
        import_run_task.apply_async((run.pk,), connection=connection)
    run = import_run_execute(run_id=run.pk, path=tmp_path / "kobo.json")
    assert (run.created, run.rejected) == (1, 2)
    contact = ContactDetails.objects.get()
    assert (contact.full_name, contact.phone, contact.address) == (NAME, PHONE, ADDRESS)

    assert published
    for body in published:
        _assert_clean(body, "a Celery message")
    _assert_clean(import_report_csv(run), "the import report")
    _assert_clean(json.dumps(list(ImportRun.objects.values()), default=str), "the import run")
    _assert_clean(json.dumps(list(FormSubmission.objects.values()), default=str), "the submissions' records")
    for model in apps.get_app_config("displacement").get_models():
        if model.__name__.endswith("History") or model._meta.db_table.startswith("pghistory"):
            _assert_clean(json.dumps(list(model.objects.values()), default=str), model.__name__)
    context = apps.get_model("pghistory", "Context")
    _assert_clean(json.dumps(list(context.objects.values()), default=str), "the history's context")

    _, key = OrganizationAPIKey.objects.create_key(name="sync", organization=partner_org, scopes=["read"])
    partner = APIClient()
    partner.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    testimonies = partner.get("/api/v1/testimonies/?format=json").json()
    assert len(testimonies["results"]) == 1, "the testimony is shared: the test reads a partner's copy"
    for endpoint in ENDPOINTS:
        for fmt in ("json", "csv"):
            response = partner.get(f"/api/v1/{endpoint}/?format={fmt}")
            assert response.status_code == 200
            body = b"".join(response.streaming_content) if response.streaming else response.content
            _assert_clean(body.decode("utf-8"), f"the partner's {endpoint} {fmt}")

    client.force_login(analyst)
    ids = list(apps.get_model("displacement", "Household").objects.values_list("pk", flat=True))
    export = client.post(
        reverse("admin:displacement_household_changelist"), {"action": "export_csv", "_selected_action": ids}
    )
    _assert_clean(b"".join(export.streaming_content).decode(), "an analyst's export")

    for kind, audience in (("testimonies", None), ("flows", partner_org)):
        definition = reports.report_definition_save(
            ReportDefinition(
                organization=ngo, slug=kind, name=kind, kind=kind, audience=audience, recipients="m@example.org"
            )
        )
        report_run_task.apply(args=(definition.pk,), kwargs={"slot": "2026-12-07T04:00:00+00:00"})
    assert ReportRun.objects.exclude(file="").filter(definition__kind="testimonies").exists()
    for report in ReportRun.objects.exclude(file=""):
        with report.file.open("rb") as handle:
            _assert_clean(handle.read().decode("utf-8-sig"), f"the {report.definition.kind} report")

    logged = "\n".join(record.getMessage() + repr(record.args) for record in caplog.records)
    _assert_clean(logged, "the logs")


def test_an_import_that_crashes_leaves_no_canary_in_its_error_or_error_report(ngo, tmp_path):
    run = _start(ngo, _submissions(tmp_path))
    with (
        mock.patch("displacement.services.submission_import.submissions_create", side_effect=RuntimeError("boom")),
        pytest.raises(RuntimeError),
    ):
        try:
            import_run_execute(run_id=run.pk, path=tmp_path / "kobo.json")
        except RuntimeError:
            report = ExceptionReporter(None, *sys.exc_info()).get_traceback_text()
            raise
    _assert_clean(report, "an error report")
    run.refresh_from_db()
    assert run.status == "failed"
    _assert_clean(run.error, "the run's error")
    assert not ContactDetails.objects.exists()


def test_a_name_or_phone_typed_into_a_choice_number_date_place_or_reference_is_not_repeated(ngo, tmp_path):
    """An export's columns shifted in a spreadsheet put a name or a phone where a choice, a
    number, a date, a P-code or an event's reference belongs: the submission is rejected and its
    reason does not repeat what was typed."""
    page = fixture_json("kobo_data.json")
    base = page["results"][0]

    def typed(number, where, value):
        submission = copy.deepcopy(base) | {"_uuid": f"t-{number}", "meta/instanceID": f"uuid:t-{number}"}
        target = submission
        for key in where[:-1]:
            target = target[key]
        target[where[-1]] = value
        return submission

    places = ("displacements", 0, "displacements/origin_hromada")
    page["results"] = [
        typed(1, ["interview/language"], NAME),
        typed(2, ["household/members", 0, "household/members/vulnerabilities"], NAME),
        typed(3, ["household/members", 0, "household/members/age"], PHONE),
        typed(4, ["household/members", 0, "household/members/age"], "0661234567"),  # a whole number, out of range
        typed(5, ["interview/recorded_on"], PHONE),
        typed(6, list(places), NAME),
        typed(7, ["event/event_status"], "known") | {"event/event_reference": NAME},
        typed(8, ["interview/language"], "0661234567"),  # a phone has no letter: no choice's name
        typed(9, ["interview/language"], "050-123-45-67"),
        typed(10, ["event/event_status"], "known") | {"event/event_reference": "123456789"},  # an ID card
        typed(11, ["event/event_status"], "known") | {"event/event_reference": "FA123456"},  # a passport
    ]
    path = tmp_path / "kobo.json"
    path.write_text(json.dumps(page), encoding="utf-8")
    run = import_run_execute(run_id=_start(ngo, path).pk, path=path)
    assert (run.created, run.rejected) == (0, 11)
    report = import_report_csv(run)
    _assert_clean(report, "the import report")
    for typed_in in ("0661234567", "050-123-45-67", "123456789", "FA123456"):
        assert typed_in not in report
    assert report.count("An answer (not shown)") == 11


def test_a_submission_time_that_is_no_timestamp_refuses_the_file_without_repeating_it(ngo, tmp_path):
    page = fixture_json("kobo_data.json")
    page["results"][0]["_submission_time"] = NAME
    path = tmp_path / "kobo.json"
    path.write_text(json.dumps(page), encoding="utf-8")
    run = import_run_execute(run_id=_start(ngo, path).pk, path=path)
    assert run.status == "failed"
    assert "is not a timestamp" in run.error
    _assert_clean(run.error, "the run's error")
