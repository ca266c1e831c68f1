"""Imports: every file brought in is an ImportRun with its fingerprint, counts and row report."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import TimeStamped
from .checks import checked


class ImportKind(models.TextChoices):
    ACLED_CSV = "acled_csv", _("ACLED CSV export (2022 or current layout)")
    ACLED_JSON = "acled_json", _("ACLED API JSON")
    ACLED_DELETIONS = "acled_deletions", _("ACLED deletions")
    KOBO_JSON = "kobo_json", _("KoboToolbox data (JSON)")
    KOBO_CSV = "kobo_csv", _("KoboToolbox CSV export")
    KOBO_XLSX = "kobo_xlsx", _("KoboToolbox XLSX export")
    ODK_ODATA = "odk_odata", _("ODK Central OData (JSON)")
    KOBO_PULL = "kobo_pull", _("Pull from KoboToolbox")
    ODK_PULL = "odk_pull", _("Pull from ODK Central")


#: The kinds a live pull makes (``services.pulls``); no file is uploaded as one of them.
PULL_KINDS = frozenset({ImportKind.KOBO_PULL, ImportKind.ODK_PULL})
#: The kinds a file may be uploaded as.
FILE_KINDS = [(value, label) for value, label in ImportKind.choices if value not in PULL_KINDS]

#: The kinds that hold form submissions (``import_submissions``), not ACLED events.
SUBMISSION_KINDS = frozenset({ImportKind.KOBO_JSON, ImportKind.KOBO_CSV, ImportKind.KOBO_XLSX, ImportKind.ODK_ODATA})


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ReportLevel(models.TextChoices):
    REJECTED = "rejected", _("Rejected")
    FLAGGED = "flagged", _("Flagged")
    DELETED = "deleted", _("Deleted")
    IGNORED = "ignored", _("Ignored")


def import_file_path(instance, filename):
    return f"imports/{instance.organization_id}/{instance.sha256}"


def import_media_path(instance, filename):
    return f"imports/{instance.organization_id}/{instance.sha256}-media"


@checked
class ImportRun(TimeStamped):
    """One file brought in (or tried, ``dry_run``). The file is kept for ``IMPORT_FILE_DAYS``."""

    organization = models.ForeignKey(
        "displacement.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("by")
    )
    connection = models.ForeignKey(
        "displacement.PullConnection",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="runs",
        verbose_name=_("pulled from"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=ImportKind.choices, blank=True)  # "": not yet detected
    file = models.FileField(_("file"), upload_to=import_file_path, blank=True)
    file_name = models.CharField(_("file name"), max_length=255)
    media_file = models.FileField(
        _("media ZIP"),
        upload_to=import_media_path,
        blank=True,
        help_text=_("The photos and recordings of form submissions, kept with the file for as long."),
    )
    profile = models.CharField(
        _("import profile"),
        max_length=100,
        blank=True,
        help_text=_("How a form not made by intake_form maps to our fields (form submissions only)."),
    )
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    dry_run = models.BooleanField(_("dry run"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    rows_total = models.PositiveIntegerField(_("rows in the file"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    flagged = models.PositiveIntegerField(_("flagged"), default=0)
    deleted = models.PositiveIntegerField(_("deleted"), default=0)
    error = models.TextField(_("file-level error"), blank=True)
    ignored_columns = models.JSONField(_("ignored columns"), default=list, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    file_purged_at = models.DateTimeField(_("file deleted at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")
        indexes = [models.Index(fields=["organization", "-created_at"], name="import_run_org_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(sha256__regex=r"^[0-9a-f]{64}$"), name="import_run_sha256_hex"),
        ]

    def __str__(self):
        dry = _(" (dry run)") if self.dry_run else ""
        return f"{self.file_name}{dry} · {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def percent(self) -> int:
        if self.status == ImportStatus.DONE:
            return 100
        return int(100 * self.rows_done / self.rows_total) if self.rows_total else 0


@checked
class ImportReportRow(models.Model):
    """One line of an import's report: a row rejected, a place flagged, an event deleted."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="report_rows", verbose_name=_("run"))
    level = models.CharField(_("level"), max_length=10, choices=ReportLevel.choices)
    row_number = models.PositiveIntegerField(_("row"), null=True)
    external_id = models.CharField(_("external id"), max_length=60, blank=True)
    field = models.CharField(_("field"), max_length=60, blank=True)
    message = models.TextField(_("message"))

    class Meta:
        ordering = ["run", "row_number", "id"]
        verbose_name = _("import report row")
        verbose_name_plural = _("import report rows")

    def __str__(self):
        return f"{self.row_number}: {self.message}"
