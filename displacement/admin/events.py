"""Events: the screen coordinators verify from."""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from unfold.contrib.filters.admin import ChoicesDropdownFilter, RangeDateFilter

from displacement.admin.base import ScopedAdmin
from displacement.admin.filters import CorroborationFilter, ImportRunFiltered, oblast_filter
from displacement.models import Event
from displacement.models.vocab import CorroborationKind, VerificationStatus
from displacement.selectors import corroboration
from displacement.selectors.access import Viewer
from displacement.selectors.event_aliases import aliases_of
from displacement.services.events import event_delete, event_record, event_set_verification, event_update

#: What the event form holds besides the event's own columns.
_RELATED, _DECISION = ("sources", "caused_by"), "verification_status"


@admin.register(Event)
class EventAdmin(ImportRunFiltered, ScopedAdmin):
    list_display = [
        "start",
        "title",
        "external_id",
        "category",
        "event_type",
        "sub_event_type",
        "place",
        "killed",
        "injured",
        "verification_status",
        "independent_sources",
    ]
    list_display_links = ["start", "title"]
    list_filter = [
        oblast_filter("place"),
        "category",
        ("event_type", ChoicesDropdownFilter),
        ("sub_event_type", ChoicesDropdownFilter),
        ("target", ChoicesDropdownFilter),
        ("weapon", ChoicesDropdownFilter),
        "verification_status",
        CorroborationFilter,
        "civilian_targeting",
        ("start", RangeDateFilter),
    ]
    list_filter_submit = True
    search_fields = [
        "=external_id",  # ACLED's event id (UKR12345): what a coordinator looks an import's event up by
        "title",
        "description",
        "actor1",
        "actor2",
        "place__name_en",
        "place__name_uk",
        "place__pcode",
    ]
    date_hierarchy = "start"
    list_select_related = ["place", "corroboration"]
    autocomplete_fields = ["place", "sources", "caused_by"]
    readonly_fields = [
        "external_id",
        "corroboration_breakdown",
        "verified_by",
        "verified_at",
        "origin",
        "import_run_link",
        "merged_ids",
        "created_by",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["title", "description", "category"]}),
        (
            _("Classification"),
            {
                "fields": [
                    "event_type",
                    "sub_event_type",
                    "displacement_kind",
                    "weapon",
                    "target",
                    "civilian_targeting",
                ],
            },
        ),
        (
            _("When and where"),
            {"fields": ["start", "end", "date_precision", "place", "geo_precision", "latitude", "longitude"]},
        ),
        (_("Casualties and people affected"), {"fields": ["killed", "injured", "affected"]}),
        (
            _("Actors and sources"),
            {
                "fields": [
                    "actor1",
                    "assoc_actor1",
                    "inter1",
                    "actor2",
                    "assoc_actor2",
                    "inter2",
                    "sources",
                    "caused_by",
                ]
            },
        ),
        (
            _("Verification"),
            {"fields": ["corroboration_breakdown", "verification_status", "verified_by", "verified_at"]},
        ),
        (
            _("Record"),
            {
                "fields": [
                    "origin",
                    "external_id",
                    "import_run_link",
                    "merged_ids",
                    "created_by",
                    "created_at",
                    "updated_at",
                ],
                "classes": ["collapse"],
            },
        ),
    ]
    actions = ["export_csv", "mark_corroborated", "mark_verified", "mark_disputed"]
    export_fields = (
        "id",
        "start",
        "end",
        "title",
        "category",
        "event_type",
        "sub_event_type",
        "displacement_kind",
        "weapon",
        "target",
        "place",
        "killed",
        "injured",
        "affected",
        "civilian_targeting",
        "verification_status",
    )

    @admin.display(description=_("independent sources"), ordering="corroboration__independent")
    def independent_sources(self, obj):
        shown = corroboration.counts(obj)
        if shown["single_source"]:
            return format_html('{} <span class="text-red-600">{}</span>', shown["independent_sources"], _("single"))
        return shown["independent_sources"]

    @admin.display(description=_("independent sources"))
    def corroboration_breakdown(self, obj):
        """What the count rests on, for the coordinator who decides the verification."""
        if obj is None or obj.pk is None:
            return "—"
        shown = corroboration.counts(obj)
        households, shared = corroboration.households_counted(obj)
        kinds = format_html_join(
            ", ",
            "{}: {}",
            ((label, shown[f"sources_{kind}"]) for kind, label in CorroborationKind.choices),
        )
        return format_html(
            "<strong>{}</strong> ({}) — {}<br>{}",
            shown["independent_sources"],
            _("single source") if shown["single_source"] else _("corroborated"),
            kinds,
            _(
                "Distinct publishers of the linked sources, plus distinct households among the linked "
                "testimonies (%(households)d, of which %(shared)d may be counted for partners). "
                "The count informs verification; it never changes it."
            )
            % {"households": households, "shared": shared},
        )

    @admin.display(description=_("last import run"))
    def import_run_link(self, obj):
        """The import that created or last changed the event (coordinators open its report)."""
        if obj.import_run_id is None:
            return "—"
        url = reverse("admin:displacement_importrun_change", args=[obj.import_run_id])
        return format_html('<a href="{}">#{}</a>', url, obj.import_run_id)

    @admin.display(description=_("ids of events merged into it"))
    def merged_ids(self, obj):
        """External ids (ACLED's, partners') that now reach this event (docs/duplicates.md)."""
        return ", ".join(aliases_of(obj)) if obj.pk else "—"

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        related = {name: list(data[name]) for name in _RELATED if name in data}
        named = form.changed_data if change else data
        fields = {name: data[name] for name in named if name not in (*_RELATED, _DECISION)}
        if change:  # the form has changed ``obj`` already: the service compares with the stored event
            saved = event_update(event=Event.objects.get(pk=obj.pk), by=request.user, **fields, **related)
        else:
            organization = obj.organization if obj.organization_id else Viewer.of(request.user).organization
            saved = event_record(organization=organization, created_by=request.user, **fields, **related)
        if _DECISION in form.changed_data:  # who decided and when (``event_set_verification``)
            event_set_verification(events=Event.objects.filter(pk=saved.pk), status=data[_DECISION], by=request.user)
            saved.refresh_from_db()
        obj.__dict__.update(saved.__dict__)

    def save_related(self, request, form, formsets, change):
        # Sources and causes were set by the service; only inlines remain.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def delete_record(self, request, obj):
        event_delete(event=obj, by=request.user)

    def _verify(self, request, queryset, status):
        count = event_set_verification(events=queryset, status=status, by=request.user)
        self.message_user(
            request,
            ngettext("%(count)d event marked “%(status)s”.", "%(count)d events marked “%(status)s”.", count)
            % {"count": count, "status": VerificationStatus(status).label},
            messages.SUCCESS,
        )

    def has_verify_permission(self, request):
        return Viewer.of(request.user).is_coordinator

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not self.has_verify_permission(request):
            fields.append("verification_status")  # coordinators verify
        return fields

    @admin.action(description=_("Mark selected as corroborated"), permissions=["verify"])
    def mark_corroborated(self, request, queryset):
        self._verify(request, queryset, VerificationStatus.CORROBORATED)

    @admin.action(description=_("Mark selected as verified"), permissions=["verify"])
    def mark_verified(self, request, queryset):
        self._verify(request, queryset, VerificationStatus.VERIFIED)

    @admin.action(description=_("Mark selected as disputed"), permissions=["verify"])
    def mark_disputed(self, request, queryset):
        self._verify(request, queryset, VerificationStatus.DISPUTED)
