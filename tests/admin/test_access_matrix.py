"""The access matrix: every registered admin model x every role x own / other organisation.

The expectations below are written from the rules of the access gate, not computed by it:
each record created by the fixture remembers its organisation and household, and the
test derives who may see it. A model registered in the admin without a rule here fails.
"""

import pytest
from django.contrib import admin
from django.core.files.base import ContentFile
from django.urls import reverse

from displacement.models import (
    AccessLog,
    Case,
    CaseNote,
    Consent,
    ContactDetails,
    Referral,
    ReportDefinition,
    ReportRun,
    SharingAgreement,
    TestimonyEvent,
)
from displacement.models.vocab import Role
from displacement.services.attachments import attachment_upload
from tests.factories import (
    DisplacementFactory,
    EventFactory,
    HouseholdFactory,
    MembershipFactory,
    OrganizationFactory,
    PersonFactory,
    SourceFactory,
    TestimonyFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

CASEWORK = "casework"  # staff roles read their organisation's records; analysts read only
EVIDENCE = "evidence"  # like casework, but never deleted (consents are withdrawn instead)
IDENTIFYING = "identifying"  # coordinators; caseworkers for assigned households only
COORDINATOR_ONLY = "coordinator_only"
LOG = "log"  # coordinators read; nobody writes
OPS = "ops"  # operators (superusers without membership) only
REFERENCE = "reference"  # everyone signed in reads; operators write
KEYS = "keys"  # coordinators manage their organisation's API keys; operators all
REPORTS = "reports"  # every staff role reads its organisation's report definitions; coordinators edit
RUNS = "runs"  # every staff role reads its organisation's report runs; nobody changes or deletes them

RULES = {
    "displacement.Household": CASEWORK,
    "displacement.Person": CASEWORK,
    "displacement.Displacement": CASEWORK,
    "displacement.Case": CASEWORK,
    "displacement.Referral": CASEWORK,
    "displacement.Testimony": CASEWORK,
    "displacement.TestimonyEvent": CASEWORK,
    "displacement.Consent": EVIDENCE,
    "displacement.Event": CASEWORK,
    "displacement.Source": CASEWORK,
    "displacement.Attachment": CASEWORK,
    "displacement.ContactDetails": IDENTIFYING,
    "displacement.CaseNote": IDENTIFYING,
    "displacement.SharingAgreement": COORDINATOR_ONLY,
    "displacement.AccessLog": LOG,
    "displacement.ReportDefinition": REPORTS,
    "displacement.ReportRun": RUNS,
    "displacement.Place": REFERENCE,
    "displacement.Organization": OPS,
    "displacement.User": OPS,
    "displacement.Membership": OPS,
    "django_celery_beat.PeriodicTask": OPS,
    "django_celery_beat.CrontabSchedule": OPS,
    "django_celery_beat.IntervalSchedule": OPS,
    "django_celery_beat.SolarSchedule": OPS,
    "django_celery_beat.ClockedSchedule": OPS,
    "api.OrganizationAPIKey": KEYS,
    "axes.AccessAttempt": OPS,
    "axes.AccessFailureLog": OPS,
    "axes.AccessLog": OPS,
}
ROLES = ["coordinator", "caseworker", "analyst", "partner", "operator"]
REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)


def test_every_registered_model_has_a_rule():
    assert {model._meta.label for model in REGISTERED} == set(RULES)


@pytest.fixture
def world(settings, tmp_path):
    """Two organisations with one of everything; the caseworker is assigned one household."""
    settings.MEDIA_ROOT = tmp_path
    own = OrganizationFactory(name="Dnipro Protection Network", slug="dpn", code="UA-DNP")
    other = OrganizationFactory(name="Kharkiv Aid", slug="kha", code="UA-KHA")
    users = {}
    for role in (Role.COORDINATOR, Role.CASEWORKER, Role.ANALYST):
        users[role] = UserFactory(username=role)
        MembershipFactory(user=users[role], organization=own, role=role)
    users["partner"] = UserFactory(username="partner")
    MembershipFactory(user=users["partner"], organization=other, role=Role.PARTNER)
    users["operator"] = UserFactory(username="operator", is_superuser=True)

    records = {}  # model label -> list of (pk, organization, household pk or None)

    def remember(obj, organization, household=None):
        records.setdefault(obj._meta.label, []).append((obj.pk, organization, household.pk if household else None))
        return obj

    for organization in (own, other):
        for assigned in (True, False):
            household = remember(HouseholdFactory(organization=organization), organization)
            hh = household
            remember(PersonFactory(household=household), organization, hh)
            remember(
                ContactDetails.objects.create(household=household, full_name="Demo", phone="+380 00"),
                organization,
                hh,
            )
            remember(DisplacementFactory(household=household), organization, hh)
            case = remember(
                Case.objects.create(
                    household=household,
                    reference=f"{organization.code}-2025-{household.pk:05d}",
                    assigned_to=users[Role.CASEWORKER] if assigned and organization == own else None,
                ),
                organization,
                hh,
            )
            remember(CaseNote.objects.create(case=case, body="Visited."), organization, hh)
            remember(
                Referral.objects.create(case=case, service="legal", referred_to="Legal aid"),
                organization,
                hh,
            )
            testimony = remember(TestimonyFactory(organization=organization, household=household), organization, hh)
            remember(Consent.objects.create(testimony=testimony, purpose="statistics"), organization, hh)
            source = remember(SourceFactory(organization=organization), organization)
            event = remember(EventFactory(organization=organization), organization)
            remember(
                TestimonyEvent.objects.create(testimony=testimony, event=event, relation="witnessed"),
                organization,
                hh,
            )
            remember(
                attachment_upload(
                    organization=organization, file=ContentFile(b"evidence", name="a.jpg"), source=source
                ),
                organization,
            )
        remember(
            SharingAgreement.objects.create(
                owner=organization,
                partner=other if organization == own else own,
                record_kinds=["events"],
                purposes=["statistics"],
            ),
            organization,
        )
        remember(AccessLog.objects.create(organization=organization, action="export"), organization)
        definition = remember(
            ReportDefinition.objects.create(
                organization=organization, slug=f"{organization.slug}-events", name="Events", kind="events"
            ),
            organization,
        )
        remember(
            ReportDefinition.objects.create(
                organization=organization, slug=f"{organization.slug}-spare", name="Spare", kind="flows"
            ),
            organization,
        )
        remember(ReportRun.objects.create(definition=definition, slot="2026-11-23T04:00Z"), organization)
    assigned_households = set(
        Case.objects.filter(assigned_to=users[Role.CASEWORKER]).values_list("household_id", flat=True)
    )
    return {"own": own, "users": users, "records": records, "assigned": assigned_households}


