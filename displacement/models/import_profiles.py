"""Import profiles: how an organisation's own KoboToolbox or ODK form maps to the intake form."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import Owned, tracked
from .checks import checked


class ProfileSource(models.TextChoices):
    """Which platform's files a profile reads (``Submission.platform`` values)."""

    ANY = "any", _("KoboToolbox or ODK Central")
    KOBO = "kobotoolbox", _("KoboToolbox")
    ODK = "odk_central", _("ODK Central")


@tracked
@checked
class ImportProfile(Owned):
    """Their form's answer paths and choices in ours (``importers.profiles``); written only
    through ``services.import_profiles``, which checks every target against the intake form."""

    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("source"), max_length=20, choices=ProfileSource.choices, default=ProfileSource.ANY)
    form_id = models.CharField(
        _("their form's id"),
        max_length=200,
        blank=True,
        help_text=_("When set, a file that names another form (ODK Central's OData does) is refused as a whole."),
    )
    mappings = models.JSONField(
        _("mappings"),
        default=dict,
        blank=True,
        help_text=_(
            'Their form path → our path, e.g. {"hh/q_sex": "household/members/sex"}; null leaves a path out. '
            "A path not listed goes to the same path of ours, if the intake form has it."
        ),
    )
    value_maps = models.JSONField(
        _("value maps"),
        default=dict,
        blank=True,
        help_text=_('Their form path → {their choice: our choice}, e.g. {"hh/q_sex": {"f": "female"}}.'),
    )
    defaults = models.JSONField(
        _("defaults"),
        default=dict,
        blank=True,
        help_text=_('Our path → the answer when their form gives none, e.g. {"interview/language": "uk"}.'),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("created by"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("import profile")
        verbose_name_plural = _("import profiles")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"],
                name="import_profile_name_once",
                violation_error_message=_("The organisation already has an import profile of this name."),
            ),
        ]

    def __str__(self):
        return self.name
