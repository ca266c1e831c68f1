"""Property-based tests of the partner API against its own OpenAPI schema (schemathesis).

The schema is fetched from ``/api/v1/schema/`` and every operation is exercised through the
WSGI application, in-process, twice: as a partner machine with a read/write API key (every
method) and as a coordinator's browser session (GET only: unsafe methods with a session
need a CSRF token, which the schema cannot describe). Each response must not be a server
error and must conform to the schema: a documented status code, a documented content type
and headers, and a body that matches the documented schema.

Database: everything runs inside pytest-django's per-test transaction (``db``). Each call
runs in a savepoint that is rolled back afterwards, so examples do not see each other's
writes and a request that breaks the transaction cannot poison the next ones. Django's
``close_old_connections`` is detached for the duration, as Django's own test client does,
otherwise the first request would close the connection that holds the test transaction.
"""

from __future__ import annotations

import datetime

import pytest
import schemathesis
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import Client
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.models import OrganizationAPIKey
from displacement import models as m
from displacement.models.vocab import ConsentPurpose, Sensitivity
from displacement.selectors import pseudonyms
from werkzeug.test import Client as WerkzeugClient

from tests.factories import (
    CaseFactory,
    DisplacementFactory,
    EventFactory,
    HouseholdFactory,
    OrganizationFactory,
    PersonFactory,
    SourceFactory,
    TestimonyFactory,
)

SCHEMA_PATH = "/api/v1/schema/"
MAX_EXAMPLES = 25
SEED = 20250502

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

#: Runs the same examples on every run (CI): no example database, a fixed seed.
HYPOTHESIS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)

#: Pseudonym kind of each detail route (partners read ids enciphered per kind).
KIND_OF_PATH = {
    "events": "event",
    "testimonies": "testimony",
    "households": "household",
    "displacements": "displacement",
    "cases": "case",
}

#: P-codes of every level, valid input for ``place``-like parameters and body fields.
PCODES = ["UA12", "UA14", "UA1214", "UA1416", "UA1214025", "UA1416021", "UA1202001"]


def _config() -> schemathesis.Config:
    return schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "generation": {
                "max-examples": MAX_EXAMPLES,
                # Credentials come from the test, not from the security schemes.
                "with-security-parameters": False,
            },
            "phases": {"stateful": {"enabled": False}},
        }
    )


# --- the world ---------------------------------------------------------------------------------


@pytest.fixture
def world(ngo, other_ngo, coordinator):
    """An owner (``ngo``) sharing everything with a partner, and records of every kind."""
    partner = OrganizationFactory(name="Eastern Shelter Alliance", slug="esa", code="UA-ESA")
    m.SharingAgreement.objects.create(
        owner=ngo,
        partner=partner,
        record_kinds=["events", "testimonies", "households", "displacements", "cases", "summaries"],
        purposes=["statistics"],
    )
    events = [
        EventFactory(organization=ngo, killed=2, injured=5),
        EventFactory(organization=ngo, start=datetime.date(2025, 3, 1)),
        EventFactory(organization=partner),
        EventFactory(organization=other_ngo),
    ]
    households = []
    for index in range(7):  # above the small-cell threshold, so some summary cells are not suppressed
        household = HouseholdFactory(organization=ngo, current_place=m.Place.objects.get(pcode="UA1202001"))
        PersonFactory(household=household)
        PersonFactory(household=household, age_band="0-4" if index % 2 else "60+", sex="male")
        DisplacementFactory(household=household, cause=events[0] if index % 2 else None)
        testimony = TestimonyFactory(organization=ngo, household=household, sensitivity=Sensitivity.PUBLIC)
        testimony.events.add(events[0], through_defaults={"relation": "witnessed"})
        m.Consent.objects.create(testimony=testimony, purpose=ConsentPurpose.SHARING)
        m.Consent.objects.create(testimony=testimony, purpose=ConsentPurpose.STATISTICS)
        CaseFactory(household=household)
        households.append(household)
    TestimonyFactory(organization=ngo, sensitivity=Sensitivity.RESTRICTED)  # never shared
    own = HouseholdFactory(organization=partner)
    PersonFactory(household=own)
    DisplacementFactory(household=own)
    TestimonyFactory(organization=partner, household=own)
    CaseFactory(household=own)
    HouseholdFactory(organization=other_ngo)
    SourceFactory(organization=ngo)
    SourceFactory(organization=partner)
    m.Tombstone.objects.create(organization=ngo, record_kind="events", record_id=10**6, reason="deleted")
    m.Tombstone.objects.create(organization=partner, record_kind="cases", record_id=10**6, reason="deleted")
    return {"owner": ngo, "partner": partner}


