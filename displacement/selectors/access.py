"""The access gate: which records, and which of their fields, a viewer may see.

Every read of protected data starts here: the admin, the dashboard, the API, the
reports and the importers. A record outside the viewer's scope is absent (a 404 in
HTTP, missing from admin lists), never "forbidden", so its existence is not revealed.

Roles (``Membership.role``):

- coordinator: every record of their organisation, identifiers and narratives included.
- caseworker: every record of their organisation; direct identifiers (ContactDetails),
  narratives and other sensitive text (``SENSITIVE_TEXT``) only for households whose open
  case is assigned to them (and narratives of testimonies they recorded themselves). Only
  coordinators assign cases (``services.cases`` says when a caseworker takes a case on), so
  a caseworker cannot grant themselves access; closing or reassigning a case revokes it.
  Evidence attached to a testimony follows its narrative.
- analyst: their organisation's records, de-identified: no ContactDetails, no narrative,
  no sensitive text, no evidence of testimonies; read-only.
- partner: nothing in the staff screens; partners read de-identified projections of what
  a SharingAgreement shares with them (``selectors.sharing``).

Superusers without a membership are operators: they manage organisations, users, places
and schedules, and see no casework. Casework rights come from a membership only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from django.db import models
from django.db.models import Q, QuerySet

from displacement import models as m
from displacement.models.vocab import CaseStatus, Role

#: From each protected model to its owning organisation.
ORGANIZATION_PATHS: dict[type[models.Model], str] = {
    m.Source: "organization",
    m.Attachment: "organization",
    m.Event: "organization",
    m.Household: "organization",
    m.Person: "household__organization",
    m.ContactDetails: "household__organization",
    m.Case: "organization",
    m.CaseNote: "case__organization",
    m.Referral: "case__organization",
    m.Displacement: "organization",
    m.Testimony: "organization",
    m.TestimonyEvent: "testimony__organization",
    m.Consent: "testimony__organization",
    m.SharingAgreement: "owner",
    m.AccessLog: "organization",
    m.ReportDefinition: "organization",
    m.ReportRun: "definition__organization",
    m.HouseholdDuplicateCandidate: "organization",
    m.EventDuplicateCandidate: "organization",
    m.EventAlias: "organization",
    m.ImportRun: "organization",
    m.ImportReportRow: "run__organization",
    m.ImportProfile: "organization",
    m.PullConnection: "organization",
    m.FormSubmission: "organization",
}

#: From each model holding identifying free text to its household, for caseworkers.
HOUSEHOLD_PATHS: dict[type[models.Model], str] = {
    m.ContactDetails: "household",
    m.CaseNote: "case__household",
}

#: Free text that may identify a person, per model. Each is read under the rule of narratives
#: and case notes (``Viewer.reads_text_of``): coordinators; caseworkers for households assigned
#: to them (and testimonies they recorded); analysts never. Pages, inlines, history views,
#: exports and searches all leave them out for everyone else.
SENSITIVE_TEXT: dict[type[models.Model], tuple[str, ...]] = {
    m.Testimony: ("narrative",),
    m.Household: ("notes",),
    m.Case: ("closure_reason",),
    m.CaseNote: ("body",),
    m.Referral: ("referred_to", "outcome"),
    m.Consent: ("scope", "withdrawal_reason"),
    m.ContactDetails: ("full_name", "phone", "address", "date_of_birth", "document_numbers"),
}

#: From each model with sensitive text to the household whose rule decides (Testimony and
#: Consent follow the narrative's rule instead).
TEXT_HOUSEHOLD_PATHS: dict[type[models.Model], str] = {
    m.Household: "pk",
    m.Case: "household",
    m.CaseNote: "case__household",
    m.Referral: "case__household",
    m.ContactDetails: "household",
}

#: Models only some roles may open at all.
ROLE_MODELS: dict[type[models.Model], set[str]] = {
    m.ContactDetails: {Role.COORDINATOR, Role.CASEWORKER},
    m.CaseNote: {Role.COORDINATOR, Role.CASEWORKER},
    m.SharingAgreement: {Role.COORDINATOR},
    m.AccessLog: {Role.COORDINATOR},
    m.HouseholdDuplicateCandidate: {Role.COORDINATOR},
    m.EventDuplicateCandidate: {Role.COORDINATOR},
    m.ImportRun: {Role.COORDINATOR},
    m.ImportReportRow: {Role.COORDINATOR},
    m.ImportProfile: {Role.COORDINATOR},
    m.PullConnection: {Role.COORDINATOR},
    m.FormSubmission: {Role.COORDINATOR},
}

#: Shared reference data every member may read.
PUBLIC_MODELS: set[type[models.Model]] = {m.Place}

STAFF_ROLES = {Role.COORDINATOR, Role.CASEWORKER, Role.ANALYST}
#: Roles that may create and change casework records.
WRITER_ROLES = {Role.COORDINATOR, Role.CASEWORKER}


@dataclass(frozen=True)
class Viewer:
    """Who is asking: a user with their membership (or, later, an API key's organisation)."""

    user: m.User | None
    organization: m.Organization | None = None
    role: str | None = None
    is_operator: bool = False
    api_key: object | None = None
    _cache: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, who) -> Viewer:
        if isinstance(who, Viewer):
            return who
        api_key = getattr(who, "api_key", None)
        if api_key is not None:
            # A partner machine: its organisation, always de-identified.
            return cls(user=None, organization=api_key.organization, role=Role.PARTNER, api_key=api_key)
        if who is None or not who.is_authenticated or not who.is_active:
            return cls(user=None)
        cached = getattr(who, "_viewer", None)
        if cached is not None:
            return cached
        membership = _membership(who)
        viewer = cls(
            user=who,
            organization=membership.organization if membership else None,
            role=membership.role if membership else None,
            is_operator=who.is_superuser,
        )
        who._viewer = viewer
        return viewer

    @property
    def is_partner(self) -> bool:
        return self.organization is not None and self.role == Role.PARTNER

    @property
    def is_staff_member(self) -> bool:
        return self.organization is not None and self.role in STAFF_ROLES

    @property
    def can_write(self) -> bool:
        return self.organization is not None and self.role in WRITER_ROLES

    @cached_property
    def assigned_household_ids(self) -> QuerySet:
        """Households whose open case is assigned to this caseworker, as a subquery."""
        return _open_cases().filter(assigned_to=self.user).values("household_id")

    @property
    def is_coordinator(self) -> bool:
        return self.organization is not None and self.role == Role.COORDINATOR

    def may_open(self, model: type[models.Model]) -> bool:
        """May this viewer open the staff screens of ``model`` at all?"""
        if model in PUBLIC_MODELS:
            return self.is_staff_member or self.is_operator
        if model not in ORGANIZATION_PATHS:
            return self.is_operator
        if not self.is_staff_member:
            return False
        allowed = ROLE_MODELS.get(model)
        return allowed is None or self.role in allowed

    def sees_identifiers_of(self, household_id: int | None) -> bool:
        """May this viewer read the direct identifiers and narratives of ``household_id``?"""
        if self.role == Role.COORDINATOR:
            return True
        if self.role != Role.CASEWORKER or household_id is None:
            return False
        key = ("assigned", household_id)
        if key not in self._cache:
            self._cache[key] = _open_cases().filter(assigned_to=self.user, household_id=household_id).exists()
        return self._cache[key]

    def sees_narrative_of(self, testimony: m.Testimony) -> bool:
        if testimony.organization_id != getattr(self.organization, "pk", None):
            return False
        if self.role == Role.CASEWORKER and testimony.interviewer_id == self.user.pk:
            return True
        return self.sees_identifiers_of(testimony.household_id)

    def reads_text_of(self, obj) -> bool:
        """May this viewer read the sensitive free text (``SENSITIVE_TEXT``) of ``obj``?

        ``obj`` None is a record being added: its writer types the text."""
        if obj is None:
            return self.can_write
        if isinstance(obj, m.Testimony):
            return self.sees_narrative_of(obj)
        if isinstance(obj, m.Consent):
            return self.sees_narrative_of(obj.testimony)
        if isinstance(obj, m.Household):
            return self.sees_identifiers_of(obj.pk)
        if isinstance(obj, m.Case | m.ContactDetails):
            return self.sees_identifiers_of(obj.household_id)
        if isinstance(obj, m.CaseNote | m.Referral):
            return self.sees_identifiers_of(obj.case.household_id)
        return True

    def hidden_text(self, model: type[models.Model], obj=None) -> set[str]:
        """The fields of ``model`` (of the record ``obj``, None when adding) this viewer may not read."""
        fields = SENSITIVE_TEXT.get(model, ())
        return set() if not fields or self.reads_text_of(obj) else set(fields)


