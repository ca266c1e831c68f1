"""Candidate duplicate events, answered by a coordinator, and the ids a merged event leaves."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .base import Owned, tracked
from .checks import checked
from .duplicates import DuplicateStatus


@tracked
@checked
class EventDuplicateCandidate(Owned):
    """Two events of one organisation that may be one event. The pair is stored once (``event``
    has the smaller id) and an answer is kept: a pair answered "not the same" is never asked
    again."""

    event = models.ForeignKey("displacement.Event", on_delete=models.CASCADE, related_name="+", verbose_name=_("event"))
    other = models.ForeignKey(
        "displacement.Event", on_delete=models.CASCADE, related_name="+", verbose_name=_("possible duplicate")
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
        verbose_name = _("possible duplicate event")
        verbose_name_plural = _("possible duplicate events")
        constraints = [
            models.UniqueConstraint(fields=["event", "other"], name="event_duplicate_pair_once"),
            models.CheckConstraint(condition=Q(event__lt=F("other")), name="event_duplicate_pair_ordered"),
        ]
        indexes = [
            models.Index(fields=["organization", "status", "-score"], name="event_duplicate_queue_idx"),
            models.Index(fields=["other"], name="event_duplicate_other_idx"),
        ]

    def __str__(self):
        return f"{self.event_id} ~ {self.other_id} ({self.score:.2f})"


@tracked
@checked
class EventAlias(Owned):
    """An external id of an event merged into ``event``: a later write under that id (an ACLED
    import, a partner's PUT by external id) reaches the survivor. An id is an event's own or an
    alias, never both (``services.events``)."""

    event = models.ForeignKey(
        "displacement.Event", on_delete=models.CASCADE, related_name="aliases", verbose_name=_("event")
    )
    external_id = models.CharField(_("external id"), max_length=60)

    class Meta:
        ordering = ["external_id"]
        verbose_name = _("external id of a merged event")
        verbose_name_plural = _("external ids of merged events")
        constraints = [
            models.UniqueConstraint(fields=["organization", "external_id"], name="event_alias_unique"),
            models.CheckConstraint(condition=~Q(external_id=""), name="event_alias_not_blank"),
        ]

    def __str__(self):
        return f"{self.external_id} → {self.event_id}"
