"""Households with their members, contact details and trajectory; displacements."""

from django.contrib import admin
from django.db.models import Count, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import ChoicesDropdownFilter, RangeDateFilter

from displacement.admin.base import (
    SavedCode,
    ScopedAdmin,
    ScopedStackedInline,
    ScopedTabularInline,
    save_formset_through,
)
from displacement.admin.filters import oblast_filter
from displacement.models import AccessAction, AccessLog, Case, ContactDetails, Displacement, Household, Person
from displacement.models.vocab import CaseStatus
from displacement.selectors.access import Viewer, scoped
from displacement.services.displacements import displacement_delete, displacement_record, displacement_update
from displacement.services.households import (
    CONTACT_FIELDS,
    MEMBER_FIELDS,
    contact_details_remove,
    contact_details_save,
    household_delete,
    household_register,
    household_update,
    member_add,
    member_remove,
    member_update,
)


class PersonInline(SavedCode, ScopedTabularInline):
    model = Person
    fields = ["saved_code", "relationship", "age_band", "sex", "vulnerabilities"]
    readonly_fields = ["saved_code"]
    show_change_link = False


class ContactDetailsInline(ScopedStackedInline):
    model = ContactDetails
    fields = ["full_name", "phone", "address", "date_of_birth", "document_numbers", "purged_at"]
    readonly_fields = ["purged_at"]
    max_num = 1
    verbose_name_plural = _("contact details (direct identifiers: never shared)")


class DisplacementInline(ScopedTabularInline):
    model = Displacement
    fields = ["left_on", "left_on_precision", "origin", "destination", "arrived_on", "cause", "kind", "shelter_type"]
    autocomplete_fields = ["origin", "destination", "cause"]
    ordering = ["left_on", "id"]
    verbose_name_plural = _("trajectory (displacements in date order)")


@admin.register(Household)
class HouseholdAdmin(SavedCode, ScopedAdmin):
    list_display = ["code", "current_place", "member_count", "displacement_count", "open_case", "created_at"]
    list_filter = [
        oblast_filter("current_place", _("current oblast")),
        "legal_hold",
        ("created_at", RangeDateFilter),
    ]
    list_filter_submit = True
    search_fields = ["code", "members__code"]
    autocomplete_fields = ["current_place"]
    list_select_related = ["current_place"]
    inlines = [PersonInline, DisplacementInline, ContactDetailsInline]
    readonly_fields = ["saved_code", "created_at", "updated_at"]
    fields = ["saved_code", "current_place", "legal_hold", "notes", "created_at", "updated_at"]
    export_fields = ("code", "current_place", "legal_hold", "created_at")

    class Media:
        # Search before create: likely existing households while the form is filled in.
        js = ["displacement/js/household_duplicates.js"]

    def get_urls(self):
        from django.urls import path

        from displacement.admin.duplicates import suggestions_view

        own = [
            path("duplicates/", self.admin_site.admin_view(suggestions_view), name="displacement_household_duplicates")
        ]
        return own + super().get_urls()

    def get_queryset(self, request):
        open_cases = Case.objects.filter(household=OuterRef("pk")).exclude(status=CaseStatus.CLOSED)
        return (
            super()
            .get_queryset(request)
            .annotate(
                _members=Count("members", distinct=True),
                _moves=Count("displacements", distinct=True),
                _case=Subquery(open_cases.values("reference")[:1]),
                _case_status=Subquery(open_cases.values("status")[:1]),
            )
        )

    @admin.display(description=_("members"), ordering="_members")
    def member_count(self, obj):
        return obj._members

    @admin.display(description=_("displacements"), ordering="_moves")
    def displacement_count(self, obj):
        return obj._moves

    @admin.display(description=_("open case"), ordering="_case")
    def open_case(self, obj):
        if not obj._case:
            return "—"
        return f"{obj._case} · {CaseStatus(obj._case_status).label}"

    def get_search_results(self, request, queryset, search_term):
        results, duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if term:
            # A household can be found by name or phone only through contact details the
            # viewer may read: all of them for coordinators, assigned ones for caseworkers.
            readable = scoped(ContactDetails, request.user).filter(
                Q(full_name__icontains=term) | Q(phone__icontains=term)
            )
            results = results | queryset.filter(pk__in=readable.values("household_id"))
        return results, duplicates

    identifying_inlines = (ContactDetailsInline,)

    def household_id_of(self, obj):
        return obj.pk

    def sensitive_reads(self, request, obj):
        details = getattr(obj, "contact_details", None)
        if details is not None and Viewer.of(request.user).sees_identifiers_of(obj.pk):
            return [(AccessAction.VIEW_CONTACT_DETAILS, details)]
        return []

    def save_model(self, request, obj, form, change):
        if change:
            changes = {name: form.cleaned_data[name] for name in form.changed_data}
            saved = household_update(household=obj, by=request.user, **changes)
        else:
            saved = household_register(
                organization=Viewer.of(request.user).organization, by=request.user, **form.cleaned_data
            )
        obj.__dict__.update(saved.__dict__)

    def delete_record(self, request, obj):
        household_delete(household=obj, by=request.user)

    def save_formset(self, request, form, formset, change):
        household, by = form.instance, request.user
        if formset.model is Person:
            save_formset_through(
                formset,
                add=lambda fields: member_add(household=household, by=by, **fields),
                change=lambda member, changes: member_update(member=member, by=by, **changes),
                remove=lambda member: member_remove(member=member, by=by),
            )
        elif formset.model is Displacement:
            organization = household.organization
            save_formset_through(
                formset,
                add=lambda fields: displacement_record(organization=organization, household=household, by=by, **fields),
                change=lambda move, changes: displacement_update(displacement=move, by=by, **changes),
                remove=lambda move: displacement_delete(displacement=move, by=by),
            )
        elif formset.model is ContactDetails:
            save_formset_through(
                formset,
                add=lambda fields: contact_details_save(household=household, by=by, **fields),
                change=lambda details, changes: contact_details_save(household=household, by=by, **changes),
                remove=lambda details: contact_details_remove(details=details, by=by),
            )
        else:
            raise NotImplementedError(f"no service saves the inline of {formset.model.__name__}")

    @admin.display(description=_("access log"))
    def access_log(self, obj):
        if not obj.pk:
            return "—"
        url = reverse("admin:displacement_accesslog_changelist") + f"?household__id__exact={obj.pk}"
        return format_html(
            '<a class="text-primary-600 underline" href="{}">{}</a>',
            url,
            _("Who opened this household's sensitive records"),
        )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "access_log"]

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if obj is not None and Viewer.of(request.user).may_open(AccessLog):
            fields.append("access_log")
        return fields


