"""Summary tables: counts by ISO week, oblast, raion and event classification.

Filled by ``services.summaries`` (incrementally after changes, fully every night). Staff
dashboards, ``/api/v1/summaries/`` and partners' aggregate reports read these instead of
scanning the casework tables. The counts are the owning organisation's own, exact; cells of
moves are split by ``counted`` (the household's consent to statistics is active), the cells
an aggregate that leaves the organisation may count, suppressed by its reader; so are the
cells of cases (by the month they were opened).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .checks import checked


@checked
class WeeklySummary(models.Model):
    organization = models.ForeignKey(
        "displacement.Organization", on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    week = models.DateField(_("ISO week (its Monday)"))
    adm1 = models.CharField(_("oblast P-code"), max_length=20, blank=True)
    adm2 = models.CharField(_("raion P-code"), max_length=20, blank=True)
    category = models.CharField(_("category"), max_length=20, blank=True)
    event_type = models.CharField(_("event type"), max_length=40, blank=True)
    sub_event_type = models.CharField(_("sub-event type"), max_length=50, blank=True)
    # Households whose consent to statistics is active (their moves' counts only; events and
    # testimonies are counted in cells where this is false).
    counted = models.BooleanField(_("counted outside the organisation"), default=False)
    events = models.PositiveIntegerField(_("events"), default=0)
    killed = models.PositiveIntegerField(_("killed"), default=0)
    injured = models.PositiveIntegerField(_("injured"), default=0)
    # Events with fewer than ``corroboration.CORROBORATED_AT`` independent sources.
    single_source_events = models.PositiveIntegerField(_("single-source events"), default=0)
    testimonies = models.PositiveIntegerField(_("testimonies"), default=0)
    households_displaced = models.PositiveIntegerField(_("households displaced"), default=0)
    people_displaced = models.PositiveIntegerField(_("people displaced"), default=0)
    children_displaced = models.PositiveIntegerField(_("children displaced"), default=0)
    repeat_households = models.PositiveIntegerField(_("households displaced again"), default=0)

    class Meta:
        verbose_name = _("weekly summary")
        verbose_name_plural = _("weekly summaries")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "week", "adm1", "adm2", "category", "event_type", "sub_event_type", "counted"],
                name="weekly_summary_cell_unique",
            )
        ]
        indexes = [
            models.Index(fields=["organization", "week"], name="weekly_summary_org_week_idx"),
            models.Index(fields=["organization", "adm1", "week"], name="weekly_summary_org_adm1_idx"),
        ]

    def __str__(self):
        return f"{self.week} {self.adm2 or self.adm1 or '-'} {self.sub_event_type or self.category or '-'}"


@checked
class FlowSummary(models.Model):
    """Households displaced from one oblast to another in a part: the days of an ISO week inside
    one calendar month (a week across two months has two), of which weeks and months are sums."""

    organization = models.ForeignKey(
        "displacement.Organization", on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    week = models.DateField(_("first day of the part (the Monday, or the 1st of the month)"))
    origin_adm1 = models.CharField(_("origin oblast"), max_length=20)
    destination_adm1 = models.CharField(_("destination oblast"), max_length=20, blank=True)
    counted = models.BooleanField(_("counted outside the organisation"), default=False)
    households = models.PositiveIntegerField(_("households"), default=0)
    people = models.PositiveIntegerField(_("people"), default=0)

    class Meta:
        verbose_name = _("flow summary")
        verbose_name_plural = _("flow summaries")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "week", "origin_adm1", "destination_adm1", "counted"],
                name="flow_summary_cell_unique",
            )
        ]

    def __str__(self):
        return f"{self.week} {self.origin_adm1} → {self.destination_adm1 or '?'}"


@checked
class CaseSummary(models.Model):
    """Cases by the calendar month they were opened, the oblast where the household now lives
    and status: a snapshot of each month's cases as they stand now. Staff sum every cell;
    partners' case status reads the ``counted`` cells per month."""

    organization = models.ForeignKey(
        "displacement.Organization", on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    month = models.DateField(_("month opened (its first day)"))
    adm1 = models.CharField(_("oblast P-code"), max_length=20, blank=True)
    status = models.CharField(_("status"), max_length=20)
    # The household's consent to statistics is active, as in the weekly cells.
    counted = models.BooleanField(_("counted outside the organisation"), default=False)
    cases = models.PositiveIntegerField(_("cases"), default=0)

    class Meta:
        verbose_name = _("case summary")
        verbose_name_plural = _("case summaries")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "month", "adm1", "status", "counted"], name="case_summary_cell_unique"
            )
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.adm1 or '-'} {self.status}: {self.cases}"
