"""Every API route x method x caller x own/other organisation: nothing leaks, nothing foreign is written.

Routes are read from the URLconf; a route without an entry here fails the test, so a new
endpoint cannot ship untested.
"""

import pytest
from django.urls import get_resolver
from rest_framework.test import APIClient

from displacement import models as m
from displacement.selectors import pseudonyms

pytestmark = pytest.mark.django_db

#: basename -> (model, pseudonym kind, payload that creates a valid record, or None if read-only)
ROUTES = {
    "event": (
        m.Event,
        "event",
        lambda ctx: {
            "title": "t",
            "category": "violence",
            "event_type": "battles",
            "sub_event_type": "armed_clash",
            "start": "2025-05-01",
            "place": "UA12",
        },
    ),
    "testimony": (m.Testimony, "testimony", lambda ctx: {"witness_role": "volunteer", "summary": "s"}),
    "household": (m.Household, "household", lambda ctx: {"current_place": "UA1202"}),
    "displacement": (
        m.Displacement,
        "displacement",
        lambda ctx: {"household": ctx["own_household_ref"], "origin": "UA1416021", "left_on": "2025-05-01"},
    ),
    "case": (m.Case, "case", lambda ctx: {"household": ctx["fresh_household_ref"]}),
    "source": (m.Source, "source", lambda ctx: {"kind": "media", "title": "t"}),
    "place": (m.Place, None, None),
    "summary": (None, None, None),
    "deletion": (None, None, None),
    "report-run": (None, None, None),  # runs belong to definitions: see test_report_runs.py
}
#: Routes tested in their own module: report-run downloads (test_report_runs.py), upserts by
#: external id and bulk upserts (test_upserts.py, with every caller and both organisations).
EXTRA_ROUTES = {"schema", "docs", "report-run-download", "event-by-external-id", "event-bulk"}
CALLERS = ["partner", "coordinator", "caseworker", "analyst", "anonymous"]


def _api_routes():
    resolver = get_resolver()
    namespace = resolver.namespace_dict["api"][1]
    return {pattern.name for pattern in namespace.url_patterns if pattern.name}


def test_every_route_is_in_the_matrix():
    names = _api_routes()
    basenames = {name.rsplit("-", 1)[0] for name in names if name.endswith(("-list", "-detail"))}
    assert basenames == set(ROUTES)
    assert names - {f"{b}-list" for b in ROUTES} - {f"{b}-detail" for b in ROUTES} == EXTRA_ROUTES


def _client(world, caller):
    client = APIClient()
    if caller == "partner":
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {world['key']}")
    elif caller != "anonymous":
        client.force_login(world["users"][caller])
    return client


@pytest.fixture
def matrix_world(world, partner_key, partner_org, coordinator, caseworker, analyst, other_ngo):
    from displacement.models import Case
    from tests.factories import HouseholdFactory

    own_household = m.Household.objects.filter(organization=world["ngo"]).first()
    Case.objects.create(household=own_household, reference="M-1", assigned_to=caseworker)
    return {
        **world,
        "key": partner_key[1],
        "partner": partner_org,
        "users": {"coordinator": coordinator, "caseworker": caseworker, "analyst": analyst},
        "own_household": own_household,
        "fresh_household": HouseholdFactory(organization=world["ngo"]),
        "partner_household": HouseholdFactory(organization=partner_org),
    }


