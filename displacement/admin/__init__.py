"""The staff admin, one module per concept. Importing registers every model."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import (  # noqa: F401
    cases,
    duplicates,
    event_duplicates,
    events,
    households,
    import_profiles,
    imports,
    organizations,
    places,
    pulls,
    reports,
    scheduling,
    sharing,
    sources,
    submissions,
    testimonies,
)

admin.site.site_header = _("Displacement cases")
admin.site.site_title = _("Displacement case tracking")
