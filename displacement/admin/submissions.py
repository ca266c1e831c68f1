"""Imported form submissions: a read-only list for coordinators of what each KoboToolbox or
ODK Central submission made (its stable id, platform, the version imported, the household,
testimony, event and displacements, the import run that created or last
changed what it made: a run that found it unchanged does not take it over).

A FormSubmission holds no answer (names, phones and addresses live in contact details only),
so this screen shows none; nothing here is added, changed or deleted by hand: the import
writes these rows.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from displacement.admin.base import ReadOnlyScopedAdmin
from displacement.admin.filters import ImportRunFiltered
from displacement.models import FormSubmission


@admin.register(FormSubmission)
class FormSubmissionAdmin(ImportRunFiltered, ReadOnlyScopedAdmin):
    list_display = ["stable_id", "platform", "version_id", "submitted_at", "household", "household_created",
                    "testimony", "event", "displacement_count", "import_run", "updated_at"]  # fmt: skip
    list_filter = ["platform", "household_created"]
    search_fields = ["=stable_id", "=version_id"]
    list_select_related = ["household", "testimony", "event", "import_run"]
    fields = ["stable_id", "platform", "version_id", "submitted_at", "version_at", "replaced_versions", "household",
              "household_created",
              "testimony", "event", "displacements", "import_run", "created_at", "updated_at"]  # fmt: skip
    readonly_fields = fields
    actions = []
    export_fields = ()

    @admin.display(description=_("displacements"))
    def displacement_count(self, obj):
        return len(obj.displacements)
