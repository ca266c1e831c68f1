"""Organisations, users and memberships: managed by operations (superusers)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin, TabularInline
from unfold.forms import AdminPasswordChangeForm, UserChangeForm, UserCreationForm

from displacement.admin.base import AllowlistedLookups
from displacement.models import Membership, Organization, User


class SuperuserOnly:
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission


class MembershipInline(TabularInline):
    model = Membership
    extra = 0
    max_num = 1
    autocomplete_fields = ["organization"]


@admin.register(User)
class UserAdmin(AllowlistedLookups, SuperuserOnly, BaseUserAdmin, ModelAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    change_password_form = AdminPasswordChangeForm
    inlines = [MembershipInline]
    list_display = ["username", "email", "organization_name", "role_name", "is_active", "last_login"]
    list_filter = ["is_active", "is_staff", "membership__role", "membership__organization"]
    list_select_related = ["membership__organization"]

    @admin.display(description=_("organisation"))
    def organization_name(self, obj):
        return obj.organization or "—"

    @admin.display(description=_("role"))
    def role_name(self, obj):
        membership = getattr(obj, "membership", None)
        return membership.get_role_display() if membership else "—"


@admin.register(Organization)
class OrganizationAdmin(AllowlistedLookups, SuperuserOnly, ModelAdmin):
    list_display = ["name", "code", "kind", "slug"]
    list_filter = ["kind"]
    search_fields = ["name", "slug", "code"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Membership)
class MembershipAdmin(AllowlistedLookups, SuperuserOnly, ModelAdmin):
    list_display = ["user", "organization", "role"]
    list_filter = ["role", "organization"]
    search_fields = ["user__username", "organization__name"]
    autocomplete_fields = ["user", "organization"]
