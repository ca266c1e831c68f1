"""Property-based tests of the partner API against its own OpenAPI schema (schemathesis).

Every operation of the schema is exercised through the WSGI application, in-process: as a
partner machine with a read/write API key (reads with schemathesis' coverage phase too, and
writes), and as a coordinator's browser session (reads only: unsafe methods with a session
need a CSRF token, which the schema does not describe).

What fails a test:

* a server error (5xx), whatever was sent; Hypothesis shrinks it to a minimal example;
* a partner's request that changes or creates a record of another organisation;
* a response the schema does not describe: an undocumented status code, or a documented
  status with an undocumented content type, headers or body. These are collected while the
  exploration goes on (one schema gap must not hide a server error behind it) and reported
  when the operation's test ends, each distinct violation once with its first example: as an
  error at teardown, since the exploration itself found nothing worse.

The schema is the one drf-spectacular generates, built at collection time so that pytest
lists one test per operation; ``test_the_served_schema_is_the_one_tested`` checks that
``/api/v1/schema/`` serves exactly that document.

Database: every example runs inside pytest-django's per-test transaction (``db``), in a
savepoint rolled back after the call, so examples do not see each other's writes and a
request that breaks the transaction cannot poison the next one. Django's
``close_old_connections`` is detached meanwhile, as Django's own test client does:
otherwise the first request would close the connection that holds the test transaction.

Deterministic: a fixed seed, ``derandomize`` and no example database, so CI runs the same
examples every time. Part of the examples are aimed at records that exist (ids the caller
has read, real P-codes, the current ETag in If-Match), chosen by a checksum of the generated
value, so that the choice is as deterministic as the generation and success paths run too.
"""

from __future__ import annotations

import datetime
import json
import zlib

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.db.models import Count, Max
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from werkzeug.test import Client as WerkzeugClient

from api.models import OrganizationAPIKey
from displacement import models as m
from displacement.models.vocab import ConsentPurpose, Sensitivity
from displacement.selectors import pseudonyms
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

SERVER_CHECKS = [not_a_server_error]
CONFORMANCE_CHECKS = [
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

#: P-codes of every level (oblast, raion, hromada, settlement) for place-like inputs, and one with
#: a NUL byte, which PostgreSQL refuses in text: it must come back as a 400 or a 404, never a 500.
PCODES = ["UA12", "UA14", "UA1214", "UA1416", "UA1214025", "UA1416021", "UA1202001", "UA12\x00"]
PLACE_FIELDS = ("place", "destination", "origin", "current_place")
#: Valid ISO 8601 times that random generation seldom reaches: the ends of the calendar and of UTC offsets.
TIMESTAMPS = [
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59.999999Z",
    "2025-05-02T12:00:00+23:59",
    "2025-05-02T12:00:00-23:59",
    "2025-05-02T12:00:00+14:00",
    "2025-05-02T12:00:00.5-00:30",
]
TIMESTAMP_PARAMETERS = ("updated_since", "since")
RECORD_FIELDS = ("household", "cause")
#: The external ids of the world's events (the owner's and the partner's share one), so that upserts
#: hit them, and one with a NUL byte (a 400, never a 500).
EXTERNAL_IDS = ["UKR1", "ESA-1", "ESA\x00"]
#: The records an organisation owns; a partner's writes must leave every other organisation's alone.
OWNED_MODELS = (m.Event, m.Testimony, m.Household, m.Displacement, m.Case, m.Source)

#: The document exactly as served (JSON, lazy translations rendered), generated once at collection.
SCHEMA = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))


def _schema(*, coverage: bool):
    """The schema, with fuzzing (at most MAX_EXAMPLES valid and invalid examples per operation) and,
    if asked, schemathesis' coverage phase (deterministic boundary and invalid values of every parameter)."""
    return schemathesis.openapi.from_dict(
        SCHEMA,
        config=schemathesis.Config.from_dict(
            {
                "seed": SEED,
                "generation": {
                    "mode": "all",
                    "max-examples": MAX_EXAMPLES,
                    # Credentials come from the test, never from generated security parameters.
                    "with-security-parameters": False,
                },
                "phases": {"coverage": {"enabled": coverage}, "stateful": {"enabled": False}},
            }
        ),
    )


#: Partners' reads also get schemathesis' coverage phase; its hundreds of body combinations per write
#: would take minutes, and the staff run reads the same lists as the partner's, in another projection.
partner_reads = _schema(coverage=True).include(method="GET")
partner_writes = _schema(coverage=False).exclude(method="GET")
staff_reads = _schema(coverage=False).include(method="GET")

#: The same examples on every run: no example database, derandomized generation.
bounded = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


# --- the world ---------------------------------------------------------------------------------


