"""Cases: the follow-up of a household, with its workflow, notes and referrals."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .base import ChoiceArrayField, Owned, TimeStamped, page_index, tracked, updated_at_field
from .checks import checked
from .dates import PAST
from .vocab import CaseStatus, Need, Priority, ReferralStatus


@checked
class CaseSequence(models.Model):
    """The last case number an organisation used in a year; incremented under a row lock."""

    organization = models.ForeignKey("displacement.Organization", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "year"], name="case_sequence_org_year_unique")]

    def __str__(self):
        return f"{self.organization_id}/{self.year}: {self.last}"


@tracked
@checked
class Case(Owned):
    updated_at = updated_at_field()
    reference = models.CharField(_("reference"), max_length=40, unique=True, editable=False)
    household = models.ForeignKey(
        "displacement.Household",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("household"),
    )
    status = models.CharField(_("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.NEW)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
        verbose_name=_("assigned caseworker"),
    )
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default=Priority.MEDIUM)
    needs = ChoiceArrayField(
        models.CharField(max_length=30, choices=Need.choices),
        default=list,
        blank=True,
        verbose_name=_("needs"),
    )
    opened_on = models.DateField(_("opened on"), default=timezone.localdate, validators=[PAST])
    closed_on = models.DateField(_("closed on"), null=True, blank=True, editable=False, validators=[PAST])
    closure_reason = models.CharField(_("closure reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["-opened_on", "-id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["organization", "status"], name="case_org_status_idx"),
            page_index(name="case_page_opened_idx", column="opened_on"),
            models.Index(fields=["assigned_to", "status"], name="case_assignee_status_idx"),
            models.Index(fields=["opened_on"], name="case_opened_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=~Q(status=CaseStatus.CLOSED),
                name="case_one_open_per_household",
                violation_error_message=_("This household already has an open case."),
            ),
            models.CheckConstraint(
                condition=Q(status=CaseStatus.CLOSED, closed_on__isnull=False)
                | (~Q(status=CaseStatus.CLOSED) & Q(closed_on__isnull=True)),
                name="case_closed_on_iff_closed",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("opened_on")),
                name="case_closed_after_opened",
            ),
        ]

    def __str__(self):
        return self.reference or str(_("(new case)"))

    def save(self, *args, **kwargs):
        # A case belongs to its household's organisation. closed_on follows the status: the
        # services set it (``services.cases.case_transition``) and the database checks it.
        if self.household_id:
            self.organization_id = self.household.organization_id
        super().save(*args, **kwargs)


@tracked
@checked
class CaseNote(TimeStamped):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes", verbose_name=_("case"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("author"),
    )
    body = models.TextField(_("note"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")

    def __str__(self):
        return _("Note on %(case)s") % {"case": self.case.reference}


@tracked
@checked
class Referral(TimeStamped):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals", verbose_name=_("case"))
    service = models.CharField(_("service"), max_length=30, choices=Need.choices)
    referred_to = models.CharField(_("referred to"), max_length=200)
    referred_on = models.DateField(_("referred on"), default=timezone.localdate, validators=[PAST])
    status = models.CharField(
        _("status"), max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.PENDING
    )
    outcome = models.TextField(_("outcome"), blank=True)

    class Meta:
        ordering = ["-referred_on"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [models.Index(fields=["status"], name="referral_status_idx")]

    def __str__(self):
        # Not the recipient: who a person was referred to is read under the narrative's rule.
        return f"{self.get_service_display()} · {self.referred_on}"
