"""The access log: who read sensitive data, exported records or pulled them through the API.

Append-only in the database: triggers refuse UPDATE, DELETE and TRUNCATE, so nobody, not even a
superuser with a SQL shell through the app's role, can rewrite who looked at what.
"""

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .base import refuse_truncate
from .checks import checked


class AccessAction(models.TextChoices):
    VIEW_NARRATIVE = "view_narrative", _("Opened a narrative")
    VIEW_CONTACT_DETAILS = "view_contact_details", _("Opened contact details")
    VIEW_CASE_NOTES = "view_case_notes", _("Opened case notes")
    EXPORT = "export", _("Exported records")
    API_REQUEST = "api_request", _("API request")
    RETENTION_PURGE = "retention_purge", _("Identifiers removed by the retention job")
    IMPORT_FILE = "import_file", _("Downloaded an imported file")


@checked
class AccessLog(models.Model):
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    organization = models.ForeignKey(
        "displacement.Organization",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("user"),
    )
    api_key = models.CharField(_("API key"), max_length=100, blank=True)
    action = models.CharField(_("action"), max_length=30, choices=AccessAction.choices)
    model = models.CharField(_("record type"), max_length=60, blank=True)
    object_ids = models.JSONField(_("record ids"), default=list, blank=True)
    household = models.ForeignKey(
        "displacement.Household",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("household"),
    )
    path = models.CharField(_("path"), max_length=300, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        indexes = [
            models.Index(fields=["household", "-at"], name="accesslog_household_idx"),
            models.Index(fields=["organization", "-at"], name="accesslog_org_idx"),
        ]
        triggers = [
            pgtrigger.Protect(name="accesslog_append_only", operation=pgtrigger.Update | pgtrigger.Delete),
            refuse_truncate(),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.action}"
