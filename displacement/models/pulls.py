"""A connection to a KoboToolbox project or an ODK Central form, pulled by beat (``services.pulls``).

The API token (KoboToolbox) or the account's password (ODK Central) is stored encrypted
(``pull.secrets``) in ``secret``: no form, list, log line, error or Celery message shows it.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import TimeStamped, tracked
from .checks import checked

KOBO_ASSET_UID = re.compile(r"^[A-Za-z0-9]{4,64}$")


class PullKind(models.TextChoices):
    KOBO = "kobo", _("KoboToolbox project")
    ODK = "odk", _("ODK Central form")


#: What a pull writes on its connection: no event in the history by itself.
PULL_BOOKKEEPING = ["watermark", "last_attempt_at", "last_success_at", "last_error"]


# Who changed a connection is in its history; its secret (encrypted or not) never is.
@tracked(exclude=["secret", *PULL_BOOKKEEPING], unrecorded=PULL_BOOKKEEPING)
@checked
class PullConnection(TimeStamped):
    organization = models.ForeignKey(
        "displacement.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("platform"), max_length=10, choices=PullKind.choices)
    server_url = models.URLField(
        _("server URL"), help_text=_("https://kf.kobotoolbox.org, or your ODK Central's address.")
    )
    asset_uid = models.CharField(
        _("asset uid"), max_length=64, blank=True, help_text=_("KoboToolbox: the project's uid, from its URL.")
    )
    account_email = models.EmailField(
        _("account e-mail"), blank=True, help_text=_("ODK Central: the account pulled with.")
    )
    project_id = models.PositiveIntegerField(_("project id"), null=True, blank=True, help_text=_("ODK Central."))
    form_id = models.CharField(
        _("form id"), max_length=100, blank=True, help_text=_("ODK Central: the form's xmlFormId.")
    )
    secret = models.TextField(_("encrypted token or password"), editable=False)
    enabled = models.BooleanField(_("pulled by beat"), default=True)
    watermark = models.JSONField(_("watermark"), default=dict, blank=True, editable=False)
    last_attempt_at = models.DateTimeField(_("last pull tried"), null=True, blank=True, editable=False)
    last_success_at = models.DateTimeField(_("last successful pull"), null=True, blank=True, editable=False)
    last_error = models.TextField(_("last error"), blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("form server connection")
        verbose_name_plural = _("form server connections")
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="pull_connection_name_unique"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if (self.server_url or "").lower().startswith("http://") and not settings.PULL_ALLOW_HTTP:
            errors["server_url"] = _(
                "Use the server's https:// address: over http:// its token or password would travel unencrypted."
            )
        if self.kind == PullKind.KOBO:
            if not KOBO_ASSET_UID.match(self.asset_uid or ""):
                errors["asset_uid"] = _("The project's uid: letters and digits, as in its URL (/#/forms/<uid>/).")
        elif self.kind == PullKind.ODK:
            if not self.account_email:
                errors["account_email"] = _("ODK Central needs the account's e-mail.")
            if not self.project_id:
                errors["project_id"] = _("ODK Central needs the project id (in the project's URL).")
            if not self.form_id:
                errors["form_id"] = _("ODK Central needs the form id (its xmlFormId).")
        if errors:
            raise ValidationError(errors)