def _may(rule, role, organization, household, world):
    """(may open the model's screens, may see this record, may delete it)."""
    own = organization == world["own"]
    if rule == KEYS:
        opens = role in {"coordinator", "operator"}
        return opens, opens and (own or role == "operator"), False
    if rule == OPS:
        return role == "operator", role == "operator", role == "operator"
    if rule == REFERENCE:
        opens = role in {"coordinator", "caseworker", "analyst", "operator"}
        return opens, opens, role == "operator"
    if role in {"partner", "operator"}:
        return False, False, False
    if rule == CASEWORK:
        return True, own, own and role != "analyst"
    if rule == EVIDENCE:
        return True, own, False
    if rule == IDENTIFYING:
        opens = role in {"coordinator", "caseworker"}
        sees = own and opens and (role == "coordinator" or household in world["assigned"])
        return opens, sees, sees
    if rule == COORDINATOR_ONLY:
        return role == "coordinator", own and role == "coordinator", own and role == "coordinator"
    if rule == REPORTS:
        return True, own, own and role == "coordinator"
    if rule == RUNS:
        return True, own, False
    if rule == LOG:
        return role == "coordinator", own and role == "coordinator", False
    raise AssertionError(rule)


def _sample(records, world):
    """One record per (organisation, assigned or not): every distinct cell, fewer requests."""
    seen, sample = set(), []
    for pk, organization, household in records:
        key = (organization.pk, household in world["assigned"])
        if key not in seen:
            seen.add(key)
            sample.append((pk, organization, household))
    return sample


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_access_matrix(client, world, model, role):
    rule = RULES[model._meta.label]
    client.force_login(world["users"][role])
    records = world["records"].get(model._meta.label, [])
    opens, _, _ = _may(rule, role, world["own"], None, world)

    response = client.get(_url(model, "changelist"))
    assert response.status_code == (200 if opens else 403)
    if opens and records:
        listed = set(response.context["cl"].queryset.values_list("pk", flat=True))
        expected = {pk for pk, org, household in records if _may(rule, role, org, household, world)[1]}
        assert listed & {pk for pk, _, _ in records} == expected

    # Django checks the model-level delete permission before looking the object up, so a
    # role that may delete nothing of this model gets 403 for every record alike.
    deletes_any = any(_may(rule, role, org, household, world)[2] for _, org, household in records)
    for pk, organization, household in _sample(records, world):
        _, sees, changes = _may(rule, role, organization, household, world)
        hidden = 404 if opens else 403
        for view in ("change", "history"):
            status = client.get(_url(model, view, pk)).status_code
            assert status == (200 if sees else hidden), (view, pk, organization.slug)
        delete = client.get(_url(model, "delete", pk)).status_code
        expected_delete = 200 if changes else 403 if (sees or not deletes_any) else hidden
        assert delete == expected_delete, ("delete", pk, organization.slug)
        if not sees:
            client.post(_url(model, "delete", pk), {"post": "yes"})
            assert model._default_manager.filter(pk=pk).exists()


def test_access_log_is_append_only(world):
    from django.db import ProgrammingError, transaction

    entry = AccessLog.objects.first()
    with pytest.raises(ProgrammingError, match="accesslog_append_only"), transaction.atomic():
        AccessLog.objects.filter(pk=entry.pk).update(action="view_narrative")
    with pytest.raises(ProgrammingError, match="accesslog_append_only"), transaction.atomic():
        AccessLog.objects.filter(pk=entry.pk).delete()
