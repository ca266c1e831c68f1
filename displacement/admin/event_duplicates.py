"""The coordinators' queue of possible duplicate events, answered by actions."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from displacement.admin.base import ScopedAdmin
from displacement.admin.duplicates import _message
from displacement.models import DuplicateStatus, EventDuplicateCandidate
from displacement.selectors.access import Viewer
from displacement.services.event_duplicates import event_duplicate_answer

LEVELS = {"raion": _("same raion"), "oblast": _("same oblast")}
TYPES = {
    "same_sub_type": _("same sub-type"),
    "same_type": _("same type"),
    "compatible": _("compatible types"),
}
TARGETS = {"same": _("same target"), "different": _("different targets"), "unknown": _("target unknown")}


def why(reasons: dict) -> str:
    """The reasons of a pair, in words."""
    r = reasons or {}
    parts = []
    if "km" in r:
        parts.append(_("%(km)s km apart") % {"km": r["km"]})
    elif r.get("level") in LEVELS:
        parts.append(LEVELS[r["level"]])
    parts.append(_("%(days)s day(s) apart") % {"days": r.get("days_apart", "?")})
    if r.get("types") in TYPES:
        parts.append(TYPES[r["types"]])
    if r.get("target") in TARGETS:
        parts.append(TARGETS[r["target"]])
    if "description" in r:
        parts.append(_("descriptions %(percent)d%% alike") % {"percent": round(100 * r["description"])})
    return "; ".join(str(p) for p in parts)


@admin.register(EventDuplicateCandidate)
class EventDuplicateCandidateAdmin(ScopedAdmin):
    """Each pair answered "merge" or "not the same event", once."""

    list_display = ["pair", "score", "why", "status", "decided_by", "decided_at"]
    list_filter = ["status"]
    list_select_related = ["event", "other", "decided_by"]
    readonly_fields = ["event", "other", "score", "reasons", "status", "decided_by", "decided_at"]
    fields = readonly_fields
    actions = ["merge", "not_the_same"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("events"))
    def pair(self, obj):
        url = "admin:displacement_event_change"
        return format_html(
            '<a href="{}">{}</a> ~ <a href="{}">{}</a>',
            reverse(url, args=[obj.event_id]),
            obj.event,
            reverse(url, args=[obj.other_id]),
            obj.other,
        )

    @admin.display(description=_("why"))
    def why(self, obj):
        return why(obj.reasons)

    def _answer(self, request, queryset, answer):
        done = 0
        for candidate in queryset.filter(status=DuplicateStatus.PENDING):
            try:
                event_duplicate_answer(candidate=candidate, by=request.user, answer=answer)
                done += 1
            except (ValidationError, PermissionDenied) as error:
                messages.error(request, f"{candidate.event_id} ~ {candidate.other_id}: {_message(error)}")
        if done:
            messages.success(request, _("%(count)d pair(s) answered.") % {"count": done})

    @admin.action(description=_("Merge (an ACLED event, or else the older, survives)"))
    def merge(self, request, queryset):
        self._answer(request, queryset, DuplicateStatus.MERGED)

    @admin.action(description=_("Not the same event"))
    def not_the_same(self, request, queryset):
        self._answer(request, queryset, DuplicateStatus.DISTINCT)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not Viewer.of(request.user).is_coordinator:
            actions.pop("merge", None)
            actions.pop("not_the_same", None)
        return actions
