"""List filters shared by several admin screens."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import DropdownFilter

from displacement.models import AdminLevel, ImportRun, Place
from displacement.selectors.access import Viewer
from displacement.selectors.corroboration import corroborated_q, single_source_q
from displacement.selectors.import_runs import runs_that_wrote, written_by_q


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


class ImportRunFilter(DropdownFilter):
    """The records an import run created or last changed (linked from the run's page). The
    parameter is the one Django's own filter on the field would take, ``?import_run__id__exact=``."""

    title = _("last import run")
    parameter_name = "import_run__id__exact"

    def _run_id(self) -> int | None:
        value = self.value() or ""
        # isascii: str.isdigit() accepts "²", which int() refuses
        return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else None

    def lookups(self, request, model_admin):
        runs = runs_that_wrote(model_admin.model, request.user, also=self._run_id())
        return [(str(run.pk), f"#{run.pk} {run}") for run in runs]

    def has_output(self):
        return True  # offered even before a run wrote anything: its link must not be refused

    def queryset(self, request, queryset):
        if self.value() in (None, ""):
            return queryset
        run_id = self._run_id()
        return queryset.filter(written_by_q(queryset.model, run_id)) if run_id is not None else queryset.none()


class ImportRunFiltered:
    """A list that offers ``ImportRunFilter`` to those who may open import runs (coordinators);
    for anyone else the parameter stays refused, like any filter a list does not offer."""

    def get_list_filter(self, request):
        filters = list(super().get_list_filter(request))
        if Viewer.of(request.user).may_open(ImportRun):
            filters.append(ImportRunFilter)
        return filters
