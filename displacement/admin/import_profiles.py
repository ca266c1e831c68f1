"""Import profiles: coordinators map their own forms to the intake form, download and load them as JSON."""

from __future__ import annotations

import io
import zipfile

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from unfold.decorators import action
from unfold.widgets import UnfoldAdminFileFieldWidget, UnfoldBooleanWidget

from displacement.admin.base import ScopedAdmin
from displacement.importers.profile_documents import profile_json
from displacement.models import ImportProfile
from displacement.selectors.access import organization_of
from displacement.services.import_profiles import (
    import_profile_check,
    import_profile_delete,
    import_profile_load,
    import_profile_save,
)


class ProfileFileForm(forms.Form):
    file = forms.FileField(label=_("Profile file (JSON)"), widget=UnfoldAdminFileFieldWidget)
    replace = forms.BooleanField(
        label=_("Replace the profile of the same name"),
        required=False,
        widget=UnfoldBooleanWidget,
        help_text=_("Otherwise a file naming an existing profile is refused."),
    )


def _file_name(profile: ImportProfile) -> str:
    return f"import-profile-{slugify(profile.name) or profile.pk}.json"


@admin.register(ImportProfile)
class ImportProfileAdmin(ScopedAdmin):
    list_display = ["name", "source", "form_id", "updated_at"]
    list_filter = ["source"]
    search_fields = ["name", "form_id"]
    fields = ["name", "description", "source", "form_id", "mappings", "value_maps", "defaults"]
    actions = ["download_json"]
    actions_list = ["load_json"]
    actions_detail = ["download_one"]

    def get_form(self, request, obj=None, **kwargs):
        base = super().get_form(request, obj, **kwargs)
        organization = organization_of(request.user)

        class ImportProfileForm(base):
            """Checked as an import will apply it: every target one of our paths and choices."""

            def _post_clean(self):
                super()._post_clean()
                if not self.instance.organization_id:
                    self.instance.organization = organization
                try:
                    import_profile_check(self.instance)
                except ValidationError as exc:
                    self._update_errors(exc)

        return ImportProfileForm

    def save_model(self, request, obj, form, change):
        if not change:
            obj.organization = organization_of(request.user)
        import_profile_save(profile=obj, by=request.user)

    def delete_model(self, request, obj):
        import_profile_delete(profile=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for profile in queryset:
            import_profile_delete(profile=profile, by=request.user)

    # --- JSON -----------------------------------------------------------------------------

    @admin.action(description=_("Download as JSON"))
    def download_json(self, request, queryset):
        profiles = list(queryset.order_by("name"))
        if not profiles:
            return None
        if len(profiles) == 1:
            return self._json_response(profiles[0])
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for profile in profiles:
                archive.writestr(_file_name(profile), profile_json(profile))
        response = HttpResponse(buffer.getvalue(), content_type="application/zip")
        response["Content-Disposition"] = 'attachment; filename="import-profiles.zip"'
        return response

    @action(description=_("Download as JSON"), url_path="download-json", permissions=["view"])
    def download_one(self, request, object_id):
        if not self.has_view_permission(request):
            raise PermissionDenied
        profile = self.get_queryset(request).filter(pk=object_id).first() if str(object_id).isdigit() else None
        if profile is None:
            raise Http404(_("Not found."))
        return self._json_response(profile)

    def _json_response(self, profile: ImportProfile) -> HttpResponse:
        response = HttpResponse(profile_json(profile), content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{_file_name(profile)}"'
        return response

    @action(description=_("Load from JSON"), url_path="load-json", permissions=["add"])
    def load_json(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ProfileFileForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                profile = import_profile_load(
                    organization=organization_of(request.user),
                    data=form.cleaned_data["file"].read(),
                    by=request.user,
                    replace=form.cleaned_data["replace"],
                )
            except ValidationError as exc:
                for message in _messages(exc):
                    form.add_error("file", message)
            else:
                self.message_user(request, _("The profile “%(name)s” is loaded.") % {"name": profile}, messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:displacement_importprofile_change", args=[profile.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Load an import profile"),
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/displacement/import_profile_load.html", context)


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [f"{name}: {message}" for name, errors in error.message_dict.items() for message in errors]
    return list(error.messages)
