"""The hand-written demo records (``displacement.demo.data``), written through the services.

Records are looked up by natural keys before anything is written: organisations by slug,
users by username, households, people and testimonies by their fixed ``…-DEMO…`` codes,
events by (organisation, title, start), sources by (organisation, title), displacements by
(household, left_on), cases by household. They go through the services (case_open,
event_record, testimony_record...) so that the demo exercises the same rules as the
application.
"""

from __future__ import annotations

import os
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone

from displacement.demo import data
from displacement.demo.seed import PASSWORD_ENV, DemoSeedError, DemoSeedResult, Login, _new_password, demo_seeded
from displacement.models import (
    Case,
    CaseNote,
    Consent,
    ContactDetails,
    Displacement,
    Event,
    Household,
    Membership,
    Organization,
    Person,
    Place,
    RecordKind,
    Referral,
    SharingAgreement,
    SharingPurpose,
    Source,
    Testimony,
    TestimonyEvent,
)
from displacement.models.vocab import (
    CaseStatus,
    Role,
    VerificationStatus,
)
from displacement.selectors.places import place_lookup
from displacement.services.acting import acting
from displacement.services.cases import case_note_add, case_open, case_transition
from displacement.services.events import event_record, event_set_verification
from displacement.services.testimonies import consent_withdraw, testimony_record


