"""What every admin screen shares: scoped querysets, scoped choices, history, CSV export.

No admin class reads a protected model directly: lists, forms, inlines, autocomplete
and foreign-key choices all go through ``selectors.access.scoped``. An object outside
the viewer's scope is therefore "not found", never "forbidden".
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.exceptions import DisallowedModelAdminLookup
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin, StackedInline, TabularInline
from unfold.views import ChangeList
from unfold.widgets import UnfoldAdminCheckboxSelectMultiple

from displacement.admin.vocabulary import VocabularyLabels
from displacement.exports import csv_response
from displacement.models import AccessAction
from displacement.models.base import ChoiceArrayField, choice_labels, is_vocabulary_array
from displacement.selectors.access import SENSITIVE_TEXT, Viewer, is_protected, scoped, text_visible_q
from displacement.selectors.history import history_for
from displacement.services.audit import access_record


class AllowlistChangeList(ChangeList):
    """A list that applies only the lookups its own filters and date hierarchy consume, and
    those its admin names in ``allowed_lookups``: any other URL parameter is a 400, so no list
    answers "does a hidden field hold this word?" (``?narrative_words=...``)."""

    def get_filters(self, request):
        given = set(self.get_filters_params())
        result = super().get_filters(request)
        consumed = given - set(result[2])  # each filter and the date hierarchy take their own
        refused = given - consumed - set(self.model_admin.allowed_lookups(request))
        if refused:
            raise DisallowedModelAdminLookup(f"Filtering by {', '.join(sorted(refused))} not allowed")
        return result


class AllowlistedLookups:
    """Every admin: the changelist accepts its filters' parameters and ``extra_lookups`` only."""

    #: Lookups a screen accepts beyond its own filters (a link from another page).
    extra_lookups: tuple[str, ...] = ()

    def allowed_lookups(self, request) -> tuple[str, ...]:
        return self.extra_lookups

    def get_changelist(self, request, **kwargs):
        return AllowlistChangeList


class SavedCode:
    """``saved_code`` in place of a generated ``code`` field: before a record is saved it has no
    code yet (the one its model's default would show is not the one saving gives it)."""

    @admin.display(description=_("code"))
    def saved_code(self, obj) -> str:
        return obj.code if obj is not None and obj.pk else _("given when saved")


class ScopedMixin(VocabularyLabels):
    """Scoping shared by model admins and inlines (and vocabulary words shown by their labels)."""

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


#: Every field name that holds sensitive free text in some model (``selectors.access.SENSITIVE_TEXT``).
SENSITIVE_NAMES = {name for names in SENSITIVE_TEXT.values() for name in names}


def save_formset_through(formset, *, add, change, remove) -> None:
    """Save an inline's rows through services, the formset itself saving nothing: ``add(fields)``
    for each new row, ``change(record, changes)`` for each changed one, ``remove(record)`` for
    each deleted one. The formset keeps the saved records for the admin's change message."""
    formset.save(commit=False)
    names = [name for name in formset.form.base_fields if name not in ("id", "DELETE", formset.fk.name)]
    for record in formset.deleted_objects:
        remove(record)
    for record, changed in formset.changed_objects:
        change(record, {name: getattr(record, name) for name in changed if name in names})
    formset.new_objects = [add({name: getattr(record, name) for name in names}) for record in formset.new_objects]


