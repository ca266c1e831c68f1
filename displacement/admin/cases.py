"""Cases: workflow, assignment, notes, referrals and the household's trajectory."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.shortcuts import render
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from unfold.contrib.filters.admin import ChoicesDropdownFilter, RangeDateFilter
from unfold.widgets import UnfoldAdminSelectWidget

from displacement.admin.base import ScopedAdmin, ScopedTabularInline
from displacement.models import AccessAction, Case, CaseNote, Referral
from displacement.models.vocab import Role
from displacement.selectors.access import Viewer, organization_of
from displacement.services.cases import (
    PLAIN_FIELDS,
    case_assign,
    case_check_open,
    case_check_transition,
    case_child_delete,
    case_delete,
    case_note_add,
    case_note_update,
    case_open,
    case_update,
    referral_save,
)


class CaseNoteInline(ScopedTabularInline):
    model = CaseNote
    fields = ["body", "author", "created_at"]
    readonly_fields = ["author", "created_at"]
    show_change_link = False


class ReferralInline(ScopedTabularInline):
    model = Referral
    fields = ["service", "referred_to", "referred_on", "status", "outcome"]
    show_change_link = False


class CaseForm(forms.ModelForm):
    class Meta:
        model = Case
        fields = ["household", "status", "assigned_to", "priority", "needs", "opened_on", "closure_reason"]

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and "status" in cleaned:
            previous = Case.objects.values_list("status", flat=True).get(pk=self.instance.pk)
            try:
                case_check_transition(old=previous, new=cleaned["status"])
            except forms.ValidationError as error:
                self.add_error(None, error)
        household = cleaned.get("household")
        if self.instance.pk and household and household.pk != self.instance.household_id:
            self.add_error("household", _("A case cannot move to another household."))
        if not self.instance.pk and household:
            try:
                case_check_open(household=household)
            except forms.ValidationError as error:
                self.add_error(None, error)
        return cleaned


def _caseworkers(request):
    organization = organization_of(request.user)
    users = get_user_model().objects.filter(is_active=True, membership__role__in=[Role.CASEWORKER, Role.COORDINATOR])
    if organization is not None:
        users = users.filter(membership__organization=organization)
    elif not request.user.is_superuser:
        users = users.none()
    return users.order_by("username")


class AssignForm(forms.Form):
    caseworker = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(), label=_("Caseworker"), widget=UnfoldAdminSelectWidget
    )


@admin.register(Case)
class CaseAdmin(ScopedAdmin):
    form = CaseForm
    list_display = ["reference", "household", "status", "priority", "assigned_to", "opened_on", "closed_on"]
    list_filter = ["status", "priority", ("opened_on", RangeDateFilter), ("closed_on", RangeDateFilter)]
    list_filter_submit = True
    search_fields = ["reference", "household__code"]
    autocomplete_fields = ["household"]
    list_select_related = ["household", "assigned_to"]
    readonly_fields = ["reference", "closed_on", "trajectory", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["reference", "household", "status", "priority", "assigned_to"]}),
        (_("Needs"), {"fields": ["needs"]}),
        (_("Dates"), {"fields": ["opened_on", "closed_on", "closure_reason"]}),
        (_("Trajectory of the household"), {"fields": ["trajectory"]}),
    ]
    inlines = [CaseNoteInline, ReferralInline]
    date_hierarchy = "opened_on"
    actions = ["export_csv", "assign_caseworker"]
    export_fields = (
        "reference",
        "household",
        "status",
        "priority",
        "assigned_to",
        "needs",
        "opened_on",
        "closed_on",
    )

    identifying_inlines = (CaseNoteInline,)

    def sensitive_reads(self, request, obj):
        if Viewer.of(request.user).sees_identifiers_of(obj.household_id) and obj.notes.exists():
            return [(AccessAction.VIEW_CASE_NOTES, obj)]
        return []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "assigned_to":
            kwargs["queryset"] = _caseworkers(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("displacements"))
    def trajectory(self, obj):
        if not obj.pk:
            return "—"
        moves = obj.household.displacements.select_related("origin", "destination").order_by("left_on", "id")
        if not moves:
            return _("No displacement recorded.")
        return format_html_join(
            "",
            "<div>{}. {} · {} → {}</div>",
            (
                (
                    i,
                    m.left_on.isoformat(),
                    m.origin.name_en,
                    m.destination.name_en if m.destination_id else "?",
                )
                for i, m in enumerate(moves, start=1)
            ),
        )

    def delete_record(self, request, obj):
        case_delete(case=obj, by=request.user)

    def save_model(self, request, obj, form, change):
        # The rules (who is assigned, closure dates, the workflow) are the services'.
        if change:
            changes = {name: form.cleaned_data[name] for name in form.changed_data if name != "household"}
            saved = case_update(case=obj, by=request.user, **changes)
        else:
            fields = {name: form.cleaned_data[name] for name in PLAIN_FIELDS if name in form.cleaned_data}
            saved = case_open(
                household=obj.household, by=request.user, assigned_to=form.cleaned_data.get("assigned_to"), **fields
            )
        obj.__dict__.update(saved.__dict__)

    def save_formset(self, request, form, formset, change):
        case = form.instance
        saved = formset.save(commit=False)
        for record in formset.deleted_objects:
            case_child_delete(record=record, by=request.user)
        for record in saved:
            if isinstance(record, CaseNote):
                if record.pk is None:
                    case_note_add(case=case, by=request.user, body=record.body)
                else:
                    case_note_update(note=record, by=request.user, body=record.body)
            else:
                fields = {name: getattr(record, name) for name in ReferralInline.fields}
                referral_save(case=case, by=request.user, referral=record if record.pk else None, **fields)

    def has_assign_permission(self, request):
        return Viewer.of(request.user).is_coordinator

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            fieldsets = [
                (
                    name,
                    {**options, "fields": [f for f in options["fields"] if f not in {"status", "closed_on"}]},
                )
                for name, options in fieldsets
            ]
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not self.has_assign_permission(request):
            fields.append("assigned_to")  # only coordinators assign: assignment grants identifiers
        return fields

    @admin.action(description=_("Assign a caseworker to the selected cases"), permissions=["assign"])
    def assign_caseworker(self, request, queryset):
        form = AssignForm(request.POST if "apply" in request.POST else None)
        form.fields["caseworker"].queryset = _caseworkers(request)
        if "apply" in request.POST and form.is_valid():
            count = case_assign(cases=queryset, caseworker=form.cleaned_data["caseworker"], by=request.user)
            self.message_user(
                request,
                ngettext("%(count)d case assigned.", "%(count)d cases assigned.", count) % {"count": count},
                messages.SUCCESS,
            )
            return None
        return render(
            request,
            "admin/displacement/assign_caseworker.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Assign a caseworker"),
                "form": form,
                "cases": queryset,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )


@admin.register(CaseNote)
class CaseNoteAdmin(ScopedAdmin):
    list_display = ["case", "author", "created_at"]
    search_fields = ["case__reference"]
    autocomplete_fields = ["case"]
    readonly_fields = ["author", "created_at"]
    list_select_related = ["case", "author"]
    export_fields = ("case", "author", "created_at")

    def household_id_of(self, obj):
        return obj.case.household_id

    def sensitive_reads(self, request, obj):
        return [(AccessAction.VIEW_CASE_NOTES, obj)]

    def save_model(self, request, obj, form, change):
        if change:
            obj.__dict__.update(case_note_update(note=obj, by=request.user, body=obj.body).__dict__)
        else:
            obj.__dict__.update(case_note_add(case=obj.case, by=request.user, body=obj.body).__dict__)

    def delete_model(self, request, obj):
        case_child_delete(record=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for note in queryset:
            case_child_delete(record=note, by=request.user)


@admin.register(Referral)
class ReferralAdmin(ScopedAdmin):
    list_display = ["case", "service", "referred_to", "referred_on", "status"]
    list_filter = [("service", ChoicesDropdownFilter), "status", ("referred_on", RangeDateFilter)]
    list_filter_submit = True
    search_fields = ["case__reference", "referred_to"]
    autocomplete_fields = ["case"]
    list_select_related = ["case"]
    export_fields = ("case", "service", "referred_to", "referred_on", "status")

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "case"] if obj is not None else fields  # a referral never moves

    def has_change_permission(self, request, obj=None):
        # ``referral_save``'s rule, shown: only those who may read a referral change it.
        readable = obj is None or Viewer.of(request.user).reads_text_of(obj)
        return readable and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        names = form.changed_data if change else form.cleaned_data
        fields = {name: form.cleaned_data[name] for name in names if name != "case"}
        saved = referral_save(case=obj.case, by=request.user, referral=obj if change else None, **fields)
        obj.__dict__.update(saved.__dict__)

    def delete_model(self, request, obj):
        case_child_delete(record=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for referral in queryset:
            case_child_delete(record=referral, by=request.user)