def _membership(user) -> m.Membership | None:
    """The user's membership (one at most): loaded with the user already by the session's
    backend (``displacement.auth``), or read now."""
    if m.User.membership.is_cached(user):
        try:
            return user.membership
        except m.Membership.DoesNotExist:
            return None
    return m.Membership.objects.select_related("organization").filter(user=user).first()


def _open_cases() -> QuerySet:
    return m.Case.objects.exclude(status=CaseStatus.CLOSED)


def organization_of(who) -> m.Organization | None:
    return Viewer.of(who).organization


def is_protected(model: type[models.Model]) -> bool:
    return model in ORGANIZATION_PATHS


def scoped(model: type[models.Model], who, queryset: QuerySet | None = None) -> QuerySet:
    """The rows of ``model`` that ``who`` (a user or a Viewer) may see."""
    return scope(model, who, queryset)[1]


def scope(model: type[models.Model], who, queryset: QuerySet | None = None) -> tuple[tuple, QuerySet]:
    """``scoped``, with the key of everything the gate narrowed by: two viewers with one key get
    the same query. A query built from the gate and kept for others (``sharing.built``: the
    API's staff pages) is kept under this key, so that a narrowing added here (by user, by
    role) can never serve one viewer's query to another."""
    qs = queryset if queryset is not None else model._default_manager.all()
    viewer = Viewer.of(who)
    key: tuple = (model._meta.label,)
    if not viewer.may_open(model):
        return (*key, "none"), qs.none()
    if model in PUBLIC_MODELS or model not in ORGANIZATION_PATHS:
        return (*key, "all"), qs
    qs = qs.filter(**{ORGANIZATION_PATHS[model]: viewer.organization})
    key += ("organization", viewer.organization.pk)
    if viewer.role == Role.CASEWORKER and model in HOUSEHOLD_PATHS:
        path = HOUSEHOLD_PATHS[model]
        qs = qs.filter(**{f"{path}__in": viewer.assigned_household_ids})
        key += ("assigned to", viewer.user.pk)
    if model is m.Attachment and not viewer.is_coordinator:
        # Evidence is scoped like the narrative of the testimony it belongs to; an event's or
        # a source's evidence like the event or source.
        readable = m.Testimony.objects.filter(narrative_visible_q(viewer)).values("pk")
        qs = qs.filter(Q(testimony__isnull=True) | Q(testimony__in=readable))
        key += ("narratives of", viewer.role, getattr(viewer.user, "pk", None))
    return key, qs


def text_visible_q(model: type[models.Model], who) -> Q:
    """A filter on ``model`` for rows whose sensitive text ``who`` may read (lists, exports)."""
    viewer = Viewer.of(who)
    if model is m.Testimony:
        return narrative_visible_q(viewer)
    if model is m.Consent:
        return Q(testimony__in=m.Testimony.objects.filter(narrative_visible_q(viewer)).values("pk"))
    if model not in TEXT_HOUSEHOLD_PATHS or viewer.role == Role.COORDINATOR:
        return Q()
    if viewer.role == Role.CASEWORKER:
        return Q(**{f"{TEXT_HOUSEHOLD_PATHS[model]}__in": viewer.assigned_household_ids})
    return Q(pk__in=[])


def narrative_visible_q(who) -> Q:
    """A filter on Testimony for rows whose narrative ``who`` may read (for search and export)."""
    viewer = Viewer.of(who)
    if viewer.role == Role.COORDINATOR:
        return Q()
    if viewer.role == Role.CASEWORKER:
        return Q(interviewer=viewer.user) | Q(household__in=viewer.assigned_household_ids)
    return Q(pk__in=[])