@pytest.fixture
def fuzz_world(ngo, other_ngo, coordinator):
    """An owner (``ngo``) that shares every kind with a partner, and records of every kind."""
    partner = OrganizationFactory(name="Eastern Shelter Alliance", slug="esa", code="UA-ESA")
    m.SharingAgreement.objects.create(
        owner=ngo,
        partner=partner,
        record_kinds=["events", "testimonies", "households", "displacements", "cases", "summaries"],
        purposes=["statistics"],
    )
    events = [
        EventFactory(organization=ngo, killed=2, injured=5, external_id="UKR1"),
        EventFactory(organization=ngo, start=datetime.date(2025, 3, 1)),
        EventFactory(organization=partner, external_id="ESA-1"),
        EventFactory(organization=other_ngo, external_id="ESA-1"),
    ]
    settlement = m.Place.objects.get(pcode="UA1202001")
    for index in range(6):  # above the small-cell threshold: some summary cells are not suppressed
        household = HouseholdFactory(organization=ngo, current_place=settlement)
        PersonFactory(household=household)
        PersonFactory(household=household, age_band="0-4" if index % 2 else "60+", sex="male")
        DisplacementFactory(household=household, cause=events[0] if index % 2 else None)
        testimony = TestimonyFactory(organization=ngo, household=household, sensitivity=Sensitivity.PUBLIC)
        testimony.events.add(events[index % 2], through_defaults={"relation": "witnessed"})
        m.Consent.objects.create(testimony=testimony, purpose=ConsentPurpose.SHARING)
        m.Consent.objects.create(testimony=testimony, purpose=ConsentPurpose.STATISTICS)
        CaseFactory(household=household)
    TestimonyFactory(organization=ngo, sensitivity=Sensitivity.RESTRICTED)  # never shared
    own = HouseholdFactory(organization=partner)
    PersonFactory(household=own)
    DisplacementFactory(household=own, cause=events[2])
    TestimonyFactory(organization=partner, household=own)
    CaseFactory(household=own)
    HouseholdFactory(organization=other_ngo)
    SourceFactory(organization=ngo)
    SourceFactory(organization=partner)
    m.Tombstone.objects.create(organization=ngo, record_kind="events", record_id=10**6, reason="deleted")
    m.Tombstone.objects.create(organization=partner, record_kind="cases", record_id=10**6, reason="deleted")
    return {"owner": ngo, "partner": partner}


#: The records behind each detail route; tombstones have no route but their ids are numbers too.
RECORDS = {
    "events": (m.Event, "event"),
    "testimonies": (m.Testimony, "testimony"),
    "households": (m.Household, "household"),
    "displacements": (m.Displacement, "displacement"),
    "cases": (m.Case, "case"),
    "sources": (m.Source, None),
    "deletions": (m.Tombstone, None),
}


def _known_ids(partner: m.Organization | None) -> dict[str, list[str]]:
    """Every record of the world as the caller names it (pseudonyms for a partner, numbers for
    staff), by route, and all of them together under ``"*"`` (an id of one kind sent to another)."""
    ids = {
        route: [
            pseudonyms.encode(kind, pk, partner.pk) if partner and kind else str(pk)
            for pk in model.objects.order_by("pk").values_list("pk", flat=True)
        ]
        for route, (model, kind) in RECORDS.items()
    }
    ids["*"] = [value for values in ids.values() for value in values]
    return ids


# --- the application and its callers -----------------------------------------------------------


@pytest.fixture
def wsgi_app(settings):
    """The WSGI application, keeping the test transaction open across its requests."""
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    # Hundreds of requests a minute, on purpose: throttling is not what this module tests.
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
def partner_machine(fuzz_world, wsgi_app):
    partner = fuzz_world["partner"]
    _, key = OrganizationAPIKey.objects.create_key(name="schemathesis", organization=partner, scopes=["read", "write"])
    return {
        "headers": {"Authorization": f"Api-Key {key}"},
        "cookies": {},
        "ids": _known_ids(partner),
        "organization": partner,
    }


@pytest.fixture
def coordinator_session(fuzz_world, coordinator, wsgi_app):
    client = Client()
    client.force_login(coordinator)
    name = django_settings.SESSION_COOKIE_NAME
    # A cookie, not a Cookie header: werkzeug's test client replaces that header with its cookie jar.
    return {"headers": {}, "cookies": {name: client.cookies[name].value}, "ids": _known_ids(None)}


@pytest.fixture
def schema_violations(request):
    """Distinct schema violations seen while exploring one operation; the test errors at teardown if any."""
    found: dict[str, str] = {}
    yield found
    if found:
        title = f"{len(found)} distinct response(s) the schema does not describe, each with its first example:"
        details = "\n\n".join(f"=== {identity}\n{message}" for identity, message in sorted(found.items()))
        pytest.fail(f"{request.node.name}: {title}\n\n{details}", pytrace=False)


# --- one example -------------------------------------------------------------------------------


def _chosen(value) -> int | None:
    """For half of the generated values, a deterministic number derived from the value; else None."""
    digest = zlib.crc32(json.dumps(value, sort_keys=True, default=str).encode())
    return digest >> 1 if digest % 2 else None


def _pick(value, choices: list[str]):
    number = _chosen(value)
    return value if number is None else choices[number % len(choices)]


