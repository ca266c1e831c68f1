"""What each imported form submission (KoboToolbox, ODK Central) made: the upsert's memory.

One row per submission an organisation imported, keyed by the submission's stable id
(KoboToolbox's ``meta/rootUuid``, ODK's ``__id``). It names the records the submission created
or found, so that a later version updates them, and holds a keyed digest of the version it
imported, so that the same version again is recognised without reading anything else. It holds
no answer in clear: names, phones and addresses live in contact details only.
"""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import Owned
from .checks import checked


class SubmissionPlatform(models.TextChoices):
    KOBOTOOLBOX = "kobotoolbox", _("KoboToolbox")
    ODK_CENTRAL = "odk_central", _("ODK Central")


@checked
class FormSubmission(Owned):
    platform = models.CharField(_("platform"), max_length=20, choices=SubmissionPlatform.choices)
    stable_id = models.CharField(
        _("submission id"), max_length=100, help_text=_("The same across edits: meta/rootUuid, or ODK's __id.")
    )
    version_id = models.CharField(_("version imported"), max_length=100, blank=True)
    digest = models.CharField(
        _("digest of the version imported"),
        max_length=64,
        help_text=_("A keyed hash of its answers: the same version again changes nothing."),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    version_at = models.DateTimeField(
        _("version's time on the server"),
        null=True,
        blank=True,
        help_text=_("ODK's __system/updatedAt, else the submission time: an earlier version changes nothing."),
    )
    replaced_versions = ArrayField(
        models.CharField(max_length=100),
        default=list,
        blank=True,
        verbose_name=_("versions it replaced"),
        help_text=_("The instanceIDs of the versions the one imported replaced: an import of one changes nothing."),
    )
    household = models.ForeignKey(
        "displacement.Household", null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("household")
    )
    household_created = models.BooleanField(_("household registered by it"), default=False)
    testimony = models.ForeignKey(
        "displacement.Testimony", null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("testimony")
    )
    event = models.ForeignKey(
        "displacement.Event",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("event it reported"),
    )
    displacements = ArrayField(models.BigIntegerField(), default=list, blank=True, verbose_name=_("displacements"))
    contact_imported_at = models.DateTimeField(
        _("contact details imported at"),
        null=True,
        blank=True,
        help_text=_("When an import last wrote the household's contact details: changed here since, they are kept."),
    )
    import_run = models.ForeignKey(
        "displacement.ImportRun", null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("last import")
    )

    class Meta:
        verbose_name = _("imported form submission")
        verbose_name_plural = _("imported form submissions")
        constraints = [
            models.UniqueConstraint(fields=["organization", "stable_id"], name="form_submission_unique"),
        ]

    def __str__(self):
        return self.stable_id