def _ids(world, *, partner: bool) -> list[str]:
    """Ids the caller may have read: every record of the world, as that caller names it."""
    ids = []
    for model, kind in [
        (m.Event, "event"),
        (m.Testimony, "testimony"),
        (m.Household, "household"),
        (m.Displacement, "displacement"),
        (m.Case, "case"),
        (m.Source, "source"),
        (m.Tombstone, None),
    ]:
        for pk in model.objects.order_by("pk").values_list("pk", flat=True):
            if partner and kind not in (None, "source"):
                ids.append(pseudonyms.encode(kind, pk, world["partner"].pk))
            else:
                ids.append(str(pk))
    return ids


# --- the application ---------------------------------------------------------------------------


@pytest.fixture
def wsgi_app(settings):
    """The WSGI application, with the test transaction kept open across its requests."""
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    # This test sends hundreds of requests a minute on purpose: throttling is tested elsewhere.
    settings.API_RATE_PARTNER = "1000000/min"
    settings.API_RATE_STAFF = "1000000/min"
    cache.clear()
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
        cache.clear()


@pytest.fixture
def partner_principal(world, wsgi_app):
    _, key = OrganizationAPIKey.objects.create_key(
        name="schemathesis", organization=world["partner"], scopes=["read", "write"]
    )
    return {"headers": {"Authorization": f"Api-Key {key}"}, "ids": _ids(world, partner=True)}


@pytest.fixture
def staff_principal(world, coordinator, wsgi_app):
    client = Client()
    client.force_login(coordinator)
    cookie = client.cookies["sessionid"].value
    return {"headers": {"Cookie": f"sessionid={cookie}"}, "ids": _ids(world, partner=False)}


@pytest.fixture
def api_schema(wsgi_app, world):
    return schemathesis.openapi.from_wsgi(SCHEMA_PATH, wsgi_app, config=_config())


partner_schema = schemathesis.pytest.from_fixture("api_schema")
staff_schema = schemathesis.pytest.from_fixture("api_schema").include(method="GET")


# --- one call ----------------------------------------------------------------------------------


def _enrich(case, data, principal) -> dict[str, str]:
    """Aim part of the examples at records that exist, so that success paths run too."""
    headers = dict(principal["headers"])
    if "id" in (case.path_parameters or {}) and data.draw(st.booleans(), label="known id"):
        case.path_parameters["id"] = data.draw(st.sampled_from(principal["ids"]), label="id")
    if "pcode" in (case.path_parameters or {}) and data.draw(st.booleans(), label="known pcode"):
        case.path_parameters["pcode"] = data.draw(st.sampled_from(PCODES), label="pcode")
    for name in ("place", "destination"):
        if case.query and name in case.query and data.draw(st.booleans(), label=f"known {name}"):
            case.query[name] = data.draw(st.sampled_from(PCODES), label=name)
    if isinstance(case.body, dict):
        for name in ("place", "origin", "destination", "current_place"):
            if name in case.body and data.draw(st.booleans(), label=f"known {name}"):
                case.body[name] = data.draw(st.sampled_from(PCODES), label=name)
        for name in ("household", "cause"):
            if name in case.body and data.draw(st.booleans(), label=f"known {name}"):
                case.body[name] = data.draw(st.sampled_from(principal["ids"]), label=name)
    return headers


def _call_and_validate(case, data, principal, wsgi_app):
    headers = _enrich(case, data, principal)
    with transaction.atomic():
        if case.method == "PATCH" and data.draw(st.booleans(), label="send If-Match"):
            # Updates need the ETag of the record being changed, which the schema does not describe.
            current = WerkzeugClient(wsgi_app).get(case.formatted_path, headers=headers)
            if current.headers.get("ETag"):
                headers["If-Match"] = current.headers["ETag"]
        response = case.call(headers=headers, app=wsgi_app)
        transaction.set_rollback(True)
    case.validate_response(response, checks=CHECKS, headers=headers)


@partner_schema.parametrize()
@partner_schema.given(data=st.data())
@HYPOTHESIS
def test_partner_machine(case, data, partner_principal, wsgi_app):
    _call_and_validate(case, data, partner_principal, wsgi_app)


@staff_schema.parametrize()
@staff_schema.given(data=st.data())
@HYPOTHESIS
def test_staff_session(case, data, staff_principal, wsgi_app):
    _call_and_validate(case, data, staff_principal, wsgi_app)
