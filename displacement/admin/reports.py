"""Scheduled reports: coordinators define them; every member of the organisation reads the runs."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from unfold.admin import ModelAdmin
from unfold.decorators import action

from displacement.admin.base import ReadOnlyScopedAdmin, ScopedAdmin
from displacement.models import AccessAction, Organization, ReportDefinition, ReportRun, RunStatus, SharingAgreement
from displacement.selectors.access import Viewer, organization_of
from displacement.services.audit import access_record
from displacement.services.report_definitions import report_definition_delete
from displacement.services.report_delivery import file_response
from displacement.services.reports import report_definition_check, report_definition_save, report_run_retry


def _coordinator(request) -> bool:
    return Viewer.of(request.user).is_coordinator


@admin.register(ReportDefinition)
class ReportDefinitionAdmin(ScopedAdmin):
    list_display = ["name", "kind", "audience_label", "cron", "period", "active", "last_run"]
    list_filter = ["kind", "active", "period"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "kind", "audience", "filters", "period", "cron", "recipients", "active"]
    readonly_fields = ["created_at", "updated_at"]
    export_fields = ("name", "slug", "kind", "audience", "period", "cron", "active")
    actions = ["run_now", "export_csv"]

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and _coordinator(request)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and _coordinator(request)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and _coordinator(request)

    def get_readonly_fields(self, request, obj=None):
        """What a report is and whom it is for stay as they were once it has run: a new
        kind or audience is a new report (each run also records whom it was made for)."""
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.runs.exists():
            fields += ["kind", "audience"]
        return fields

    def has_run_now_permission(self, request):
        return _coordinator(request)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "audience":
            # Only partners this organisation has an agreement with (past or present).
            own = organization_of(request.user)
            kwargs["queryset"] = Organization.objects.filter(
                pk__in=SharingAgreement.objects.filter(owner=own).values("partner_id")
            )
            return ModelAdmin.formfield_for_foreignkey(self, db_field, request, **kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, **kwargs):
        base = super().get_form(request, obj, **kwargs)
        organization = organization_of(request.user)

        class ReportDefinitionForm(base):
            """Checked as the runs will check it: the schedule, the filters (as the API
            validates them), the partner's agreement, the recipients."""

            def _post_clean(self):
                super()._post_clean()
                if organization is not None and not self.instance.organization_id:
                    self.instance.organization = organization
                try:
                    report_definition_check(self.instance)
                except ValidationError as exc:
                    self._update_errors(exc)

        return ReportDefinitionForm

    def save_model(self, request, obj, form, change):
        if not change:
            obj.organization = organization_of(request.user)
        report_definition_save(obj, user=request.user)

    def delete_record(self, request, obj):
        report_definition_delete(definition=obj, by=request.user)

    @admin.display(description=_("audience"))
    def audience_label(self, obj):
        return obj.audience or _("internal")

    @admin.display(description=_("last run"))
    def last_run(self, obj):
        run = obj.runs.order_by("-slot").first()
        return f"{timezone.localtime(run.slot):%Y-%m-%d %H:%M} · {run.get_status_display()}" if run else "—"

    @action(description=_("Run now"), permissions=["run_now"])
    def run_now(self, request, queryset):
        from displacement.tasks.reports import report_run_task

        slot = timezone.now().replace(second=0, microsecond=0)
        for definition in queryset:
            report_run_task.delay(definition.pk, slot=slot.isoformat(), manual=True)
        self.message_user(
            request,
            ngettext(
                "%(count)d report queued; its run appears under report runs.",
                "%(count)d reports queued; their runs appear under report runs.",
                queryset.count(),
            )
            % {"count": queryset.count()},
            messages.SUCCESS,
        )


@admin.register(ReportRun)
class ReportRunAdmin(ReadOnlyScopedAdmin):
    """What each schedule slot produced: read-only, one row per slot, downloadable."""

    list_display = ["definition", "slot", "status", "withdrawal_reason", "rows", "finished_at", "download"]
    list_filter = ["status", "manual", ("definition", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["definition"]
    date_hierarchy = "slot"
    readonly_fields = [
        "definition",
        "slot",
        "manual",
        "status",
        "attempts",
        "queued_at",
        "started_at",
        "finished_at",
        "error",
        "rows",
        "size",
        "sha256",
        "manifest",
        "notified_at",
        "purged_at",
        "withdrawn_at",
        "withdrawal_reason",
        "download",
    ]
    fields = readonly_fields
    export_fields = ("definition", "slot", "status", "withdrawal_reason", "rows", "sha256", "finished_at")
    actions = ["retry", "export_csv"]

    def has_retry_permission(self, request):
        return _coordinator(request)

    @admin.display(description=_("file"))
    def download(self, obj):
        if obj.status != RunStatus.SUCCEEDED or not obj.file:
            return "—"
        url = reverse("admin:displacement_reportrun_download", args=[obj.pk])
        return format_html('<a class="text-primary-600" href="{}">{}</a>', url, _("Download CSV"))

    def get_urls(self):
        return [
            path(
                "<int:object_id>/download/",
                self.admin_site.admin_view(self.download_view),
                name="displacement_reportrun_download",
            ),
            *super().get_urls(),
        ]

    def download_view(self, request, object_id):
        run = self.get_queryset(request).filter(pk=object_id, status=RunStatus.SUCCEEDED).exclude(file="").first()
        if run is None or not self.has_view_permission(request, run):
            raise Http404(_("Not found."))
        access_record(
            who=request.user,
            action=AccessAction.EXPORT,
            model="displacement.ReportRun",
            ids=[run.pk],
            path=request.path,
            detail={"report": run.definition.slug, "sha256": run.sha256},
        )
        return file_response(run)

    @action(description=_("Queue the selected failed runs again"), permissions=["retry"])
    def retry(self, request, queryset):
        from displacement.tasks.reports import report_run_task

        queued = 0
        for run in queryset.filter(status=RunStatus.FAILED):
            if report_run_retry(run):
                report_run_task.delay(run.definition_id, slot=run.slot.isoformat(), manual=run.manual)
                queued += 1
        self.message_user(
            request,
            ngettext("%(count)d run queued again.", "%(count)d runs queued again.", queued) % {"count": queued},
            messages.SUCCESS if queued else messages.WARNING,
        )
