"""The coordinators' queue of possible duplicates, one screen per record kind: each pair is
read-only and answered once, "merge" or "not the same", by actions only coordinators see."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from displacement.admin.base import ReadOnlyScopedAdmin
from displacement.models import DuplicateStatus
from displacement.selectors.access import Viewer


def error_message(error) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


class DuplicateQueueAdmin(ReadOnlyScopedAdmin):
    """A subclass names ``side`` (the candidate's first record field; the second is ``other``),
    ``answer`` (the service, called with ``candidate``, ``by``, ``answer``), ``label`` (a record
    as shown), its ``pair`` and ``why`` columns and its two actions' descriptions."""

    side: str
    list_display = ["pair", "score", "why", "status", "decided_by", "decided_at"]
    list_filter = ["status"]
    actions = ["merge", "not_the_same"]

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.list_select_related = [cls.side, "other", "decided_by"]
        cls.readonly_fields = cls.fields = [cls.side, "other", "score", "reasons", "status", "decided_by", "decided_at"]

    @staticmethod
    def answer(*, candidate, by, answer):
        raise NotImplementedError

    def label(self, record) -> str:
        return str(record)

    def pair_links(self, obj):
        first, other = getattr(obj, self.side), obj.other
        url = f"admin:{first._meta.app_label}_{first._meta.model_name}_change"
        return format_html(
            '<a href="{}">{}</a> ~ <a href="{}">{}</a>',
            reverse(url, args=[first.pk]),
            self.label(first),
            reverse(url, args=[other.pk]),
            self.label(other),
        )

    def _answer(self, request, queryset, answer):
        done = 0
        for candidate in queryset.filter(status=DuplicateStatus.PENDING):
            try:
                self.answer(candidate=candidate, by=request.user, answer=answer)
                done += 1
            except (ValidationError, PermissionDenied) as error:
                pair = f"{self.label(getattr(candidate, self.side))} ~ {self.label(candidate.other)}"
                messages.error(request, f"{pair}: {error_message(error)}")
        if done:
            messages.success(request, _("%(count)d pair(s) answered.") % {"count": done})

    def _confirm_merge(self, request, queryset):
        """A merge cannot be undone: the action first shows the pairs and asks; merged on "apply"."""
        if "apply" in request.POST:
            return self._answer(request, queryset, DuplicateStatus.MERGED)
        pending = queryset.filter(status=DuplicateStatus.PENDING)
        pairs = [(c.pk, f"{self.label(getattr(c, self.side))} ~ {self.label(c.other)}") for c in pending]
        return render(
            request,
            "admin/displacement/confirm_merge.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Merge these pairs? This cannot be undone."),
                "pairs": pairs,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not Viewer.of(request.user).is_coordinator:
            actions.pop("merge", None)
            actions.pop("not_the_same", None)
        return actions
