"""Canary values planted in direct identifiers and unconsented narratives never leak.

They must not appear in anything an analyst or a partner receives (pages, exports,
projections, aggregates), nor in any log line, error report or Celery message.
"""

import json
import logging
import sys
from unittest import mock

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.views.debug import ExceptionReporter

from displacement.celery import app as celery_app
from displacement.models import Case, CaseNote, Consent, ContactDetails, SharingAgreement
from displacement.models.vocab import ConsentPurpose, Sensitivity
from displacement.selectors.aggregates import displacement_flows
from displacement.selectors.projections import projected
from displacement.selectors.sharing import SHARED
from displacement.tasks import retention_purge_task
from tests.factories import DisplacementFactory, HouseholdFactory, OrganizationFactory, TestimonyFactory

pytestmark = pytest.mark.django_db

CANARIES = [
    "CANARY-NAME-5b7e",
    "+380 77 CANARY 31",
    "CANARY-ADDRESS-Sadova-14",
    "CANARY-DOCUMENT-AA123",
    "CANARY-NARRATIVE-unconsented",
    "CANARY-NARRATIVE-internal",
    "CANARY-CASE-NOTE",
]


def _assert_clean(text, where):
    for canary in CANARIES:
        assert canary not in text, f"{canary} leaked into {where}"


@pytest.fixture
def planted(ngo, coordinator):
    partner = OrganizationFactory(name="Eastern Shelter Alliance", slug="esa", code="UA-ESA")
    SharingAgreement.objects.create(
        owner=ngo,
        partner=partner,
        purposes=["protection_monitoring"],
        record_kinds=["events", "testimonies", "households", "displacements", "cases"],
    )
    household = HouseholdFactory(organization=ngo)
    ContactDetails.objects.create(
        household=household,
        full_name=CANARIES[0],
        phone=CANARIES[1],
        address=CANARIES[2],
        document_numbers=CANARIES[3],
    )
    DisplacementFactory(household=household)
    case = Case.objects.create(household=household, reference="UA-DNP-2025-00001", assigned_to=coordinator)
    CaseNote.objects.create(case=case, body=CANARIES[6])
    public_without_consent = TestimonyFactory(
        organization=ngo, household=household, narrative=CANARIES[4], sensitivity=Sensitivity.PUBLIC
    )
    Consent.objects.create(testimony=public_without_consent, purpose=ConsentPurpose.STATISTICS)
    internal_with_consent = TestimonyFactory(
        organization=ngo, household=household, narrative=CANARIES[5], sensitivity=Sensitivity.INTERNAL
    )
    Consent.objects.create(testimony=internal_with_consent, purpose=ConsentPurpose.SHARING)
    return {
        "partner": partner,
        "household": household,
        "case": case,
        "testimonies": [public_without_consent, internal_with_consent],
    }


def test_analyst_pages_and_exports_carry_no_canary(client, planted, analyst):
    client.force_login(analyst)
    household, case = planted["household"], planted["case"]
    search = client.get(reverse("admin:displacement_household_changelist"), {"q": CANARIES[0]})
    assert search.context["cl"].result_count == 0  # analysts cannot find a household by name
    pages = [
        reverse("admin:displacement_household_change", args=[household.pk]),
        reverse("admin:displacement_household_history", args=[household.pk]),
        reverse("admin:displacement_case_change", args=[case.pk]),
        reverse("admin:displacement_testimony_changelist"),
    ]
    for testimony in planted["testimonies"]:
        pages.append(reverse("admin:displacement_testimony_change", args=[testimony.pk]))
        pages.append(reverse("admin:displacement_testimony_history", args=[testimony.pk]))
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_clean(response.content.decode(), url)
    assert client.get(reverse("admin:displacement_contactdetails_changelist")).status_code == 403
    assert client.get(reverse("admin:displacement_casenote_changelist")).status_code == 403
    for model, ids in [
        ("testimony", [t.pk for t in planted["testimonies"]]),
        ("household", [household.pk]),
        ("case", [case.pk]),
    ]:
        response = client.post(
            reverse(f"admin:displacement_{model}_changelist"),
            {"action": "export_csv", "_selected_action": ids},
        )
        _assert_clean(b"".join(response.streaming_content).decode(), f"{model} export")


def test_partner_projections_and_aggregates_carry_no_canary(planted, ngo):
    partner = planted["partner"]
    for kind, shared in SHARED.items():
        rows = list(projected(kind, shared(partner=partner), audience=partner))
        _assert_clean(json.dumps(rows, default=str), f"partner {kind}")
    assert SHARED["testimonies"](partner=partner).count() == 1  # shared, but its narrative is not
    _assert_clean(repr(displacement_flows(organizations=ngo, outside=True)), "aggregate")


def test_logs_error_reports_and_celery_messages_carry_no_canary(client, planted, coordinator, caplog, settings):
    caplog.set_level(logging.DEBUG)
    # The coordinator may read everything: the pages show canaries, the logs must not.
    client.force_login(coordinator)
    household = planted["household"]
    client.get(reverse("admin:displacement_household_change", args=[household.pk]))
    client.get(reverse("admin:displacement_testimony_change", args=[planted["testimonies"][0].pk]))
    client.post(
        reverse("admin:displacement_household_change", args=[household.pk]),
        {"notes": CANARIES[0]},  # an invalid form with a canary in it
    )
    client.get(reverse("admin:displacement_household_change", args=[10**9]))  # a logged 404
    settings.RETENTION_CLOSED_CASE_DAYS = 30
    retention_purge_task.apply()

    published = []
    original = celery_app.amqp.send_task_message

    def capture(producer, name, message, **options):
        published.append(json.dumps([message.headers, message.body], default=str))
        return original(producer, name, message, **options)

    with (
        mock.patch.object(celery_app.amqp, "send_task_message", capture),
        celery_app.connection_for_write("memory://") as connection,
    ):
        retention_purge_task.apply_async(connection=connection)
    assert published
    for body in published:
        _assert_clean(body, "a Celery message")

    request = RequestFactory().post("/admin/displacement/contactdetails/add/", {"full_name": CANARIES[0]})
    try:
        raise ValueError("boom")
    except ValueError:
        report = ExceptionReporter(request, *sys.exc_info()).get_traceback_text()
    _assert_clean(report, "an error report")

    logged = "\n".join(record.getMessage() + repr(record.args) for record in caplog.records)
    assert logged, "the scenario should have logged something"
    _assert_clean(logged, "the logs")
