"""API keys in the admin: coordinators create and revoke their organisation's keys."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.admin import APIKeyModelAdmin
from rest_framework_api_key.models import APIKey
from unfold.admin import ModelAdmin
from unfold.widgets import UnfoldAdminCheckboxSelectMultiple

from api.models import OrganizationAPIKey, Scope
from displacement.admin.base import AllowlistedLookups
from displacement.admin.vocabulary import labelled
from displacement.models.base import ChoiceArrayField
from displacement.selectors.access import Viewer

# The library's own key model is unused: keys here belong to an organisation.
admin.site.unregister(APIKey)

SCOPES_HELP = _(
    "Read: the key lists and fetches through the API what its organisation may see (what sharing "
    "agreements share with it). Write: the key also creates and updates its organisation's own "
    "events, testimonies, households, displacements, cases and sources. Give write only to a system "
    "that must send records."
)


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

    def get_list_display(self, request):
        return labelled(super().get_list_display(request), self.model)

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        return fields if obj is None else labelled(fields, self.model)  # scopes read-only, by their labels

    def get_readonly_fields(self, request, obj=None):
        fields = [*super().get_readonly_fields(request, obj), "last_used_at", "created", "prefix"]
        if obj is not None:
            fields += labelled(["organization", "scopes"], self.model)
        return fields

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, ChoiceArrayField):  # checkboxes, as every vocabulary array in the admin
            return db_field.formfield(
                widget=UnfoldAdminCheckboxSelectMultiple, initial=[Scope.READ], help_text=SCOPES_HELP
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organization":
            from displacement.models import Organization

            viewer = self._viewer(request)
            if not (viewer.is_operator and viewer.organization is None):
                kwargs["queryset"] = Organization.objects.filter(pk=viewer.organization.pk)
            only = list(kwargs.get("queryset", Organization.objects.all())[:2])
            if len(only) == 1:  # nothing to choose: it is chosen
                kwargs.update(initial=only[0].pk, empty_label=None)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            self.message_user(request, _("Partners send it as 'Authorization: Api-Key <key>'."), messages.INFO)
