"""Testimonies with the events they speak of and their consents."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from unfold.contrib.filters.admin import ChoicesDropdownFilter, RangeDateFilter
from unfold.widgets import UnfoldAdminTextInputWidget

from displacement.admin.base import ScopedAdmin, ScopedTabularInline, save_formset_through
from displacement.admin.filters import ImportRunFiltered
from displacement.models import AccessAction, Consent, Testimony, TestimonyEvent
from displacement.models.vocab import ConsentPurpose
from displacement.selectors.access import Viewer
from displacement.services.testimonies import (
    consent_record,
    consent_update,
    consent_withdraw,
    testimony_delete,
    testimony_event_link,
    testimony_event_unlink,
    testimony_event_update,
    testimony_record,
    testimony_update,
)


class TestimonyEventInline(ScopedTabularInline):
    model = TestimonyEvent
    fields = ["event", "relation"]
    autocomplete_fields = ["event"]
    show_change_link = False
    verbose_name_plural = _("events this testimony speaks of")


class ConsentInline(ScopedTabularInline):
    """Consents are recorded here; a withdrawal goes through the Consents screen's action,
    which takes the record out of every partner output at once. A consent is evidence: it is
    never deleted or moved to another testimony, and its purpose never changes."""

    model = Consent
    can_delete = False

    def has_change_permission(self, request, obj=None):
        # Existing rows are shown read-only; new rows can still be added.
        return False

    fields = ["purpose", "method", "given_on", "scope", "recorded_by", "withdrawn_at", "withdrawal_reason"]
    readonly_fields = ["recorded_by", "withdrawn_at", "withdrawal_reason"]
    show_change_link = True


class ConsentFilter(admin.SimpleListFilter):
    title = _("active consent")
    parameter_name = "consent"

    def lookups(self, request, model_admin):
        return ConsentPurpose.choices

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(consents__purpose=self.value(), consents__withdrawn_at__isnull=True)
        return queryset


@admin.register(Testimony)
class TestimonyAdmin(ImportRunFiltered, ScopedAdmin):
    list_display = [
        "code",
        "recorded_on",
        "witness_role",
        "language",
        "household",
        "summary",
        "sensitivity",
        "event_count",
    ]
    list_filter = [
        ("recorded_on", RangeDateFilter),
        "witness_role",
        "language",
        "sensitivity",
        ConsentFilter,
    ]
    list_filter_submit = True
    search_fields = ["code", "summary", "household__code"]
    autocomplete_fields = ["household", "sources"]
    list_select_related = ["household"]
    readonly_fields = ["code", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["code", "recorded_on", "interviewer", "language", "witness_role", "household"]}),
        (_("Account"), {"fields": ["summary", "narrative", "sensitivity", "sources"]}),
    ]
    inlines = [TestimonyEventInline, ConsentInline]
    date_hierarchy = "recorded_on"
    export_fields = ("code", "recorded_on", "witness_role", "language", "household", "summary", "sensitivity")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_events=Count("event_links"))

    def sensitive_reads(self, request, obj):
        if obj.narrative and Viewer.of(request.user).sees_narrative_of(obj):
            return [(AccessAction.VIEW_NARRATIVE, obj)]
        return []

    @admin.display(description=_("events"), ordering="_events")
    def event_count(self, obj):
        return obj._events

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "interviewer":
            from displacement.admin.cases import _caseworkers

            viewer = Viewer.of(request.user)
            # The interviewer may read the narrative: a caseworker can only name themselves.
            people = _caseworkers(request)
            kwargs["queryset"] = people if viewer.is_coordinator else people.filter(pk=request.user.pk)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        viewer = Viewer.of(request.user)
        if obj is not None and not viewer.is_coordinator:
            fields.append("interviewer")
            if not viewer.sees_narrative_of(obj):
                # The service's rule (``testimony_update``), shown: moving a testimony onto one's
                # own household would reveal its narrative; publishing it would hand it to partners.
                fields += ["household", "sensitivity"]
        return fields

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        sources = list(data["sources"]) if "sources" in data else None
        if change:
            changes = {name: data[name] for name in form.changed_data if name != "sources"}
            saved = testimony_update(testimony=obj, by=request.user, sources=sources, **changes)
        else:
            fields = {name: data[name] for name in data if name != "sources"}
            saved = testimony_record(
                organization=Viewer.of(request.user).organization, by=request.user, sources=sources or (), **fields
            )
        obj.__dict__.update(saved.__dict__)

    def delete_record(self, request, obj):
        testimony_delete(testimony=obj, by=request.user)

    def save_related(self, request, form, formsets, change):
        # Sources were set by the service; only the inlines remain.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def get_changeform_initial_data(self, request):
        return {"interviewer": request.user.pk, **super().get_changeform_initial_data(request)}

    def save_formset(self, request, form, formset, change):
        testimony, by = form.instance, request.user
        if formset.model is TestimonyEvent:
            return save_formset_through(
                formset,
                add=lambda fields: testimony_event_link(testimony=testimony, by=by, **fields),
                change=lambda link, changes: testimony_event_update(link=link, by=by, **changes),
                remove=lambda link: testimony_event_unlink(link=link, by=by),
            )
        if formset.model is not Consent:
            raise NotImplementedError(f"no service saves the inline of {formset.model.__name__}")
        for consent in formset.save(commit=False):  # new rows only: existing ones are read-only
            fields = {name: getattr(consent, name) for name in ("purpose", "method", "given_on", "scope")}
            consent_record(testimony=form.instance, by=request.user, **fields)
        return None


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"), max_length=300, required=False, widget=UnfoldAdminTextInputWidget
    )


@admin.register(Consent)
class ConsentAdmin(ScopedAdmin):
    list_display = ["testimony", "purpose", "given_on", "withdrawn_at"]
    list_filter = [
        ("purpose", ChoicesDropdownFilter),
        ("given_on", RangeDateFilter),
        ("withdrawn_at", RangeDateFilter),
    ]
    list_filter_submit = True
    search_fields = ["testimony__code"]
    autocomplete_fields = ["testimony"]
    readonly_fields = ["recorded_by", "withdrawn_at", "withdrawn_by", "withdrawal_reason"]
    list_select_related = ["testimony"]
    actions = ["export_csv", "withdraw"]
    export_fields = ("testimony", "purpose", "method", "given_on", "withdrawn_at")

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            # A consent is evidence of what one person agreed to: never moved or re-purposed.
            fields += ["testimony", "purpose", "method", "given_on"]
        return fields

    def has_delete_permission(self, request, obj=None):
        return False  # withdraw instead: partners must be told to delete their copies

    def save_model(self, request, obj, form, change):
        if change:
            if "scope" not in form.changed_data:
                return  # nothing else of a consent changes once recorded
            saved = consent_update(consent=obj, by=request.user, scope=form.cleaned_data["scope"])
        else:
            fields = {name: value for name, value in form.cleaned_data.items() if name != "testimony"}
            saved = consent_record(testimony=obj.testimony, by=request.user, **fields)
        obj.__dict__.update(saved.__dict__)

    @admin.action(description=_("Record the withdrawal of the selected consents"), permissions=["change"])
    def withdraw(self, request, queryset):
        form = WithdrawForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            count = 0
            for consent in queryset.filter(withdrawn_at__isnull=True).select_related("testimony"):
                consent_withdraw(consent=consent, by=request.user, reason=form.cleaned_data["reason"])
                count += 1
            self.message_user(
                request,
                ngettext(
                    "%(count)d consent withdrawn; it no longer reaches partners.",
                    "%(count)d consents withdrawn; they no longer reach partners.",
                    count,
                )
                % {"count": count},
                messages.SUCCESS,
            )
            return None
        return render(
            request,
            "admin/displacement/withdraw_consent.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Record a withdrawal of consent"),
                "form": form,
                "consents": queryset,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )


@admin.register(TestimonyEvent)
class TestimonyEventAdmin(ScopedAdmin):
    list_display = ["testimony", "event", "relation"]
    list_filter = ["relation"]
    search_fields = ["testimony__code", "event__title"]
    autocomplete_fields = ["testimony", "event"]
    list_select_related = ["testimony", "event"]
    export_fields = ("testimony", "event", "relation")

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            changes = {name: data[name] for name in form.changed_data if name in ("event", "relation")}
            saved = testimony_event_update(link=obj, by=request.user, **changes)
        else:
            saved = testimony_event_link(
                testimony=data["testimony"], event=data["event"], relation=data["relation"], by=request.user
            )
        obj.__dict__.update(saved.__dict__)

    def delete_record(self, request, obj):
        testimony_event_unlink(link=obj, by=request.user)
