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
    Attachment,
    Case,
    CaseNote,
    Consent,
    ContactDetails,
    EventDuplicateCandidate,
    FormSubmission,
    Household,
    HouseholdDuplicateCandidate,
    ImportProfile,
    ImportRun,
    Referral,
    ReportDefinition,
    ReportRun,
    SharingAgreement,
    Testimony,
    TestimonyEvent,
)
from displacement.models.vocab import Role
from displacement.services.attachments import attachment_upload
from displacement.services.pulls import connection_save
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
IMPORTS = "imports"  # coordinators import and read their organisation's import runs; nobody changes or deletes them

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
    "displacement.HouseholdDuplicateCandidate": LOG,  # the coordinators' queue, answered by actions
    "displacement.EventDuplicateCandidate": LOG,  # the same for events
    "displacement.ReportDefinition": REPORTS,
    "displacement.ReportRun": RUNS,
    "displacement.ImportRun": IMPORTS,
    "displacement.ImportProfile": COORDINATOR_ONLY,
    "displacement.PullConnection": COORDINATOR_ONLY,
    "displacement.FormSubmission": LOG,  # what each submission made: the import writes it
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
        pair = sorted(pk for pk, org, _ in records["displacement.Household"] if org == organization)
        remember(
            HouseholdDuplicateCandidate.objects.create(
                organization=organization, household_id=pair[0], other_id=pair[1], score=0.8
            ),
            organization,
        )
        events = sorted(pk for pk, org, _ in records["displacement.Event"] if org == organization)
        remember(
            EventDuplicateCandidate.objects.create(
                organization=organization, event_id=events[0], other_id=events[1], score=0.8
            ),
            organization,
        )
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
        remember(
            ImportRun.objects.create(
                organization=organization, kind="acled_csv", file_name="acled.csv", size=10, sha256="0" * 64
            ),
            organization,
        )
        remember(ImportProfile.objects.create(organization=organization, name="Needs survey"), organization)
        remember(
            FormSubmission.objects.create(
                organization=organization,
                platform="kobotoolbox",
                stable_id=f"uuid:{organization.slug}",
                digest="0" * 64,
            ),
            organization,
        )
        remember(
            connection_save(
                organization=organization,
                data={
                    "name": "Kobo",
                    "kind": "kobo",
                    "server_url": "https://kf.kobo.example.org",
                    "asset_uid": "aUid1",
                },
                secret="a-token",
            ),
            organization,
        )
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
    if rule in (LOG, IMPORTS):
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


# --- lookups: each list accepts only what its own filters offer -----------------------------


@pytest.fixture
def members(db):
    """The five roles, with no records: enough to open every list."""
    own, other = OrganizationFactory(slug="dpn", code="UA-DNP"), OrganizationFactory(slug="kha", code="UA-KHA")
    users = {}
    for role in (Role.COORDINATOR, Role.CASEWORKER, Role.ANALYST):
        users[role] = UserFactory(username=role)
        MembershipFactory(user=users[role], organization=own, role=role)
    users["partner"] = UserFactory(username="partner")
    MembershipFactory(user=users["partner"], organization=other, role=Role.PARTNER)
    users["operator"] = UserFactory(username="operator", is_superuser=True)
    return users


def _opening(model):
    rule = RULES[model._meta.label]
    nobody = {"own": "own", "assigned": set()}
    return [role for role in ROLES if _may(rule, role, "own", None, nobody)[0]]


@pytest.mark.parametrize(
    ("model", "role"),
    [(model, role) for model in REGISTERED for role in _opening(model)],
    ids=lambda value: value if isinstance(value, str) else value._meta.label,
)
def test_every_list_refuses_a_lookup_that_none_of_its_filters_offers(client, members, model, role):
    client.force_login(members[role])
    assert client.get(_url(model, "changelist"), {"id__gte": "0"}).status_code == 400


@pytest.mark.parametrize("role", ["coordinator", "caseworker", "analyst"])
@pytest.mark.parametrize("lookup", ["narrative_words", "narrative__icontains", "summary_words", "household__notes"])
def test_no_testimony_list_answers_whether_a_text_holds_a_word(client, members, role, lookup):
    client.force_login(members[role])
    assert client.get(_url(Testimony, "changelist"), {lookup: "basement"}).status_code == 400


@pytest.mark.parametrize(
    "query",
    [
        {"sensitivity__exact": "public"},
        {"consent": "sharing"},
        {"recorded_on_from": "2025-01-01", "recorded_on_to": "2025-12-31"},
        {"recorded_on__year": "2025", "recorded_on__month": "5"},
        {"q": "drone"},
    ],
)
def test_the_testimony_list_s_own_filters_and_search_still_work(client, members, query):
    client.force_login(members["analyst"])
    assert client.get(_url(Testimony, "changelist"), query).status_code == 200


