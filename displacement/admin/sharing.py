"""Sharing agreements (coordinators manage their partners) and the access log (read-only)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from unfold.admin import ModelAdmin
from unfold.contrib.filters.admin import RangeDateTimeFilter

from displacement.admin.base import ReadOnlyScopedAdmin, ScopedAdmin
from displacement.models import AccessLog, Organization, SharingAgreement
from displacement.selectors.access import organization_of
from displacement.services.sharing import agreement_delete, agreement_save


@admin.register(SharingAgreement)
class SharingAgreementAdmin(ScopedAdmin):
    list_display = ["partner", "record_kinds", "purposes", "date_precision", "valid_from", "valid_until"]
    list_filter = ["partner", "valid_from", "valid_until"]
    search_fields = ["partner__name"]
    readonly_fields = ["created_by", "created_at", "updated_at"]
    fields = [
        "partner", "record_kinds", "purposes", "date_precision", "valid_from", "valid_until", "notes", "created_by",
    ]  # fmt: skip
    export_fields = ("partner", "record_kinds", "purposes", "date_precision", "valid_from", "valid_until")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "partner":
            # Any organisation but one's own may be a partner; organisations are not casework.
            own = organization_of(request.user)
            kwargs["queryset"] = Organization.objects.exclude(pk=own.pk if own else None)
            return ModelAdmin.formfield_for_foreignkey(self, db_field, request, **kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.owner = organization_of(request.user)
            obj.created_by = request.user
        dropped = agreement_save(agreement=obj, by=request.user)
        if dropped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d record is no longer shared; the partner is told to delete it.",
                    "%(count)d records are no longer shared; the partner is told to delete them.",
                    dropped,
                )
                % {"count": dropped},
                messages.WARNING,
            )

    def delete_model(self, request, obj):
        agreement_delete(agreement=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for agreement in queryset:
            agreement_delete(agreement=agreement, by=request.user)


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyScopedAdmin):
    """Who read identifiers, narratives or case notes, who exported what: append-only."""

    list_display = ["at", "user", "api_key", "action", "model", "household", "ids", "path"]
    list_filter = ["action", ("at", RangeDateTimeFilter), ("user", admin.RelatedOnlyFieldListFilter)]
    list_filter_submit = True
    search_fields = ["household__code", "user__username", "api_key", "model"]
    list_select_related = ["user", "household"]
    date_hierarchy = "at"
    actions = []

    #: "Who accessed household X": the household page links here with its id.
    extra_lookups = ("household__id__exact", "household__code")

    @admin.display(description=_("records"))
    def ids(self, obj):
        shown = ", ".join(str(i) for i in obj.object_ids[:10])
        return shown + (f" … (+{len(obj.object_ids) - 10})" if len(obj.object_ids) > 10 else "")
