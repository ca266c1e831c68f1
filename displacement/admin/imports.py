"""The import screen: coordinators upload a file, see a dry run, confirm it, follow its progress."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from unfold.widgets import UnfoldAdminFileFieldWidget, UnfoldAdminSelectWidget

from displacement.admin.base import ScopedAdmin
from displacement.models import Event, FormSubmission, ImportRun, ImportStatus, ReportLevel, Testimony
from displacement.models.imports import FILE_KINDS
from displacement.selectors.access import Viewer, organization_of
from displacement.selectors.import_profiles import import_profiles
from displacement.selectors.import_runs import kinds_written
from displacement.services.imports import (
    earlier_import,
    import_file_open,
    import_report_csv,
    import_run_confirm,
    import_run_queue,
    import_run_start,
)

#: Lines of each kind the run's page shows (the CSV has them all).
SHOWN = 20

#: The links of a run's page to the lists of what it wrote.
WRITTEN_LINKS = {
    Event: _("events of this run"),
    Testimony: _("testimonies of this run"),
    FormSubmission: _("form submissions of this run"),
}


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File"), widget=UnfoldAdminFileFieldWidget)
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("", _("Detect from the file")), *FILE_KINDS],
        required=False,
        widget=UnfoldAdminSelectWidget,
    )
    media = forms.FileField(
        label=_("Media ZIP"),
        required=False,
        widget=UnfoldAdminFileFieldWidget,
        help_text=_("Form submissions only: the export's photos and recordings, as one ZIP."),
    )
    profile = forms.ChoiceField(
        label=_("Import profile"),
        required=False,
        widget=UnfoldAdminSelectWidget,
        help_text=_("Form submissions of a form not made by intake_form: the profile that maps its answers to ours."),
    )

    def __init__(self, *args, profiles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["profile"].choices = [("", _("None: the intake form")), *((name, name) for name in profiles)]


@admin.register(ImportRun)
class ImportRunAdmin(ScopedAdmin):
    list_display = ["created_at", "created_by", "file_name", "kind", "dry_run", "status", "short_sha256",
                    "created", "updated", "unchanged", "rejected", "flagged", "deleted"]  # fmt: skip
    list_filter = ["status", "kind", "dry_run"]
    search_fields = ["file_name", "sha256"]
    list_select_related = ["created_by"]
    extra_lookups = ("connection__id__exact",)  # a connection's pulls, linked from its page
    export_fields = ("created_at", "file_name", "kind", "dry_run", "status", "sha256", "created", "updated",
                     "unchanged", "rejected", "flagged", "deleted")  # fmt: skip

    def has_change_permission(self, request, obj=None):
        return False  # a run is a record: what it did stays as it was

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("SHA-256"))
    def short_sha256(self, obj):
        return f"{obj.sha256[:12]}…"

    def get_urls(self):
        own = [
            path("<int:pk>/report.csv", self.admin_site.admin_view(self.report_view), name="import_run_report"),
            path("<int:pk>/file", self.admin_site.admin_view(self.file_view), name="import_run_file"),
            path("<int:pk>/confirm", self.admin_site.admin_view(self.confirm_view), name="import_run_confirm"),
        ]
        return own + super().get_urls()

    def _run(self, request, pk) -> ImportRun:
        if not self.has_view_permission(request):
            raise PermissionDenied
        run = self.get_object(request, str(pk))  # scoped; None for another organisation's or a malformed id
        if run is None:
            raise Http404
        return run

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        profiles = import_profiles(request.user).order_by("name").values_list("name", flat=True)
        form = UploadForm(request.POST or None, request.FILES or None, profiles=profiles)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                run = import_run_start(
                    organization=organization_of(request.user),
                    by=request.user,
                    handle=upload,
                    file_name=upload.name,
                    kind=form.cleaned_data["kind"],
                    dry_run=True,
                    media=form.cleaned_data["media"],
                    profile=form.cleaned_data["profile"],
                )
            except ValidationError as exc:
                form.add_error("file", exc)
            else:
                import_run_queue(run)
                return HttpResponseRedirect(reverse("admin:displacement_importrun_change", args=[run.pk]))
        context = {**self.admin_site.each_context(request), "title": _("Import a file"), "form": form,
                   "opts": self.model._meta, "max_mb": _max_mb()}  # fmt: skip
        return TemplateResponse(request, "admin/displacement/import_upload.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        run = self._run(request, object_id)
        lines = run.report_rows.order_by("row_number", "id")
        context = {
            **self.admin_site.each_context(request),
            "title": str(run),
            "opts": self.model._meta,
            "run": run,
            "earlier": earlier_import(run),
            "running": run.status in (ImportStatus.QUEUED, ImportStatus.RUNNING),
            "rejected": lines.filter(level=ReportLevel.REJECTED)[:SHOWN],
            "flagged": lines.filter(level=ReportLevel.FLAGGED)[:SHOWN],
            "deleted": lines.filter(level=ReportLevel.DELETED)[:SHOWN],
            "ignored": lines.filter(level=ReportLevel.IGNORED)[:SHOWN],
            "may_confirm": run.dry_run and run.status == ImportStatus.DONE and bool(run.file),
            "written": written_links(run, request.user),
        }
        return TemplateResponse(request, "admin/displacement/import_run.html", context)

    def confirm_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        run = self._run(request, pk)
        try:
            confirmed = import_run_confirm(run=run, by=request.user)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:displacement_importrun_change", args=[run.pk]))
        import_run_queue(confirmed)
        self.message_user(request, _("The import is running; this page follows it."), messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:displacement_importrun_change", args=[confirmed.pk]))

    def report_view(self, request, pk):
        run = self._run(request, pk)
        response = HttpResponse(import_report_csv(run), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="import-{run.pk}-report.csv"'
        return response

    def file_view(self, request, pk):
        run = self._run(request, pk)
        if not Viewer.of(request.user).is_coordinator:
            raise Http404
        try:
            handle = import_file_open(run=run, who=request.user)
        except FileNotFoundError:
            raise Http404 from None
        return FileResponse(handle, as_attachment=True, filename=run.file_name)


def written_links(run: ImportRun, who) -> list[tuple[str, str]]:
    """(label, URL) of the lists of the records ``run`` created or last changed, for each kind
    it wrote that ``who`` may open (``admin.filters.ImportRunFilter``)."""
    if run.dry_run or run.status != ImportStatus.DONE:
        return []  # nothing written (yet)
    links = []
    for model in kinds_written(run, who):
        listing = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        links.append((WRITTEN_LINKS[model], f"{listing}?import_run__id__exact={run.pk}"))
    return links


def _max_mb() -> int:
    from django.conf import settings

    return settings.IMPORT_MAX_BYTES // (1024 * 1024)