def test_the_access_log_accepts_the_household_link_from_a_household_page(client, members):
    client.force_login(members["coordinator"])
    assert client.get(_url(AccessLog, "changelist"), {"household__id__exact": "1"}).status_code == 200
    assert client.get(_url(AccessLog, "changelist"), {"household__notes": "x"}).status_code == 400


# --- evidence: scoped like the narrative of the testimony it belongs to ---------------------


@pytest.mark.parametrize("role", ["coordinator", "caseworker", "analyst"])
def test_evidence_is_scoped_like_the_narrative_of_its_testimony(client, world, role):
    own = world["own"]
    attachments = {}  # pk -> household of its testimony (None: an event's evidence)
    for testimony in Testimony.objects.filter(organization=own):
        upload = attachment_upload(organization=own, file=ContentFile(b"scan", name="s.jpg"), testimony=testimony)
        attachments[upload.pk] = testimony.household_id
    event = attachment_upload(
        organization=own, file=ContentFile(b"photo", name="e.jpg"), event=EventFactory(organization=own)
    )
    attachments[event.pk] = None
    client.force_login(world["users"][role])
    listed = set(client.get(_url(Attachment, "changelist")).context["cl"].queryset.values_list("pk", flat=True))
    for pk, household in attachments.items():
        readable = (
            household is None or role == "coordinator" or (role == "caseworker" and household in world["assigned"])
        )
        download = client.get(reverse("admin:displacement_attachment_download", args=[pk]))
        assert download.status_code == (200 if readable else 404), (pk, household)
        assert client.get(_url(Attachment, "change", pk)).status_code == (200 if readable else 404)
        assert (pk in listed) is readable


# --- sensitive free text: the rule of narratives, on every page ------------------------------

CANARIES = {
    "notes": "CANARY-HOUSEHOLD-NOTES",
    "closure_reason": "CANARY-CLOSURE-REASON",
    "outcome": "CANARY-REFERRAL-OUTCOME",
    "referred_to": "CANARY-REFERRED-TO",
    "scope": "CANARY-CONSENT-SCOPE",
    "withdrawal_reason": "CANARY-WITHDRAWAL-REASON",
}


@pytest.fixture
def sensitive(members):
    """One household (its case assigned to nobody) whose free text holds canaries, each also
    changed once so that the history pages have it."""
    from displacement.services.cases import case_open, case_transition, referral_save
    from displacement.services.households import household_register, household_update
    from displacement.services.testimonies import consent_record, consent_withdraw

    coordinator = members["coordinator"]
    organization = coordinator.membership.organization
    household = household_register(organization=organization, by=coordinator, notes="first")
    household_update(household=household, by=coordinator, notes=CANARIES["notes"])
    case = case_open(household=household, by=coordinator)
    referral = referral_save(case=case, by=coordinator, service="legal", referred_to="first")
    referral_save(
        case=case, by=coordinator, referral=referral, referred_to=CANARIES["referred_to"], outcome=CANARIES["outcome"]
    )
    case_transition(case=case, status="closed", by=coordinator, reason=CANARIES["closure_reason"])
    testimony = TestimonyFactory(organization=organization, household=household, interviewer=coordinator)
    consent = consent_record(testimony=testimony, by=coordinator, purpose="statistics", scope=CANARIES["scope"])
    consent_withdraw(consent=consent, by=coordinator, reason=CANARIES["withdrawal_reason"])
    return {"household": household, "case": case, "referral": referral, "testimony": testimony, "consent": consent}


def _pages(client, records):
    """Every page that shows one of the records, its inlines, its history or an export."""
    bodies = []
    for name, model in (("household", Household), ("case", Case), ("referral", Referral), ("consent", Consent)):
        pk = records[name].pk
        bodies += [client.get(_url(model, view, pk)).content for view in ("change", "history")]
        bodies.append(client.get(_url(model, "changelist")).content)
        export = client.post(_url(model, "changelist"), {"action": "export_csv", "_selected_action": [pk]})
        bodies.append(b"".join(export.streaming_content) if export.streaming else export.content)
    bodies.append(client.get(_url(Testimony, "change", records["testimony"].pk)).content)
    return b"\n".join(bodies).decode()


@pytest.mark.parametrize("role", ["coordinator", "caseworker", "analyst"])
def test_sensitive_free_text_is_read_under_the_rule_of_narratives(client, members, sensitive, role):
    client.force_login(members[role])
    pages = _pages(client, sensitive)
    shown = {field for field, canary in CANARIES.items() if canary in pages}
    assert shown == (set(CANARIES) if role == "coordinator" else set())
    # Searching a text is reading it: the search box finds by it for coordinators only.
    found = client.get(_url(Referral, "changelist"), {"q": CANARIES["referred_to"]}).context["cl"].result_count
    assert found == (1 if role == "coordinator" else 0)
