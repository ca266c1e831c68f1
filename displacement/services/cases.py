"""Writes to cases: opening, assignment, the workflow, other changes, notes and referrals.

Who gains a household's identifiers is decided here, once, for the admin and the API alike.
An open case assigned to a caseworker lets them read the household's identifiers, so:

- only a coordinator assigns a case (``case_assign``), to a caseworker or coordinator of the
  case's organisation;
- a caseworker who opens the first case of a household they registered themselves takes it on
  (they typed its identifiers); any other case a caseworker opens starts unassigned;
- a case reopened by anyone but a coordinator comes back unassigned.

``by`` is the acting user: their rights are checked and they are recorded in the history.
``by=None`` is the system (the demo, commands), trusted as given.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from displacement.models import Case, CaseNote, CaseSequence, Household, Membership, Organization, Referral
from displacement.models.vocab import CASE_TRANSITIONS, CaseStatus, Role
from displacement.selectors.access import Viewer
from displacement.services import summary_tracking
from displacement.services.acting import acting
from displacement.services.deletions import record_delete

#: Fields a case's ``case_update`` changes directly; status and assignee have their own rules.
PLAIN_FIELDS = {"priority", "needs", "opened_on", "closure_reason"}


def case_next_reference(*, organization: Organization, year: int) -> str:
    """Take the next number in the organisation's yearly sequence, e.g. ``UA-DNP-2025-00042``.

    The counter row is updated in place, so concurrent openings never share a number.
    """
    CaseSequence.objects.get_or_create(organization=organization, year=year)
    updated = CaseSequence.objects.filter(organization=organization, year=year)
    updated.update(last=F("last") + 1)
    number = updated.values_list("last", flat=True).get()
    return f"{organization.code}-{year}-{number:05d}"


def require_writer(by, organization_id: int) -> Viewer | None:
    """The acting user's Viewer if they may write ``organization_id``'s casework (None: the system)."""
    if by is None:
        return None
    viewer = Viewer.of(by)
    if not viewer.can_write or viewer.organization.pk != organization_id:
        raise PermissionDenied(_("You may not change this organisation's casework."))
    return viewer


def refuse_hidden_text(viewer: Viewer | None, record, changes) -> None:
    """Nobody overwrites free text they may not read (``selectors.access.SENSITIVE_TEXT``)."""
    if viewer is None:
        return
    refused = viewer.hidden_text(type(record), record) & set(changes)
    if refused:
        raise ValidationError({name: _("You may not change what you may not read.") for name in sorted(refused)})


def case_check_open(*, household: Household) -> None:
    if Case.objects.filter(household=household).exclude(status=CaseStatus.CLOSED).exists():
        raise ValidationError({"household": _("This household already has an open case.")})


def _takes_on(viewer: Viewer, household: Household) -> bool:
    """A caseworker takes on the first case of a household they registered themselves."""
    return household.registered_by_id == viewer.user.pk and not Case.objects.filter(household=household).exists()


def _check_assignee(user, organization_id: int) -> None:
    if user is None:
        return
    member = Membership.objects.filter(
        user=user,
        organization_id=organization_id,
        role__in=[Role.CASEWORKER, Role.COORDINATOR],
        user__is_active=True,
    )
    if not member.exists():
        raise ValidationError({"assigned_to": _("Assign a caseworker or coordinator of the case's organisation.")})


@transaction.atomic
def case_open(*, household: Household, by=None, assigned_to=None, **fields) -> Case:
    """Open a case for ``household``: new, numbered, assigned as the rules above say."""
    viewer = require_writer(by, household.organization_id)
    if fields.pop("status", CaseStatus.NEW) != CaseStatus.NEW:
        raise ValidationError({"status": _("A case opens as new.")})
    if viewer is not None and not viewer.is_coordinator:
        taken_on = by if _takes_on(viewer, household) else None
        if assigned_to is not None and assigned_to != taken_on:
            raise ValidationError({"assigned_to": _("Only a coordinator assigns cases.")})
        assigned_to = taken_on
    _check_assignee(assigned_to, household.organization_id)
    case_check_open(household=household)
    case = Case(household=household, organization_id=household.organization_id, assigned_to=assigned_to, **fields)
    case.reference = case_next_reference(organization=household.organization, year=case.opened_on.year)
    case.full_clean(exclude=["reference"])
    with acting(by):
        case.save()
    summary_tracking.touch_cases(case.organization_id)
    return case


@transaction.atomic
def case_delete(*, case: Case, by=None) -> None:
    """Delete a case with its notes and referrals (one opened by mistake); only a coordinator."""
    current = Case.objects.select_for_update().get(pk=case.pk)
    viewer = require_writer(by, current.organization_id)
    if viewer is not None and not viewer.is_coordinator:
        raise PermissionDenied(_("Only a coordinator deletes cases."))
    with acting(by):
        record_delete(current)
    summary_tracking.touch_cases(current.organization_id)


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
def case_transition(*, case: Case, status: str, by=None, reason: str = "", on: datetime.date | None = None) -> Case:
    """Move ``case`` to ``status`` if the workflow allows; ``on`` dates a closure (default today).

    A closure dates the case; a case reopened by anyone but a coordinator loses its assignee.
    """
    current = Case.objects.select_for_update().get(pk=case.pk)
    viewer = require_writer(by, current.organization_id)
    if current.status == status:
        return current
    case_check_transition(old=current.status, new=status)
    if (
        current.status == CaseStatus.CLOSED
        and Case.objects.filter(household_id=current.household_id)
        .exclude(status=CaseStatus.CLOSED)
        .exclude(pk=current.pk)
        .exists()
    ):
        raise ValidationError({"status": _("This household already has another open case.")})
    fields = ["status", "closed_on", "updated_at"]
    if status == CaseStatus.CLOSED:
        current.closed_on = on or timezone.localdate()
        if reason:
            current.closure_reason = reason
            fields.append("closure_reason")
    else:
        if current.status == CaseStatus.CLOSED and not (viewer is not None and viewer.is_coordinator):
            current.assigned_to = None
            fields.append("assigned_to")
        current.closed_on = None
    current.status = status
    with acting(by):
        current.save(update_fields=fields)
    summary_tracking.touch_cases(current.organization_id)
    return current


@transaction.atomic
def case_assign(*, cases, caseworker, by=None) -> int:
    """Assign ``caseworker`` (None: nobody) to ``cases`` (a queryset already scoped to the caller)."""
    if by is not None and not Viewer.of(by).is_coordinator:
        raise PermissionDenied(_("Only a coordinator assigns cases."))
    for organization_id in set(cases.values_list("organization_id", flat=True)):
        require_writer(by, organization_id)
        _check_assignee(caseworker, organization_id)
    with acting(by):
        return cases.exclude(assigned_to=caseworker).update(assigned_to=caseworker, updated_at=timezone.now())


@transaction.atomic
def case_update(*, case: Case, by=None, **changes) -> Case:
    """Change ``case``: its plain fields, then its status (``case_transition``), then its
    assignee (``case_assign``): the admin's change form and the API's PATCH call this."""
    current = Case.objects.select_for_update().get(pk=case.pk)
    viewer = require_writer(by, current.organization_id)
    if "household" in changes and changes.pop("household") != current.household:
        raise ValidationError({"household": _("A case cannot move to another household.")})
    unknown = set(changes) - PLAIN_FIELDS - {"status", "assigned_to"}
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in sorted(unknown)})
    refuse_hidden_text(viewer, current, changes)
    plain = {name: value for name, value in changes.items() if name in PLAIN_FIELDS}
    if plain:
        for name, value in plain.items():
            setattr(current, name, value)
        current.full_clean(exclude=["reference"])
        with acting(by):
            current.save(update_fields=[*plain, "updated_at"])
    if "status" in changes:
        current = case_transition(case=current, status=changes["status"], by=by, reason=plain.get("closure_reason", ""))
    if "assigned_to" in changes and changes["assigned_to"] != current.assigned_to:
        case_assign(cases=Case.objects.filter(pk=current.pk), caseworker=changes["assigned_to"], by=by)
        current.refresh_from_db()
    return current


def case_note_add(*, case: Case, body: str, by=None, author=None) -> CaseNote:
    """Write a note on ``case`` by ``by`` (its author, unless the system writes one for ``author``)."""
    viewer = require_writer(by, case.organization_id)
    if viewer is not None and not viewer.reads_text_of(case):
        raise ValidationError(_("Only the case's caseworker or a coordinator writes its notes."))
    author = author or by
    with acting(by or author):
        return CaseNote.objects.create(case=case, author=author, body=body)


@transaction.atomic
def referral_save(*, case: Case, by=None, referral: Referral | None = None, **fields) -> Referral:
    """Record a referral of ``case`` (or change ``referral``): only by someone who may read the
    case's sensitive text, since a referral's outcome and recipient are of the same kind."""
    viewer = require_writer(by, case.organization_id)
    if viewer is not None and not viewer.reads_text_of(case):
        raise ValidationError(_("Only the case's caseworker or a coordinator records its referrals."))
    referral = referral if referral is not None else Referral(case=case)
    if referral.case_id != case.pk:
        raise ValidationError({"case": _("A referral cannot move to another case.")})
    for name, value in fields.items():
        setattr(referral, name, value)
    referral.full_clean()
    with acting(by):
        referral.save()
    return referral


@transaction.atomic
def case_note_update(*, note: CaseNote, by=None, body: str) -> CaseNote:
    viewer = require_writer(by, note.case.organization_id)
    if viewer is not None and not viewer.reads_text_of(note):
        raise ValidationError(_("Only the case's caseworker or a coordinator changes its notes."))
    note.body = body
    note.full_clean()
    with acting(by):
        note.save(update_fields=["body", "updated_at"])
    return note


@transaction.atomic
def case_child_delete(*, record: CaseNote | Referral, by=None) -> None:
    """Delete a note or a referral of a case, by someone who may read it."""
    viewer = require_writer(by, record.case.organization_id)
    if viewer is not None and not viewer.reads_text_of(record):
        raise ValidationError(_("Only the case's caseworker or a coordinator deletes this."))
    with acting(by):
        record.delete()
