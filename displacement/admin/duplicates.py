"""Duplicate households in the admin: suggestions while registering, the coordinators' queue."""

from __future__ import annotations

import datetime

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from displacement.admin.duplicate_queue import DuplicateQueueAdmin
from displacement.models import AccessAction, ContactDetails, DuplicateStatus, HouseholdDuplicateCandidate
from displacement.selectors.access import Viewer
from displacement.selectors.duplicates import contact_details_of, household_candidates, household_suggestions
from displacement.services.audit import access_record
from displacement.services.household_duplicates import household_duplicate_answer


def _int_or_none(value: str) -> int | None:
    return int(value) if value and value.isdigit() else None


@require_POST
def suggestions_view(request):
    """JSON: likely existing households for what is typed in the household form. POST, so
    that names and phones never appear in a URL (server and proxy logs)."""
    viewer = Viewer.of(request.user)
    if not viewer.can_write:
        raise PermissionDenied
    try:
        born = datetime.date.fromisoformat(request.POST.get("date_of_birth", "").strip() or "x")
    except ValueError:
        born = None
    full_name = request.POST.get("full_name", "")[:300]
    phone = request.POST.get("phone", "")[:50]
    if len(full_name.strip()) < 3 and len(phone.strip()) < 7:
        return JsonResponse({"title": "", "suggestions": []})
    candidates = household_candidates(
        organization_id=viewer.organization.pk,
        full_name=full_name,
        phone=phone,
        date_of_birth=born,
        origin_id=_int_or_none(request.POST.get("origin", "")),
        exclude_household_id=_int_or_none(request.POST.get("household", "")),
    )
    suggestions = household_suggestions(viewer=viewer, candidates=candidates)
    shown = [s["household_id"] for s in suggestions if "household_id" in s]
    if shown:
        access_record(
            who=request.user,
            action=AccessAction.VIEW_CONTACT_DETAILS,
            model=ContactDetails._meta.label,
            ids=contact_details_of(shown),
            path=request.path,
            detail={"suggestions_for_households": shown},
        )
    for suggestion in suggestions:
        if "household_id" in suggestion:
            suggestion["url"] = reverse("admin:displacement_household_change", args=[suggestion.pop("household_id")])
    return JsonResponse({"title": _("Likely already registered:"), "suggestions": suggestions})


@admin.register(HouseholdDuplicateCandidate)
class HouseholdDuplicateCandidateAdmin(DuplicateQueueAdmin):
    """The coordinators' queue of households: each pair answered "merge" or "not the same", once."""

    side = "household"
    answer = staticmethod(household_duplicate_answer)

    def label(self, record) -> str:
        return record.code

    @admin.display(description=_("households"))
    def pair(self, obj):
        return self.pair_links(obj)

    @admin.display(description=_("why"))
    def why(self, obj):
        r = obj.reasons or {}
        parts = [_("names %(percent)d%% alike") % {"percent": round(100 * r.get("name", 0))}]
        if r.get("phone"):
            parts.append(_("same phone"))
        if "years_apart" in r:
            parts.append(_("born %(years)s year(s) apart") % {"years": r["years_apart"]})
        if r.get("same_raion"):
            parts.append(_("same origin raion"))
        return "; ".join(str(p) for p in parts)

    @admin.action(description=_("Merge (the older household survives)"))
    def merge(self, request, queryset):
        return self._confirm_merge(request, queryset)

    @admin.action(description=_("Not the same household"))
    def not_the_same(self, request, queryset):
        self._answer(request, queryset, DuplicateStatus.DISTINCT)
