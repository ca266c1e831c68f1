"""Sources and attachments."""

from django.contrib import admin
from django.http import FileResponse, Http404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import ChoicesDropdownFilter, RangeDateFilter

from displacement.admin.base import ScopedAdmin
from displacement.models import AccessAction, Attachment, Source
from displacement.selectors.access import Viewer
from displacement.services.attachments import attachment_delete, attachment_update, attachment_upload
from displacement.services.sources import source_delete, source_record, source_update


@admin.register(Source)
class SourceAdmin(ScopedAdmin):
    list_display = ["title", "kind", "publisher", "published_on", "reliability"]
    list_filter = [
        ("kind", ChoicesDropdownFilter),
        ("reliability", ChoicesDropdownFilter),
        ("published_on", RangeDateFilter),
    ]
    list_filter_submit = True
    search_fields = ["title", "publisher", "url"]
    date_hierarchy = "published_on"
    export_fields = ("id", "kind", "title", "publisher", "url", "published_on", "reliability")

    def save_model(self, request, obj, form, change):
        if change:
            changes = {name: form.cleaned_data[name] for name in form.changed_data}
            saved = source_update(source=obj, by=request.user, **changes)
        else:
            organization = Viewer.of(request.user).organization
            saved = source_record(organization=organization, by=request.user, **form.cleaned_data)
        obj.__dict__.update(saved.__dict__)

    def delete_record(self, request, obj):
        source_delete(source=obj, by=request.user)


@admin.register(Attachment)
class AttachmentAdmin(ScopedAdmin):
    list_display = ["original_name", "short_hash", "size", "event", "testimony", "created_at"]
    search_fields = ["original_name", "sha256", "description"]
    readonly_fields = ["sha256", "size", "original_name", "uploaded_by", "created_at"]
    autocomplete_fields = ["event", "testimony", "source"]
    list_select_related = ["event", "testimony"]
    export_fields = ("id", "original_name", "sha256", "size", "description", "created_at")

    @admin.display(description=_("SHA-256"))
    def short_hash(self, obj):
        return obj.sha256[:16] + "…"

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        # The file is evidence: once stored it cannot be replaced, only described.
        return [*fields, "download"] if obj else fields

    def get_fields(self, request, obj=None):
        fields = [f for f in super().get_fields(request, obj) if f != "download"]
        # Media files are never served directly; they are downloaded through the access gate.
        return [("download" if f == "file" else f) for f in fields] if obj else fields

    @admin.display(description=_("file"))
    def download(self, obj):
        url = reverse("admin:displacement_attachment_download", args=[obj.pk])
        return format_html('<a class="text-primary-600 underline" href="{}">{}</a>', url, obj.original_name)

    def get_urls(self):
        return [
            path(
                "<int:pk>/download/",
                self.admin_site.admin_view(self.download_view),
                name="displacement_attachment_download",
            ),
            *super().get_urls(),
        ]

    def download_view(self, request, pk):
        attachment = self.get_queryset(request).filter(pk=pk).first()
        if attachment is None or not self.has_view_permission(request, attachment):
            raise Http404
        self.log_access(request, AccessAction.EXPORT, attachment, None)
        response = FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name)
        response["X-Content-Type-Options"] = "nosniff"
        return response

    def save_model(self, request, obj, form, change):
        if change:
            changes = {name: form.cleaned_data[name] for name in form.changed_data}
            obj.__dict__.update(attachment_update(attachment=obj, by=request.user, **changes).__dict__)
            return
        organization = obj.organization if request.user.is_superuser and obj.organization_id else None
        saved = attachment_upload(
            organization=organization or self._organization(request),
            file=obj.file,
            uploaded_by=request.user,
            description=obj.description,
            source=obj.source,
            event=obj.event,
            testimony=obj.testimony,
        )
        obj.pk = saved.pk
        obj.__dict__.update(saved.__dict__)

    def delete_record(self, request, obj):
        attachment_delete(attachment=obj, by=request.user)

    def _organization(self, request):
        from displacement.selectors.access import organization_of

        return organization_of(request.user)
