"""Merging two records of one family: one household survives and takes everything."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from displacement import models as m
from displacement.models.sharing import RecordKind
from displacement.models.vocab import CaseStatus
from displacement.services import summary_tracking
from displacement.services.acting import acting
from displacement.services.deletions import record_delete
from displacement.services.tombstones import is_shareable

#: The records that follow their household to the survivor (consents follow their testimonies).
MOVED = (m.Person, m.Case, m.Displacement, m.Testimony)

#: Contact fields the survivor takes from the merged household when its own are empty.
CONTACT_FIELDS = ("full_name", "phone", "address", "date_of_birth", "document_numbers")


@transaction.atomic
def household_merge(*, survivor: m.Household, merged: m.Household, by=None) -> m.Household:
    """Move ``merged``'s people, cases, displacements and testimonies (with their consents) to
    ``survivor``, fill the survivor's empty contact fields from it, then delete it, all in one
    transaction. The history of every moved row and of the deletion carries ``by`` and a
    ``household_merge`` context naming both codes. If partners could have received ``merged``,
    their deletions feed lists it as merged into ``survivor``."""
    if survivor.pk == merged.pk:
        raise ValidationError(_("A household cannot be merged into itself."))
    locked = {h.pk: h for h in m.Household.objects.select_for_update().filter(pk__in=[survivor.pk, merged.pk])}
    if len(locked) != 2:
        raise ValidationError(_("One of the two households no longer exists."))
    survivor, merged = locked[survivor.pk], locked[merged.pk]
    if survivor.organization_id != merged.organization_id:
        raise ValidationError(_("Only households of one organisation can be merged."))
    open_cases = m.Case.objects.filter(household__in=[survivor, merged]).exclude(status=CaseStatus.CLOSED)
    if open_cases.values("household_id").distinct().count() > 1:
        raise ValidationError(_("Both households have an open case: close one of them before merging."))
    context = {"household_merge": {"survivor": survivor.code, "merged": merged.code}}
    with acting(by, **context):
        # Known before its testimonies move away: whether partners could have received it.
        shared = is_shareable(RecordKind.HOUSEHOLDS, merged.pk)
        # Events told by both records counted them as two households: now one.
        recounted = list(
            m.TestimonyEvent.objects.filter(testimony__household=merged).values_list("event_id", flat=True)
        )
        days = list(m.Displacement.objects.filter(household__in=[survivor, merged]).values_list("left_on", flat=True))
        now = timezone.now()
        for model in MOVED:
            model.objects.filter(household=merged).update(household=survivor, updated_at=now)
        _merge_contact_details(survivor, merged)
        m.HouseholdDuplicateCandidate.objects.filter(
            household_id=min(survivor.pk, merged.pk), other_id=max(survivor.pk, merged.pk)
        ).update(
            status=m.DuplicateStatus.MERGED,
            decided_by=by,
            decided_at=now,
            updated_at=now,
        )
        if survivor.legal_hold is False and merged.legal_hold:
            survivor.legal_hold = True
        survivor.save()
        # The tombstone says where it went and whether partners knew it.
        record_delete(merged, survivor_id=survivor.pk, shared=shared)
    summary_tracking.touch(survivor.organization_id, *days)
    summary_tracking.touch_cases(survivor.organization_id)
    summary_tracking.events_recounted(recounted)
    return survivor


def _merge_contact_details(survivor: m.Household, merged: m.Household) -> None:
    theirs = m.ContactDetails.objects.filter(household=merged).first()
    if theirs is None:
        return
    ours = m.ContactDetails.objects.filter(household=survivor).first()
    if ours is None:
        theirs.household = survivor
        theirs.save()
        return
    changed = [name for name in CONTACT_FIELDS if not getattr(ours, name) and getattr(theirs, name)]
    for name in changed:
        setattr(ours, name, getattr(theirs, name))
    if changed:
        ours.save(update_fields=[*changed, "updated_at"])
