"""What an organisation shares with a partner, and the record of what stopped being shared."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .base import ChoiceArrayField, TimeStamped, tracked
from .checks import checked
from .dates import AGREEMENT_END, AGREEMENT_START


class RecordKind(models.TextChoices):
    EVENTS = "events", _("Events")
    TESTIMONIES = "testimonies", _("Testimonies")
    HOUSEHOLDS = "households", _("Households")
    DISPLACEMENTS = "displacements", _("Displacements")
    CASES = "cases", _("Cases")
    SUMMARIES = "summaries", _("Summaries")


class SharingPurpose(models.TextChoices):
    PROTECTION_MONITORING = "protection_monitoring", _("Protection monitoring")
    SERVICE_REFERRAL = "service_referral", _("Referral to services")
    STATISTICS = "statistics", _("Statistics and analysis")
    ADVOCACY = "advocacy", _("Public advocacy")


class SharedDatePrecision(models.TextChoices):
    """How exactly a partner receives the dates about people (a testimony recorded, a household
    leaving or arriving, a case opened or closed): a date and an age band in a small raion can
    name a family. Events keep their dates: they are public facts."""

    DAY = "day", _("Exact day")
    WEEK = "week", _("ISO week")
    MONTH = "month", _("Calendar month")


@tracked
@checked
class SharingAgreement(TimeStamped):
    """No agreement, nothing shared: the owner decides which kinds of records a partner sees."""

    owner = models.ForeignKey(
        "displacement.Organization",
        on_delete=models.PROTECT,
        related_name="agreements_given",
        verbose_name=_("owner"),
    )
    partner = models.ForeignKey(
        "displacement.Organization",
        on_delete=models.PROTECT,
        related_name="agreements_received",
        verbose_name=_("partner"),
    )
    record_kinds = ChoiceArrayField(
        models.CharField(max_length=20, choices=RecordKind.choices), verbose_name=_("records shared")
    )
    purposes = ChoiceArrayField(
        models.CharField(max_length=30, choices=SharingPurpose.choices), verbose_name=_("purposes")
    )
    date_precision = models.CharField(
        _("dates about people"),
        max_length=5,
        choices=SharedDatePrecision.choices,
        default=SharedDatePrecision.WEEK,
        help_text=_(
            "How exactly the partner receives when a testimony was recorded, a household left or arrived, "
            "a case was opened or closed. Event dates are given as recorded."
        ),
    )
    valid_from = models.DateField(_("valid from"), default=timezone.localdate, validators=[AGREEMENT_START])
    valid_until = models.DateField(_("valid until"), null=True, blank=True, validators=[AGREEMENT_END])
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("created by"),
    )
    notes = models.TextField(_("notes"), blank=True)
    started_notified_on = models.DateField(
        _("records sent to the partner on"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the partner's sync was sent the records this agreement shares from its start."),
    )
    ended_notified_on = models.DateField(
        _("partner told of its end on"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the deletions feed told the partner to drop what this agreement shared."),
    )

    class Meta:
        ordering = ["owner", "partner", "-valid_from"]
        verbose_name = _("sharing agreement")
        verbose_name_plural = _("sharing agreements")
        constraints = [
            models.CheckConstraint(condition=~Q(owner=F("partner")), name="agreement_not_with_self"),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="agreement_until_after_from",
            ),
            models.CheckConstraint(
                condition=Q(date_precision__in=SharedDatePrecision.values), name="agreement_date_precision_known"
            ),
        ]

    def __str__(self):
        return f"{self.owner} → {self.partner}"

    def is_active(self, on=None) -> bool:
        on = on or timezone.localdate()
        return self.valid_from <= on and (self.valid_until is None or on <= self.valid_until)


class TombstoneReason(models.TextChoices):
    DELETED = "deleted", _("Deleted")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent withdrawn")
    UNSHARED = "unshared", _("No longer shared")
    MERGED = "merged", _("Merged into another record")


@tracked
@checked
class Tombstone(models.Model):
    """A record that must disappear from partners' copies: the deletions feed reads these."""

    organization = models.ForeignKey(
        "displacement.Organization",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("owner"),
    )
    partner = models.ForeignKey(
        "displacement.Organization",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("only for partner"),
        help_text=_("Set when a record left one partner's share only (its agreement ended or narrowed)."),
    )
    record_kind = models.CharField(_("record kind"), max_length=20, choices=RecordKind.choices)
    record_id = models.BigIntegerField(_("record id"))
    reason = models.CharField(_("reason"), max_length=20, choices=TombstoneReason.choices)
    survivor_id = models.BigIntegerField(
        _("merged into"),
        null=True,
        blank=True,
        help_text=_("For a merged record: the id of the record that took its place (same kind)."),
    )
    shared = models.BooleanField(
        _("could reach partners"),
        default=True,
        help_text=_(
            "Whether partners could have received the record when it left: only then is it on other "
            "organisations' deletions feeds (a restricted testimony's deletion tells them nothing)."
        ),
    )
    created_at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("tombstone")
        verbose_name_plural = _("tombstones")
        indexes = [models.Index(fields=["record_kind", "record_id"], name="tombstone_record_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reason="merged", survivor_id__isnull=False)
                | (~models.Q(reason="merged") & models.Q(survivor_id__isnull=True)),
                name="tombstone_survivor_when_merged",
            )
        ]

    def __str__(self):
        return f"{self.record_kind}:{self.record_id} ({self.get_reason_display()})"