def _aim(case, caller) -> None:
    """Aim part of the examples at records and places that exist, so that success paths run too,
    and at the edges of the time format."""
    path = case.path_parameters or {}
    if "id" in path:
        route = case.operation.path.removeprefix("/api/v1/").split("/")[0]
        number = _chosen(path["id"])
        if number is not None:
            pool = caller["ids"]["*"] if number % 4 == 0 else caller["ids"].get(route) or caller["ids"]["*"]
            path["id"] = pool[(number >> 2) % len(pool)]
    if "pcode" in path:
        path["pcode"] = _pick(path["pcode"], PCODES)
    if "external_id" in path:
        path["external_id"] = _pick(path["external_id"], EXTERNAL_IDS)
    for container in (case.query, case.body):
        if not isinstance(container, dict):
            continue
        for name in PLACE_FIELDS:
            if name in container:
                container[name] = _pick(container[name], PCODES)
    for name in TIMESTAMP_PARAMETERS:
        if isinstance(case.query, dict) and name in case.query:
            case.query[name] = _pick(case.query[name], TIMESTAMPS)
    if isinstance(case.body, dict):
        for name in RECORD_FIELDS:
            if name in case.body:
                case.body[name] = _pick(case.body[name], caller["ids"]["*"])
    if isinstance(case.body, list):  # a bulk write: its items too
        for item in case.body:
            if isinstance(item, dict) and "external_id" in item:
                item["external_id"] = _pick(item["external_id"], EXTERNAL_IDS)
            if isinstance(item, dict) and "place" in item:
                item["place"] = _pick(item["place"], PCODES)


def _foreign_records(caller) -> dict[str, dict] | None:
    """How many records other organisations own, and when they last changed (partners only)."""
    if "organization" not in caller:
        return None
    return {
        model._meta.label: model.objects.exclude(organization=caller["organization"]).aggregate(
            count=Count("pk"), last_change=Max("updated_at")
        )
        for model in OWNED_MODELS
    }


def _identity(failure, status: int) -> str:
    """What makes two schema violations the same: the check, the status, and where the body breaks."""
    path = [str(part) for part in getattr(failure, "schema_path", None) or []]
    where = "/".join(part for part in path if part != "x-bundled" and not part.startswith("schema0"))
    return f"{failure.code} {failure.title} [{status}] {where}".strip()


def _call_and_validate(case, caller, wsgi_app, schema_violations: dict[str, str]) -> None:
    _aim(case, caller)
    headers = dict(caller["headers"])
    with transaction.atomic():
        path = case.path_parameters or {}
        aimed = path.get("id", path.get("external_id"))
        if case.operation.method.upper() in ("PATCH", "PUT") and _chosen(aimed) is not None:
            # An update needs the record's current ETag in If-Match, which generated values never guess
            # (an upsert's PUT may send it: then it is checked).
            client = WerkzeugClient(wsgi_app)
            for name, value in caller["cookies"].items():
                client.set_cookie(name, value, domain="localhost")
            current = client.get(case.formatted_path, headers=headers)
            if current.headers.get("ETag"):
                headers["If-Match"] = current.headers["ETag"]
        before = _foreign_records(caller) if case.method.upper() not in ("GET", "HEAD", "OPTIONS") else None
        response = case.call(headers=headers, cookies=caller["cookies"], app=wsgi_app)
        after = _foreign_records(caller) if before is not None else None
        transaction.set_rollback(True)

    case.validate_response(response, checks=SERVER_CHECKS, headers=headers)
    if before != after:
        changed = sorted(label for label in before if before[label] != after[label])
        pytest.fail(
            f"A partner's {case.method} {case.formatted_path} answered {response.status_code} and changed "
            f"records of another organisation: {', '.join(changed)}.\n"
            f"Body sent: {json.dumps(case.body, default=str)[:500]}\n"
            f"Reproduce with: {case.as_curl_command(headers=headers)}",
            pytrace=False,
        )

    try:
        case.validate_response(response, checks=CONFORMANCE_CHECKS, headers=headers)
    except FailureGroup as group:
        for failure in group.exceptions:
            schema_violations.setdefault(_identity(failure, response.status_code), str(group))


# --- the tests ---------------------------------------------------------------------------------


def test_the_served_schema_is_the_one_tested(wsgi_app):
    response = WerkzeugClient(wsgi_app).get(SCHEMA_PATH, headers={"Accept": "application/vnd.oai.openapi+json"})
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert json.loads(response.get_data(as_text=True)) == SCHEMA


@partner_reads.parametrize()
@bounded
def test_partner_machine_reads(case, partner_machine, wsgi_app, schema_violations):
    _call_and_validate(case, partner_machine, wsgi_app, schema_violations)


@partner_writes.parametrize()
@bounded
def test_partner_machine_writes(case, partner_machine, wsgi_app, schema_violations):
    _call_and_validate(case, partner_machine, wsgi_app, schema_violations)


@staff_reads.parametrize()
@bounded
def test_coordinator_session_reads(case, coordinator_session, wsgi_app, schema_violations):
    _call_and_validate(case, coordinator_session, wsgi_app, schema_violations)
