"""Where information comes from, and the files that back it."""

import hashlib

import pgtrigger
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import Owned, tracked
from .checks import checked
from .dates import PAST
from .vocab import Reliability, SourceKind


@tracked
@checked
class Source(Owned):
    kind = models.CharField(_("kind"), max_length=30, choices=SourceKind.choices)
    title = models.CharField(_("title"), max_length=300)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    url = models.URLField(_("URL"), max_length=1000, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True, validators=[PAST])
    reliability = models.CharField(
        _("reliability"), max_length=30, choices=Reliability.choices, default=Reliability.UNKNOWN
    )
    scale = models.CharField(
        _("source scale"),
        max_length=100,
        blank=True,
        default="",
        db_default="",
        help_text=_("ACLED's source_scale: Local, National, ..."),
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-published_on", "title"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        indexes = [
            models.Index(fields=["organization", "kind"], name="source_org_kind_idx"),
            models.Index(fields=["organization", "publisher"], name="source_org_publisher_idx"),
        ]

    def __str__(self):
        return f"{self.title} ({self.get_kind_display()})"


def attachment_path(instance, filename):
    return f"attachments/{instance.organization_id}/{instance.sha256[:2]}/{instance.sha256}"


@tracked
@checked
class Attachment(Owned):
    """Evidence (a photo, a scan, a recording). Its SHA-256 is taken at upload and never changes."""

    file = models.FileField(_("file"), upload_to=attachment_path)
    sha256 = models.CharField(_("SHA-256"), max_length=64, editable=False)
    original_name = models.CharField(_("original file name"), max_length=255, editable=False)
    size = models.PositiveBigIntegerField(_("size in bytes"), editable=False)
    description = models.CharField(_("description"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("uploaded by"),
    )
    source = models.ForeignKey(
        Source,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attachments",
        verbose_name=_("source"),
    )
    event = models.ForeignKey(
        "displacement.Event",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attachments",
        verbose_name=_("event"),
    )
    testimony = models.ForeignKey(
        "displacement.Testimony",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attachments",
        verbose_name=_("testimony"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        constraints = [
            models.CheckConstraint(condition=models.Q(sha256__regex=r"^[0-9a-f]{64}$"), name="attachment_sha256_hex"),
        ]
        triggers = [
            # The evidence itself is immutable: the database refuses to change it.
            pgtrigger.Protect(
                name="attachment_file_immutable",
                operation=pgtrigger.Update,
                condition=pgtrigger.AnyChange("file", "sha256", "size", "original_name"),
            ),
        ]

    def __str__(self):
        return f"{self.original_name} ({self.sha256[:12]})"

    def take_fingerprint(self):
        """Hash the uploaded file; called once, before the first save."""
        if self.pk:
            raise ValidationError(_("An attachment's file cannot be replaced; upload a new one."))
        digest = hashlib.sha256()
        for chunk in self.file.chunks():
            digest.update(chunk)
        self.sha256 = digest.hexdigest()
        self.size = self.file.size
        self.original_name = self.file.name.rsplit("/", 1)[-1][:255]
