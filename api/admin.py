"""API keys in the admin: coordinators create and revoke their organisation's keys."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.admin import APIKeyModelAdmin
from rest_framework_api_key.models import APIKey
from unfold.admin import ModelAdmin

from api.models import OrganizationAPIKey
from displacement.admin.base import AllowlistedLookups
from displacement.selectors.access import Viewer

# The library's own key model is unused: keys here belong to an organisation.
admin.site.unregister(APIKey)


@admin.register(OrganizationAPIKey)
class OrganizationAPIKeyAdmin(AllowlistedLookups, APIKeyModelAdmin, ModelAdmin):
    list_display = [
        "prefix",
        "name",
        "organization",
        "scopes",
        "created",
        "expiry_date",
        "last_used_at",
        "revoked",
    ]
    list_filter = ["revoked", "organization"]
    search_fields = ["prefix", "name"]
    fields = ["name", "organization", "scopes", "expiry_date", "revoked", "prefix", "created", "last_used_at"]

    def _viewer(self, request):
        return Viewer.of(request.user)

    def has_module_permission(self, request):
        viewer = self._viewer(request)
        return viewer.is_operator or viewer.is_coordinator

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead, so the access log keeps its meaning

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("organization")
        viewer = self._viewer(request)
        return (
            queryset
            if viewer.is_operator and viewer.organization is None
            else queryset.filter(organization=viewer.organization)
        )

    def get_readonly_fields(self, request, obj=None):
        fields = [*super().get_readonly_fields(request, obj), "last_used_at", "created", "prefix"]
        if obj is not None:
            fields += ["organization", "scopes"]
        return fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organization":
            viewer = self._viewer(request)
            if not (viewer.is_operator and viewer.organization is None):
                from displacement.models import Organization

                kwargs["queryset"] = Organization.objects.filter(pk=viewer.organization.pk)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            self.message_user(request, _("Partners send it as 'Authorization: Api-Key <key>'."), messages.INFO)
