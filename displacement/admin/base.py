"""What every admin screen shares: scoped querysets, scoped choices, history, CSV export.

No admin class reads a protected model directly: lists, forms, inlines, autocomplete
and foreign-key choices all go through ``selectors.access.scoped``. An object outside
the viewer's scope is therefore "not found", never "forbidden".
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin, StackedInline, TabularInline
from unfold.widgets import UnfoldAdminCheckboxSelectMultiple

from displacement.exports import csv_response
from displacement.models import AccessAction
from displacement.models.base import ChoiceArrayField
from displacement.selectors.access import Viewer, is_protected, scoped
from displacement.selectors.history import history_for
from displacement.services.audit import access_record


class ScopedMixin:
    """Scoping shared by model admins and inlines."""

    def get_queryset(self, request):
        return scoped(self.model, request.user, super().get_queryset(request))

    def _scope_field(self, db_field, request, kwargs):
        related = db_field.remote_field.model
        base = kwargs.get("queryset") or related._default_manager.all()
        if related._meta.label == "displacement.User":
            viewer = Viewer.of(request.user)
            kwargs["queryset"] = (
                base.filter(membership__organization=viewer.organization, is_active=True)
                if viewer.organization
                else base.none()
            )
        elif is_protected(related) or related._meta.label == "displacement.Organization":
            kwargs["queryset"] = scoped(related, request.user, base)
        return kwargs

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, ChoiceArrayField):
            return db_field.formfield(widget=UnfoldAdminCheckboxSelectMultiple)
        if isinstance(db_field, models.URLField):
            kwargs.setdefault("assume_scheme", "https")
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return super().formfield_for_foreignkey(db_field, request, **self._scope_field(db_field, request, kwargs))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return super().formfield_for_manytomany(db_field, request, **self._scope_field(db_field, request, kwargs))

    def has_view_permission(self, request, obj=None):
        return Viewer.of(request.user).may_open(self.model)

    def has_add_permission(self, request, obj=None):
        viewer = Viewer.of(request.user)
        return viewer.may_open(self.model) and viewer.can_write

    def has_change_permission(self, request, obj=None):
        return self.has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self.has_add_permission(request)


#: Free-text fields that may identify a person or hold a narrative. No URL lookup may filter
#: on them (``?narrative__icontains=...`` would turn a list into a search oracle).
SENSITIVE_FIELDS = {
    "narrative",
    "body",
    "full_name",
    "phone",
    "address",
    "document_numbers",
    "date_of_birth",
    "notes",
    "closure_reason",
    "outcome",
    "withdrawal_reason",
    "scope",
    "description",
    "original_name",
}


class ScopedAdmin(ScopedMixin, ModelAdmin):
    """Base for casework models: organisation set from the user, history, CSV export."""

    #: Fields written to the "export selected to CSV" file: never direct identifiers. A screen
    #: without them offers no export (there is no "all fields" default to leak through).
    export_fields: tuple[str, ...] = ()
    list_per_page = 50
    show_full_result_count = False
    warn_unsaved_form = True
    actions = ["export_csv"]

    def has_module_permission(self, request):
        return Viewer.of(request.user).may_open(self.model)

    def get_exclude(self, request, obj=None):
        exclude = list(super().get_exclude(request, obj) or [])
        if "organization" in {f.name for f in self.model._meta.fields}:
            exclude.append("organization")
        return exclude

    def save_model(self, request, obj, form, change):
        if not change and hasattr(obj, "organization_id") and not obj.organization_id:
            obj.organization = Viewer.of(request.user).organization
        if not change and hasattr(obj, "created_by_id") and not obj.created_by_id:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def lookup_allowed(self, lookup, value, request=None):
        if lookup.split("__", 1)[0] in SENSITIVE_FIELDS:
            return False
        return super().lookup_allowed(lookup, value, request)

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # get_queryset is scoped: another organisation's record and a missing one look alike.
        raise Http404(_("Not found."))

    # --- history ---------------------------------------------------------------------------

    def history_view(self, request, object_id, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(_("Not found."))
        context = {
            **self.admin_site.each_context(request),
            "title": _("History of %(object)s") % {"object": obj},
            "subtitle": None,
            "object": obj,
            "opts": self.model._meta,
            "entries": history_for(obj, hidden=self.history_hidden_fields(request, obj)),
            **(extra_context or {}),
        }
        hidden = context["entries"] and self.history_hidden_fields(request, obj)
        if not hidden:
            # Past values are as sensitive as present ones: reading them is logged alike.
            for action, record in self.sensitive_reads(request, obj):
                self.log_access(request, action, record, self.household_id_of(obj))
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/displacement/object_history.html", context)

    #: Inlines that show direct identifiers or identifying free text (contact details, notes).
    identifying_inlines: tuple = ()

    def household_id_of(self, obj) -> int | None:
        return getattr(obj, "household_id", None)

    def get_inlines(self, request, obj):
        inlines = list(super().get_inlines(request, obj))
        if self.identifying_inlines:
            viewer = Viewer.of(request.user)
            may_read = viewer.can_write if obj is None else viewer.sees_identifiers_of(self.household_id_of(obj))
            if not may_read:
                inlines = [inline for inline in inlines if inline not in self.identifying_inlines]
        return inlines

    def sensitive_reads(self, request, obj) -> list[tuple[str, object]]:
        """What opening ``obj``'s page shows that the access log must record: (action, record)."""
        return []

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        obj = getattr(response, "context_data", {}).get("original")
        if request.method == "GET" and response.status_code == 200 and obj is not None:
            for action, record in self.sensitive_reads(request, obj):
                self.log_access(request, action, record, self.household_id_of(obj))
        return response

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not self.export_fields:
            actions.pop("export_csv", None)
        return actions

    def history_hidden_fields(self, request, obj) -> set[str]:
        """Fields whose past values this viewer may not read in the history."""
        return set()

    def log_access(self, request, action, obj, household_id=None):
        access_record(
            who=request.user,
            action=action,
            model=self.model._meta.label,
            ids=[obj.pk],
            household_id=household_id,
            path=request.path,
        )

    # --- actions ---------------------------------------------------------------------------

    @admin.action(description=_("Export selected to CSV"))
    def export_csv(self, request, queryset):
        fields = self.export_fields
        model_fields = {f.name: f for f in self.model._meta.fields}

        def cell(obj, name):
            field = model_fields.get(name)
            if field is not None and field.choices:
                return getattr(obj, f"get_{name}_display")()
            value = getattr(obj, name)
            if callable(value):
                value = value()
            if isinstance(value, list | tuple):
                return "; ".join(str(v) for v in value)
            return "" if value is None else str(value)

        access_record(
            who=request.user,
            action=AccessAction.EXPORT,
            model=self.model._meta.label,
            ids=queryset.values_list("pk", flat=True),
            path=request.path,
            detail={"format": "csv", "fields": list(fields)},
        )

        def rows():
            yield [str(model_fields[n].verbose_name) if n in model_fields else n for n in fields]
            for obj in queryset.iterator(chunk_size=500):
                yield [cell(obj, n) for n in fields]

        return csv_response(rows(), name=self.model._meta.model_name)


class ScopedTabularInline(ScopedMixin, TabularInline):
    extra = 0
    show_change_link = True


class ScopedStackedInline(ScopedMixin, StackedInline):
    extra = 0