def _ref(world, caller, kind, pk):
    return pseudonyms.encode(kind, pk, world["partner"].pk) if caller == "partner" else str(pk)


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("basename", sorted(ROUTES))
def test_route_matrix(matrix_world, basename, caller):
    world = matrix_world
    model, kind, payload = ROUTES[basename]
    client = _client(world, caller)
    plural = {
        "summary": "summaries",
        "deletion": "deletions",
        "testimony": "testimonies",
        "household": "households",
        "displacement": "displacements",
        "case": "cases",
        "place": "places",
        "source": "sources",
        "event": "events",
        "report-run": "report-runs",
    }[basename]
    url = f"/api/v1/{plural}/" + ("?since=2000-01-01T00:00:00Z" if basename == "deletion" else "")

    response = client.get(url)
    if caller == "anonymous":
        assert response.status_code in (401, 403)
        return
    assert response.status_code == 200, response.content[:300]

    if model is None or kind is None:
        return
    readers_org = world["partner"] if caller == "partner" else world["ngo"]
    listed = {row["id"] if caller == "partner" else row.get("pk", row["id"]) for row in response.json()["results"]}
    other_rows = model.objects.filter(organization=world["other"])
    for record in other_rows:
        # Another organisation's records: absent from lists, 404 on detail and on update.
        ref = _ref(world, caller, kind, record.pk)
        assert ref not in {str(x) for x in listed}
        assert client.get(f"/api/v1/{plural}/{ref}/").status_code == 404
        assert client.patch(f"/api/v1/{plural}/{ref}/", {}, format="json", HTTP_IF_MATCH="x").status_code in (403, 404)
    if caller == "partner" and kind != "source":
        from displacement.selectors.sharing import partner_readable

        visible = partner_readable(plural, partner=world["partner"]).filter(organization=world["ngo"]).first()
        assert visible is not None
    else:
        visible = model.objects.filter(organization=world["ngo"]).first()
    if visible is not None and (caller != "partner" or kind != "source"):
        assert client.get(f"/api/v1/{plural}/{_ref(world, caller, kind, visible.pk)}/").status_code == 200

    if payload is None:
        return
    household = world["partner_household"] if caller == "partner" else world["fresh_household"]
    context = {
        "own_household_ref": _ref(
            world,
            caller,
            "household",
            (world["partner_household"] if caller == "partner" else world["own_household"]).pk,
        ),
        "fresh_household_ref": _ref(world, caller, "household", household.pk),
    }
    created = client.post(f"/api/v1/{plural}/", payload(context), format="json")
    if caller == "analyst":
        assert created.status_code == 403
        return
    assert created.status_code == 201, created.json()
    owner = model.objects.order_by("-pk").first().organization
    assert owner == readers_org  # writes are owned by the writer's organisation
    if "household" in payload(context):
        foreign = _ref(world, caller, "household", m.Household.objects.filter(organization=world["other"]).first().pk)
        refused = client.post(f"/api/v1/{plural}/", {**payload(context), "household": foreign}, format="json")
        assert refused.status_code == 400 and "household" in refused.json()["error"]["fields"]


# --- staff rules that the API shares with the admin (one service each) ----------------------


def _patch(client, url, change):
    return client.patch(url, change, format="json", HTTP_IF_MATCH=client.get(url)["ETag"])


def test_a_case_a_caseworker_opens_is_theirs_only_for_a_household_they_registered(matrix_world):
    client = _client(matrix_world, "caseworker")
    caseworker = matrix_world["users"]["caseworker"]
    registered = client.post("/api/v1/households/", {"current_place": "UA1202001"}, format="json").json()["pk"]
    for household, assignee in ((registered, caseworker.pk), (matrix_world["fresh_household"].pk, None)):
        created = client.post("/api/v1/cases/", {"household": str(household)}, format="json")
        assert created.status_code == 201, created.json()
        assert m.Case.objects.get(pk=created.json()["pk"]).assigned_to_id == assignee


@pytest.mark.parametrize(("caller", "assigned"), [("caseworker", False), ("coordinator", True)])
def test_a_case_reopened_by_anyone_but_a_coordinator_comes_back_unassigned(matrix_world, caller, assigned):
    from displacement.services.cases import case_transition

    coordinator, caseworker = matrix_world["users"]["coordinator"], matrix_world["users"]["caseworker"]
    case = m.Case.objects.get(reference="M-1")
    case_transition(case=case, status="closed", by=coordinator, reason="Moved abroad.")
    response = _patch(_client(matrix_world, caller), f"/api/v1/cases/{case.pk}/", {"status": "reopened"})
    assert response.status_code == 200, response.json()
    case.refresh_from_db()
    assert case.status == "reopened" and (case.assigned_to == caseworker) is assigned


@pytest.mark.parametrize(
    ("caller", "status"), [("coordinator", 200), ("caseworker", 400), ("analyst", 403), ("partner", 404)]
)
def test_only_a_reader_of_the_narrative_changes_its_sensitivity(matrix_world, caller, status):
    from tests.api.conftest import shared_testimony

    # Consented to sharing, but restricted: partners get no narrative, the caseworker cannot read it.
    testimony = shared_testimony(matrix_world["ngo"], sensitivity="restricted", narrative="Restricted narrative.")
    client = _client(matrix_world, caller)
    url = f"/api/v1/testimonies/{_ref(matrix_world, caller, 'testimony', testimony.pk)}/"
    etag = client.get(url).get("ETag", '"none"')
    response = client.patch(url, {"sensitivity": "public"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == status
    testimony.refresh_from_db()
    assert testimony.sensitivity == ("public" if status == 200 else "restricted")
    shared = _client(matrix_world, "partner").get("/api/v1/testimonies/").json()["results"]
    assert ("Restricted narrative." in [row["narrative"] for row in shared]) is (status == 200)
