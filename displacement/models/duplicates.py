"""Candidate duplicate households, found by the nightly pass and answered by a coordinator."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .base import Owned, tracked
from .checks import checked


class DuplicateStatus(models.TextChoices):
    PENDING = "pending", _("To review")
    MERGED = "merged", _("Merged")
    DISTINCT = "distinct", _("Not the same")


@tracked
@checked
class HouseholdDuplicateCandidate(Owned):
    """Two households of one organisation that may be one family. The pair is stored once
    (``household`` has the smaller id) and an answer is kept: a pair answered "not the same" is
    never asked again."""

    household = models.ForeignKey(
        "displacement.Household", on_delete=models.CASCADE, related_name="+", verbose_name=_("household")
    )
    other = models.ForeignKey(
        "displacement.Household", on_delete=models.CASCADE, related_name="+", verbose_name=_("possible duplicate")
    )
    score = models.FloatField(_("score"))
    reasons = models.JSONField(_("why"), default=dict, blank=True)
    status = models.CharField(
        _("answer"), max_length=10, choices=DuplicateStatus.choices, default=DuplicateStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("answered by"),
    )
    decided_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["-score", "id"]
        verbose_name = _("possible duplicate household")
        verbose_name_plural = _("possible duplicate households")
        constraints = [
            models.UniqueConstraint(fields=["household", "other"], name="duplicate_pair_once"),
            models.CheckConstraint(condition=Q(household__lt=F("other")), name="duplicate_pair_ordered"),
        ]
        indexes = [models.Index(fields=["organization", "status", "-score"], name="duplicate_queue_idx")]

    def __str__(self):
        return f"{self.household_id} ~ {self.other_id} ({self.score:.2f})"