@admin.register(Displacement)
class DisplacementAdmin(ScopedAdmin):
    list_display = ["household", "left_on", "origin", "destination", "arrived_on", "cause", "shelter_type"]
    list_filter = [
        oblast_filter("origin", _("origin oblast")),
        oblast_filter("destination", _("destination oblast")),
        ("shelter_type", ChoicesDropdownFilter),
        ("left_on", RangeDateFilter),
    ]
    list_filter_submit = True
    search_fields = [
        "household__code",
        "origin__name_en",
        "origin__name_uk",
        "destination__name_en",
        "destination__name_uk",
    ]
    autocomplete_fields = ["household", "origin", "destination", "cause"]
    list_select_related = ["household", "origin", "destination", "cause"]
    date_hierarchy = "left_on"
    export_fields = (
        "household",
        "left_on",
        "left_on_precision",
        "origin",
        "destination",
        "arrived_on",
        "shelter_type",
        "people_count",
    )

    def save_model(self, request, obj, form, change):
        if change:
            changes = {name: form.cleaned_data[name] for name in form.changed_data}
            saved = displacement_update(displacement=obj, by=request.user, **changes)
        else:
            household = form.cleaned_data["household"]
            saved = displacement_record(organization=household.organization, by=request.user, **form.cleaned_data)
        obj.__dict__.update(saved.__dict__)

    def delete_record(self, request, obj):
        displacement_delete(displacement=obj, by=request.user)


@admin.register(Person)
class PersonAdmin(ScopedAdmin):
    list_display = ["code", "household", "relationship", "age_band", "sex"]
    list_filter = ["age_band", "sex", "relationship"]
    search_fields = ["code", "household__code"]
    autocomplete_fields = ["household"]
    list_select_related = ["household"]
    readonly_fields = ["code"]
    export_fields = ("code", "household", "relationship", "age_band", "sex", "vulnerabilities")

    def get_readonly_fields(self, request, obj=None):
        # A person moves to another household only by a merge (services.household_merge).
        return [*super().get_readonly_fields(request, obj), *(["household"] if obj is not None else [])]

    def save_model(self, request, obj, form, change):
        fields = {name: value for name, value in form.cleaned_data.items() if name in MEMBER_FIELDS}
        if change:
            saved = member_update(member=obj, by=request.user, **fields)
        else:
            saved = member_add(household=form.cleaned_data["household"], by=request.user, **fields)
        obj.__dict__.update(saved.__dict__)

    def delete_model(self, request, obj):
        member_remove(member=obj, by=request.user)


@admin.register(ContactDetails)
class ContactDetailsAdmin(ScopedAdmin):
    list_display = ["household", "updated_at", "purged_at"]
    search_fields = ["household__code"]
    autocomplete_fields = ["household"]
    readonly_fields = ["purged_at"]
    list_select_related = ["household"]
    actions = []
    export_fields = ("household", "updated_at")

    def sensitive_reads(self, request, obj):
        return [(AccessAction.VIEW_CONTACT_DETAILS, obj)]

    def get_readonly_fields(self, request, obj=None):
        # One set of contact details per household: they stay with it.
        return [*super().get_readonly_fields(request, obj), *(["household"] if obj is not None else [])]

    def save_model(self, request, obj, form, change):
        fields = {name: value for name, value in form.cleaned_data.items() if name in CONTACT_FIELDS}
        household = obj.household if change else form.cleaned_data["household"]
        saved = contact_details_save(household=household, by=request.user, **fields)
        obj.__dict__.update(saved.__dict__)

    def delete_model(self, request, obj):
        contact_details_remove(details=obj, by=request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        viewer = Viewer.of(request.user)
        if db_field.name == "household" and not viewer.is_coordinator:
            # Only households whose identifiers this caseworker may read: no existence oracle.
            field.queryset = field.queryset.filter(pk__in=viewer.assigned_household_ids)
        return field
