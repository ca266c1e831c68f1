"""List filters shared by several admin screens."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import DropdownFilter

from displacement.models import AdminLevel, Place
from displacement.selectors.corroboration import corroborated_q, single_source_q


def oblast_filter(path: str, title=None):
    """A filter on the oblast containing the place at ``path`` (e.g. "place" or "origin")."""

    class OblastFilter(DropdownFilter):
        parameter_name = f"{path.replace('__', '_')}_oblast"

        def lookups(self, request, model_admin):
            return list(Place.objects.filter(admin_level=AdminLevel.ADMIN1).values_list("pcode", "name_en"))

        def queryset(self, request, queryset):
            if self.value():
                return queryset.filter(**{f"{path}__pcode__startswith": self.value()})
            return queryset

    OblastFilter.title = title or _("oblast")
    OblastFilter.__name__ = f"OblastFilter_{path}"
    return OblastFilter


class CorroborationFilter(admin.SimpleListFilter):
    """Events resting on a single source (or none recorded), or corroborated by several
    independent ones (``selectors.corroboration``)."""

    title = _("independent sources")
    parameter_name = "sources"

    def lookups(self, request, model_admin):
        return [("single", _("single source")), ("corroborated", _("corroborated (2 or more)"))]

    def queryset(self, request, queryset):
        if self.value() == "single":
            return queryset.filter(single_source_q())
        if self.value() == "corroborated":
            return queryset.filter(corroborated_q())
        return queryset
