"""The gazetteer: searchable by P-code and by any of its names; edited by operations only."""

from django.contrib import admin
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin

from displacement.admin.base import AllowlistedLookups
from displacement.models import Place
from displacement.selectors.access import Viewer


@admin.register(Place)
class PlaceAdmin(AllowlistedLookups, ModelAdmin):
    list_display = ["pcode", "name_en", "name_uk", "admin_level", "parent"]
    list_filter = ["admin_level"]
    search_fields = ["pcode", "name_en", "name_uk"]
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]
    list_per_page = 50
    show_full_result_count = False
    ordering = ["pcode"]

    def get_search_results(self, request, queryset, search_term):
        # A P-code typed in a search or an autocomplete box finds the place and its subtree.
        term = search_term.strip()
        if term[:2].isalpha() and term[2:].isdigit() and term[:2].isupper():
            return queryset.filter(pcode__startswith=term), False
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if term:
            by_alias = RawSQL(
                "SELECT p.id FROM displacement_place p, unnest(p.aliases) alias WHERE alias ILIKE %s",
                [f"%{term}%"],
            )
            results = results | queryset.filter(pk__in=by_alias)
        return results, may_have_duplicates

    def has_module_permission(self, request):
        return Viewer.of(request.user).may_open(Place)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return Viewer.of(request.user).is_operator

    def has_change_permission(self, request, obj=None):
        return Viewer.of(request.user).is_operator

    has_delete_permission = has_change_permission

    @admin.display(description=_("level"))
    def level(self, obj):
        return obj.get_admin_level_display()
