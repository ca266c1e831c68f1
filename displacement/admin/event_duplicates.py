"""The coordinators' queue of possible duplicate events, answered by actions."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from displacement.admin.duplicate_queue import DuplicateQueueAdmin
from displacement.models import DuplicateStatus, EventDuplicateCandidate
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
class EventDuplicateCandidateAdmin(DuplicateQueueAdmin):
    """The coordinators' queue of events: each pair answered "merge" or "not the same event", once."""

    side = "event"
    answer = staticmethod(event_duplicate_answer)

    @admin.display(description=_("events"))
    def pair(self, obj):
        return self.pair_links(obj)

    @admin.display(description=_("why"))
    def why(self, obj):
        return why(obj.reasons)

    @admin.action(description=_("Merge (an ACLED event, or else the older, survives)"))
    def merge(self, request, queryset):
        return self._confirm_merge(request, queryset)

    @admin.action(description=_("Not the same event"))
    def not_the_same(self, request, queryset):
        self._answer(request, queryset, DuplicateStatus.DISTINCT)
