"""Writes to cases: opening with a reference, moving through the workflow, notes."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from displacement.models import Case, CaseNote, CaseSequence, Household, Organization
from displacement.models.vocab import CASE_TRANSITIONS, CaseStatus
from displacement.services.acting import acting


def case_next_reference(*, organization: Organization, year: int) -> str:
    """Take the next number in the organisation's yearly sequence, e.g. ``UA-DNP-2025-00042``.

    The counter row is updated in place, so concurrent openings never share a number.
    """
    CaseSequence.objects.get_or_create(organization=organization, year=year)
    updated = CaseSequence.objects.filter(organization=organization, year=year)
    updated.update(last=F("last") + 1)
    number = updated.values_list("last", flat=True).get()
    return f"{organization.code}-{year}-{number:05d}"


@transaction.atomic
def case_open(*, household: Household, opened_by=None, **fields) -> Case:
    """Open a case for ``household``; ``opened_by`` is recorded as the actor in its history."""
    if Case.objects.filter(household=household).exclude(status=CaseStatus.CLOSED).exists():
        raise ValidationError({"household": _("This household already has an open case.")})
    case = Case(household=household, organization_id=household.organization_id, **fields)
    case.reference = case_next_reference(organization=household.organization, year=case.opened_on.year)
    case.full_clean(exclude=["reference"])
    with acting(opened_by):
        case.save()
    return case


def case_check_transition(*, old: str, new: str) -> None:
    if old != new and new not in CASE_TRANSITIONS[old]:
        allowed = ", ".join(str(CaseStatus(s).label) for s in CASE_TRANSITIONS[old])
        raise ValidationError(
            {
                "status": _("A case cannot go from “%(old)s” to “%(new)s”. Allowed next: %(allowed)s.")
                % {"old": CaseStatus(old).label, "new": CaseStatus(new).label, "allowed": allowed}
            }
        )


@transaction.atomic
def case_change_status(*, case: Case, status: str, by=None, reason: str = "", on: datetime.date | None = None) -> Case:
    """Move ``case`` to ``status`` if the workflow allows; ``on`` dates a closure (default today)."""
    current = Case.objects.select_for_update().get(pk=case.pk)
    if current.status == status:
        return current
    case_check_transition(old=current.status, new=status)
    if (
        status == CaseStatus.REOPENED
        and Case.objects.filter(household_id=current.household_id)
        .exclude(status=CaseStatus.CLOSED)
        .exclude(pk=current.pk)
        .exists()
    ):
        raise ValidationError({"status": _("This household already has another open case.")})
    current.status = status
    if status == CaseStatus.CLOSED:
        current.closed_on = on or timezone.localdate()
        current.closure_reason = reason or current.closure_reason
    with acting(by):
        current.save(update_fields=["status", "closed_on", "closure_reason", "updated_at"])
    return current


@transaction.atomic
def case_assign(*, cases, caseworker, by=None) -> int:
    """Assign ``caseworker`` to ``cases`` (a queryset already scoped to the caller)."""
    with acting(by):
        return cases.exclude(assigned_to=caseworker).update(assigned_to=caseworker, updated_at=timezone.now())


def case_note_add(*, case: Case, author, body: str) -> CaseNote:
    with acting(author):
        return CaseNote.objects.create(case=case, author=author, body=body)