class _HandWritten:
    """Seeds the hand-written records, looking each up by its natural key first."""

    def __init__(self, result: DemoSeedResult):
        self.result = result
        self.organizations: dict[str, Organization] = {}
        self.users: dict[str, object] = {}
        self.places: dict[str, Place] = {}
        self.sources: dict[str, Source] = {}
        self.events: dict[str, Event] = {}
        self.households: dict[str, Household] = {}

    def _created(self, model, n: int = 1) -> None:
        self.result.created[model.__name__] += n

    def _unchanged(self, model, n: int = 1) -> None:
        self.result.unchanged[model.__name__] += n

    def run(self) -> None:
        self._seed_places()
        self._seed_organizations()
        self._seed_users()
        self._seed_sources()
        self._seed_events()
        self._seed_households()
        self._seed_testimonies()
        self._seed_cases()
        self._seed_agreement()
        # Other apps add their part (the API: a key for the partner's machine).
        demo_seeded.send(sender=type(self), organizations=self.organizations, result=self.result)

    def _seed_agreement(self) -> None:
        """The NGO shares events, de-identified testimonies and displacements with its partner."""
        owner, partner = self.organizations["dpn"], self.organizations["esa"]
        if SharingAgreement.objects.filter(owner=owner, partner=partner).exists():
            self._unchanged(SharingAgreement)
            return
        SharingAgreement.objects.create(
            owner=owner,
            partner=partner,
            record_kinds=[
                RecordKind.EVENTS,
                RecordKind.TESTIMONIES,
                RecordKind.DISPLACEMENTS,
                RecordKind.SUMMARIES,
            ],
            purposes=[SharingPurpose.PROTECTION_MONITORING, SharingPurpose.STATISTICS],
            valid_from=date(2025, 1, 1),
            started_notified_on=date(2025, 1, 1),  # in force before its records exist: nothing to send
            created_by=self.users["coordinator"],
            notes="Protection cluster data-sharing protocol, signed January 2025.",
        )
        self._created(SharingAgreement)

    def _seed_places(self) -> None:
        for key, (pcode, name) in data.PLACES.items():
            try:
                place = place_lookup(pcode)
            except Place.DoesNotExist:
                raise DemoSeedError(f"P-code {pcode} ({name}) is not in the gazetteer.") from None
            if place.name_en != name:
                raise DemoSeedError(f"P-code {pcode} is {place.name_en!r} in the gazetteer, not {name!r}.")
            self.places[key] = place

    def _seed_organizations(self) -> None:
        for key, spec in data.ORGANIZATIONS.items():
            organization = Organization.objects.filter(slug=spec["slug"]).first()
            if organization is None:
                organization = Organization(**spec)
                organization.full_clean()
                organization.save()
                self._created(Organization)
            else:
                self._unchanged(Organization)
            self.organizations[key] = organization

    def _seed_users(self) -> None:
        User = get_user_model()
        shared_password = os.environ.get(PASSWORD_ENV) or None
        for username, org_key, role, superuser in data.USERS:
            organization = self.organizations[org_key] if org_key else None
            where = f"{organization.name} · {Role(role).label}" if organization else "operations (superuser)"
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(
                    username=username,
                    email=f"{username}@example.org",
                    first_name="Demo",
                    last_name=str(Role(role).label) if role else "Operations",
                    is_staff=True,
                    is_superuser=superuser,
                )
                password = shared_password or _new_password()
                try:
                    validate_password(password, user)
                except ValidationError as exc:
                    raise DemoSeedError(
                        f"{PASSWORD_ENV} is not an acceptable password: {' '.join(exc.messages)}"
                    ) from None
                user.set_password(password)
                user.save()
                self._created(User)
                shown = None if shared_password else password
                self.result.logins.append(Login(username, where, shown, created=True))
            else:
                self._unchanged(User)
                self.result.logins.append(Login(username, where, None, created=False))
            self.users[username] = user
            if organization is None:
                continue
            membership = Membership.objects.filter(user=user).first()
            if membership is None:
                membership = Membership(user=user, organization=organization, role=role)
                membership.full_clean()
                membership.save()
                self._created(Membership)
            else:
                self._unchanged(Membership)

    def _seed_sources(self) -> None:
        for key, spec in data.SOURCES.items():
            fields = dict(spec)
            organization = self.organizations[fields.pop("org")]
            source = Source.objects.filter(organization=organization, title=fields["title"]).first()
            if source is None:
                source = Source(organization=organization, **fields)
                source.full_clean()
                source.save()
                self._created(Source)
            else:
                self._unchanged(Source)
            self.sources[key] = source

    def _staff_of(self, organization: Organization) -> tuple:
        """(author, reviewer) of records in ``organization``."""
        if organization.slug == data.ORGANIZATIONS["esa"]["slug"]:
            return self.users["partner"], self.users["partner"]
        return self.users["analyst"], self.users["coordinator"]

    def _seed_events(self) -> None:
        for key, spec in data.EVENTS.items():
            fields = dict(spec)
            organization = self.organizations[fields.pop("org")]
            fields["place"] = self.places[fields["place"]]
            sources = [self.sources[s] for s in fields.pop("sources", [])]
            caused_by = [self.events[e] for e in fields.pop("caused_by", [])]
            verification = fields.pop("verification", VerificationStatus.REPORTED)
            event = Event.objects.filter(
                organization=organization, title=fields["title"], start=fields["start"]
            ).first()
            if event is None:
                author, reviewer = self._staff_of(organization)
                event = event_record(
                    organization=organization,
                    created_by=author,
                    sources=sources,
                    caused_by=caused_by,
                    **fields,
                )
                if verification != VerificationStatus.REPORTED:
                    event_set_verification(events=Event.objects.filter(pk=event.pk), status=verification, by=reviewer)
                self._created(Event)
            else:
                self._unchanged(Event)
            self.events[key] = event

    def _seed_households(self) -> None:
        for spec in data.HOUSEHOLDS:
            organization = self.organizations[spec["org"]]
            number = spec["code"].removeprefix("HH-DEMO")
            household = Household.objects.filter(code=spec["code"]).first()
            if household is None:
                household = Household(
                    code=spec["code"],
                    organization=organization,
                    current_place=self.places[spec["current_place"]],
                    notes=spec.get("notes", ""),
                )
                household.full_clean()
                household.save()
                self._created(Household)
            else:
                self._unchanged(Household)
            self.households[spec["code"]] = household

            for index, (relationship, age_band, sex, vulnerabilities) in enumerate(spec["members"], start=1):
                code = f"P-DEMO{number}{index}"
                if Person.objects.filter(code=code).exists():
                    self._unchanged(Person)
                    continue
                person = Person(
                    household=household,
                    code=code,
                    relationship=relationship,
                    age_band=age_band,
                    sex=sex,
                    vulnerabilities=list(vulnerabilities),
                )
                person.full_clean()
                person.save()
                self._created(Person)

            if ContactDetails.objects.filter(household=household).exists():
                self._unchanged(ContactDetails)
            else:
                n = int(number)
                contact = ContactDetails(
                    household=household,
                    full_name=f"Demo Contact {n:03d}",
                    phone=f"+380 00 000 {n:04d}",
                    address=f"Demo address {n:03d} (fictional)",
                )
                contact.full_clean()
                contact.save()
                self._created(ContactDetails)

            for move in spec["displacements"]:
                if Displacement.objects.filter(household=household, left_on=move["left_on"]).exists():
                    self._unchanged(Displacement)
                    continue
                fields = dict(move)
                fields["origin"] = self.places[fields["origin"]]
                fields["destination"] = self.places[fields["destination"]]
                if "cause" in fields:
                    fields["cause"] = self.events[fields["cause"]]
                displacement = Displacement(organization=organization, household=household, **fields)
                displacement.full_clean()
                displacement.save()
                self._created(Displacement)

    def _seed_testimonies(self) -> None:
        for spec in data.TESTIMONIES:
            if Testimony.objects.filter(code=spec["code"]).exists():
                self._unchanged(Testimony)
                continue
            fields = dict(spec)
            organization = self.organizations[fields.pop("org")]
            household_code = fields.pop("household")
            events = [(self.events[key], relation) for key, relation in fields.pop("events")]
            consents = fields.pop("consents")
            sources = [self.sources[s] for s in fields.pop("sources", [])]
            withdrawals = fields.pop("withdraw", [])
            interviewer = self.users["caseworker"]
            testimony = testimony_record(
                organization=organization,
                household=self.households[household_code] if household_code else None,
                interviewer=interviewer,
                events=events,
                consents=consents,
                sources=sources,
                **fields,
            )
            self._created(Testimony)
            self._created(TestimonyEvent, len(events))
            self._created(Consent, len(consents))
            for purpose, reason in withdrawals:
                consent = testimony.consents.get(purpose=purpose, withdrawn_at__isnull=True)
                consent_withdraw(consent=consent, by=interviewer, reason=reason)

    def _seed_cases(self) -> None:
        for spec in data.CASES:
            household = self.households[spec["household"]]
            if Case.objects.filter(household=household).exists():
                self._unchanged(Case)
                continue
            organization = Organization.objects.get(pk=household.organization_id)
            is_partner = organization.slug == data.ORGANIZATIONS["esa"]["slug"]
            author = self.users["partner"] if is_partner else self.users["caseworker"]
            reviewer = self.users["partner"] if is_partner else self.users["coordinator"]
            assigned_to = spec.get("assigned_to", author)
            with acting(author):  # the demo seeds as the system, its story told by these users
                case = case_open(
                    household=household,
                    assigned_to=assigned_to,
                    priority=spec["priority"],
                    needs=list(spec["needs"]),
                    opened_on=spec["opened_on"],
                )
            self._created(Case)
            for status in spec["path"]:
                actor = reviewer if status in (CaseStatus.CLOSED, CaseStatus.REOPENED) else author
                # The partner organisation's demo user has no casework rights: there the system acts.
                case_transition(
                    case=case,
                    status=status,
                    by=None if is_partner else actor,
                    reason=spec.get("closure_reason", "") if status == CaseStatus.CLOSED else "",
                    on=min(spec["opened_on"] + timedelta(days=60), timezone.localdate()),
                )
            for body in spec.get("notes", []):
                case_note_add(case=case, author=author, body=body)  # seeded by the system
                self._created(CaseNote)
            for referral_spec in spec.get("referrals", []):
                referral = Referral(case=case, **referral_spec)
                referral.full_clean()
                referral.save()
                self._created(Referral)
