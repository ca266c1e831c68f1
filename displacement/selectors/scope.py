"""Which records a user may see: every read of protected data starts here.

Each protected model has one path from it to its owning organisation. A member sees
their organisation's records; anything else is simply absent (never "forbidden"), so
that existence is not revealed. The access-gate issue refines this by role; callers
do not change, because they only ever ask ``scoped(model, user)``.
"""

from __future__ import annotations

from django.db import models
from django.db.models import QuerySet

from displacement import models as m

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
}

#: Shared reference data every signed-in member may read.
PUBLIC_MODELS: set[type[models.Model]] = {m.Place}


def organization_of(user) -> m.Organization | None:
    if user is None or not user.is_authenticated:
        return None
    membership = getattr(user, "membership", None)
    return membership.organization if membership else None


def is_protected(model: type[models.Model]) -> bool:
    return model in ORGANIZATION_PATHS


def scoped(model: type[models.Model], user, queryset: QuerySet | None = None) -> QuerySet:
    """The rows of ``model`` that ``user`` may see (``queryset`` narrows the starting set)."""
    qs = queryset if queryset is not None else model._default_manager.all()
    if user is None or not user.is_authenticated or not user.is_active:
        return qs.none()
    if model in PUBLIC_MODELS:
        return qs
    if model not in ORGANIZATION_PATHS:
        # Organisations, memberships and users are managed by operations (superusers).
        return qs if user.is_superuser else qs.none()
    if user.is_superuser:
        return qs
    organization = organization_of(user)
    if organization is None:
        return qs.none()
    return qs.filter(**{ORGANIZATION_PATHS[model]: organization})
