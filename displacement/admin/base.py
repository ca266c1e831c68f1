"""What every admin screen shares: scoped querysets, scoped choices, history, CSV export.

No admin class reads a protected model directly: lists, forms, inlines, autocomplete
and foreign-key choices all go through ``selectors.scope.scoped``. An object outside
the viewer's scope is therefore "not found", never "forbidden".
"""

from __future__ import annotations

import csv

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin, StackedInline, TabularInline
from unfold.widgets import UnfoldAdminCheckboxSelectMultiple

from displacement.exports import Echo, safe_row
from displacement.models.base import ChoiceArrayField
from displacement.selectors.history import history_for
from displacement.selectors.scope import is_protected, organization_of, scoped


class ScopedMixin:
    """Scoping shared by model admins and inlines."""

    def get_queryset(self, request):
        return scoped(self.model, request.user, super().get_queryset(request))

    def _scope_field(self, db_field, request, kwargs):
        related = db_field.remote_field.model
        if is_protected(related) or related._meta.model_name in {"organization", "user"}:
            base = kwargs.get("queryset") or related._default_manager.all()
            if related._meta.model_name == "user":
                organization = organization_of(request.user)
                if not request.user.is_superuser:
                    base = base.filter(membership__organization=organization) if organization else base.none()
                kwargs["queryset"] = base
            else:
                kwargs["queryset"] = scoped(related, request.user, base)
        return kwargs

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, ChoiceArrayField):
            return db_field.formfield(widget=UnfoldAdminCheckboxSelectMultiple)
        if isinstance(db_field, models.URLField):
            kwargs.setdefault("assume_scheme", "https")
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return super().formfield_for_foreignkey(
            db_field, request, **self._scope_field(db_field, request, kwargs)
        )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return super().formfield_for_manytomany(
            db_field, request, **self._scope_field(db_field, request, kwargs)
        )

    def _is_member(self, request):
        return request.user.is_active and (
            request.user.is_superuser or organization_of(request.user) is not None
        )

    def has_view_permission(self, request, obj=None):
        return self._is_member(request)

    def has_add_permission(self, request, obj=None):
        return self._is_member(request)

    def has_change_permission(self, request, obj=None):
        return self._is_member(request)

    def has_delete_permission(self, request, obj=None):
        return self._is_member(request)


class ScopedAdmin(ScopedMixin, ModelAdmin):
    """Base for casework models: organisation set from the user, history, CSV export."""

    #: Fields written to the "export selected to CSV" file: never direct identifiers.
    export_fields: tuple[str, ...] = ()
    list_per_page = 50
    show_full_result_count = False
    warn_unsaved_form = True
    actions = ["export_csv"]

    def has_module_permission(self, request):
        return self._is_member(request)

    def get_exclude(self, request, obj=None):
        exclude = list(super().get_exclude(request, obj) or [])
        if not request.user.is_superuser and "organization" in {f.name for f in self.model._meta.fields}:
            exclude.append("organization")
        return exclude

    def save_model(self, request, obj, form, change):
        if not change and hasattr(obj, "organization_id") and not obj.organization_id:
            obj.organization = organization_of(request.user)
        if not change and hasattr(obj, "created_by_id") and not obj.created_by_id:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # get_queryset is scoped: another organisation's record and a missing one look alike.
        raise Http404(_("Not found."))

    # --- history ---------------------------------------------------------------------------

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(_("Not found."))
        context = {
            **self.admin_site.each_context(request),
            "title": _("History of %(object)s") % {"object": obj},
            "subtitle": None,
            "object": obj,
            "opts": self.model._meta,
            "entries": history_for(obj),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/displacement/object_history.html", context)

    # --- actions ---------------------------------------------------------------------------

    @admin.action(description=_("Export selected to CSV"))
    def export_csv(self, request, queryset):
        fields = self.export_fields or tuple(
            f.name for f in self.model._meta.fields if f.name not in {"organization"}
        )
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

        def rows():
            yield [str(model_fields[n].verbose_name) if n in model_fields else n for n in fields]
            for obj in queryset.iterator(chunk_size=500):
                yield [cell(obj, n) for n in fields]

        writer = csv.writer(Echo())
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response = StreamingHttpResponse(
            ("\ufeff" if i == 0 else "") + writer.writerow(safe_row(row)) for i, row in enumerate(rows())
        )
        response["Content-Type"] = "text/csv; charset=utf-8"
        response["Content-Disposition"] = f'attachment; filename="{self.model._meta.model_name}-{stamp}.csv"'
        return response

    def message_validation_error(self, request, error: ValidationError):
        for message in error.messages:
            self.message_user(request, message, messages.ERROR)


class ScopedTabularInline(ScopedMixin, TabularInline):
    extra = 0
    show_change_link = True


class ScopedStackedInline(ScopedMixin, StackedInline):
    extra = 0