class ScopedAdmin(AllowlistedLookups, ScopedMixin, ModelAdmin):
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

    # Every screen that writes saves and deletes through its record's services, one call each
    # (docs/architecture.md, "One write path per record kind"); Django's own save and delete,
    # which would bypass their rules and follow-up work (history context, tombstones, summary
    # refreshes), are never reached.

    def save_model(self, request, obj, form, change):
        raise NotImplementedError(f"{type(self).__name__} saves through a service: override save_model.")

    def delete_model(self, request, obj):
        self.delete_record(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self.delete_record(request, obj)

    def save_formset(self, request, form, formset, change):
        raise NotImplementedError(f"{type(self).__name__} saves its inlines through services: override save_formset.")

    def delete_record(self, request, obj):
        """Delete ``obj`` through its service (the delete view and the "delete selected" action)."""
        raise NotImplementedError(f"{type(self).__name__} deletes through a service: override delete_record.")

    def lookup_allowed(self, lookup, value, request=None):
        return lookup in self.extra_lookups or super().lookup_allowed(lookup, value, request)

    def get_search_fields(self, request):
        # Searching sensitive text is reading it: only a coordinator reads all of it.
        fields = super().get_search_fields(request)
        if Viewer.of(request.user).is_coordinator:
            return fields
        return [f for f in fields if f.lstrip("^=@").rsplit("__", 1)[-1] not in SENSITIVE_NAMES]

    def get_list_display(self, request):
        columns = super().get_list_display(request)
        if Viewer.of(request.user).is_coordinator:
            return columns
        # Rows of one list differ in who may read them: their sensitive text is no column.
        return [c for c in columns if c not in SENSITIVE_TEXT.get(self.model, ())]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        hidden = Viewer.of(request.user).hidden_text(self.model, obj)
        if not hidden:
            return fieldsets
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f not in hidden]})
            for name, options in fieldsets
        ]

    def _refused_as_message(self, view, request, *args):
        try:
            return view(request, *args)
        except ValidationError as error:
            # A service refused what the form let through: the whole save was rolled back
            # (each view runs in one transaction); say why on the same page.
            for message in error.messages:
                self.message_user(request, message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return self._refused_as_message(super().changeform_view, request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        return self._refused_as_message(super().delete_view, request, object_id, extra_context)

    def changelist_view(self, request, extra_context=None):
        return self._refused_as_message(super().changelist_view, request, extra_context)

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
        return Viewer.of(request.user).hidden_text(self.model, obj)

    def log_access(self, request, action, obj, household_id=None):
        access_record(
            who=request.user,
            action=action,
            model=obj._meta.label,  # the record read (a household page shows its contact details' record)
            ids=[obj.pk],
            household_id=household_id,
            path=request.path,
        )

    # --- actions ---------------------------------------------------------------------------

    @admin.action(description=_("Export selected to CSV"))
    def export_csv(self, request, queryset):
        fields = self.export_fields
        model_fields = {f.name: f for f in self.model._meta.fields}
        sensitive = set(SENSITIVE_TEXT.get(self.model, ())) & set(fields)
        readable = (
            set(queryset.filter(text_visible_q(self.model, request.user)).values_list("pk", flat=True))
            if sensitive
            else set()
        )

        def cell(obj, name):
            if name in sensitive and obj.pk not in readable:
                return ""
            field = model_fields.get(name)
            if field is not None and is_vocabulary_array(field):
                return "; ".join(choice_labels(field, getattr(obj, name)))
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


class ReadOnlyScopedAdmin(ScopedAdmin):
    """Records shown here and never added, changed or deleted from the admin: their services
    write them (imports, report runs, the access log, the duplicate checks)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SensitiveTextInline:
    """An inline shows its sensitive text only to those who may read the parent's (same rule),
    and only they may add, change or delete its rows."""

    def get_fields(self, request, obj=None):
        hidden = Viewer.of(request.user).hidden_text(self.model, obj) if self.model in SENSITIVE_TEXT else set()
        return [f for f in super().get_fields(request, obj) if f not in hidden]

    def _reads_parent(self, request, obj) -> bool:
        return self.model not in SENSITIVE_TEXT or Viewer.of(request.user).reads_text_of(obj)

    def has_add_permission(self, request, obj=None):
        return self._reads_parent(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._reads_parent(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._reads_parent(request, obj) and super().has_delete_permission(request, obj)


class ScopedTabularInline(SensitiveTextInline, ScopedMixin, TabularInline):
    extra = 0
    show_change_link = True


class ScopedStackedInline(SensitiveTextInline, ScopedMixin, StackedInline):
    extra = 0
