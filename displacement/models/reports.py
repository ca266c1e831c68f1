"""Scheduled CSV reports: what to produce, for whom, when; and each run of a schedule slot.

A ``ReportDefinition`` belongs to an organisation and is edited by its coordinators. Its
schedule is a django-celery-beat crontab with a periodic task (kept in step by
``services.reports.report_definition_save``). Each time the schedule fires, one
``ReportRun`` exists for the (definition, slot) pair: a unique constraint makes a second
beat, a redelivered message or a second worker find the same run instead of making another.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .base import TimeStamped, tracked
from .checks import checked


class ReportKind(models.TextChoices):
    EVENTS = "events", _("Event list")
    TESTIMONIES = "testimonies", _("Testimony list (de-identified)")
    DISPLACEMENT_SUMMARY = "displacement_summary", _("Displacement summary by oblast and week")
    CASE_STATUS = "case_status", _("Case status summary")
    FLOWS = "flows", _("Origin-destination flows")


class ReportPeriod(models.TextChoices):
    """The window of records a run covers, ending just before its slot."""

    ALL = "all", _("Everything")
    DAY = "day", _("The previous day")
    WEEK = "week", _("The previous 7 days")
    MONTH = "month", _("The previous calendar month")


@tracked
@checked
class ReportDefinition(TimeStamped):
    organization = models.ForeignKey(
        "displacement.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    slug = models.SlugField(_("slug"), max_length=60, unique=True, help_text=_("Used by `manage.py run_report`."))
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=ReportKind.choices)
    filters = models.JSONField(
        _("filters"),
        default=dict,
        blank=True,
        help_text=_('The same names and values as the API, e.g. {"place": "UA12", "event_type": "battles"}.'),
    )
    period = models.CharField(_("period"), max_length=10, choices=ReportPeriod.choices, default=ReportPeriod.ALL)
    audience = models.ForeignKey(
        "displacement.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("partner audience"),
        help_text=_(
            "Empty: an internal report, de-identified as analysts see it. A partner: only what a sharing "
            "agreement shares with it, under its own pseudonyms, with small counts suppressed."
        ),
    )
    cron = models.CharField(
        _("schedule"),
        max_length=100,
        default="0 6 * * 1",
        help_text=_("A crontab: minute hour day-of-month month day-of-week, e.g. '0 6 * * 1' for Mondays at 06:00."),
    )
    recipients = models.TextField(_("recipients"), blank=True, help_text=_("E-mail addresses, one per line."))
    active = models.BooleanField(_("active"), default=True)
    periodic_task = models.OneToOneField(
        "django_celery_beat.PeriodicTask",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        verbose_name = _("report definition")
        verbose_name_plural = _("report definitions")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~Q(audience=models.F("organization")), name="report_audience_not_owner")
        ]

    def __str__(self):
        return self.name

    @property
    def recipient_list(self) -> list[str]:
        return [line.strip() for line in self.recipients.replace(",", "\n").splitlines() if line.strip()]


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class WithdrawalReason(models.TextChoices):
    """Why a partner's file was withdrawn: a record in it left partners' copies, or the
    agreement that let the partner receive it ended."""

    CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent withdrawn")
    UNSHARED = "unshared", _("No longer shared")
    DELETED = "deleted", _("Deleted")
    AGREEMENT_ENDED = "agreement_ended", _("Agreement ended or narrowed")


@tracked
@checked
class ReportRun(models.Model):
    """One slot of a definition's schedule: at most one file, whatever happens to the workers."""

    definition = models.ForeignKey(
        ReportDefinition, on_delete=models.PROTECT, related_name="runs", verbose_name=_("report")
    )
    slot = models.DateTimeField(_("slot"), help_text=_("The scheduled time this run stands for."))
    audience = models.ForeignKey(
        "displacement.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("partner audience"),
        help_text=_("Who the file was made for, fixed when the run was made."),
    )
    manual = models.BooleanField(_("run by hand"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    claimed_by = models.CharField(_("claimed by"), max_length=200, blank=True, editable=False)
    lease_until = models.DateTimeField(_("claim expires"), null=True, blank=True, editable=False)
    queued_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True, db_index=True)
    error = models.TextField(_("error"), blank=True)
    file = models.FileField(_("file"), upload_to="reports/", max_length=300, blank=True)
    rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    size = models.PositiveBigIntegerField(_("bytes"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    manifest = models.JSONField(_("manifest"), default=dict, blank=True)
    notified_at = models.DateTimeField(_("recipients notified at"), null=True, blank=True)
    purged_at = models.DateTimeField(_("file purged at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawal_reason = models.CharField(
        _("why withdrawn"),
        max_length=20,
        choices=WithdrawalReason.choices,
        blank=True,
        help_text=_("A partner's file is withdrawn, and deleted, when a record in it may no longer reach the partner."),
    )

    class Meta:
        verbose_name = _("report run")
        verbose_name_plural = _("report runs")
        ordering = ["-slot"]
        constraints = [models.UniqueConstraint(fields=["definition", "slot"], name="report_run_one_per_slot")]

    def __str__(self):
        return f"{self.definition} @ {self.slot:%Y-%m-%d %H:%M}"


class ReportRunRecord(models.Model):
    """A record that a partner's list report file holds (an event or a testimony, by the run's
    kind): when the record may no longer reach partners, the files holding it are withdrawn."""

    run = models.ForeignKey(ReportRun, on_delete=models.CASCADE, related_name="+", db_index=False)
    record_id = models.BigIntegerField()

    class Meta:
        verbose_name = _("record in a report file")
        verbose_name_plural = _("records in report files")
        indexes = [models.Index(fields=["record_id", "run"], name="report_run_record_idx")]

    def __str__(self):
        return f"{self.run_id}:{self.record_id}"
