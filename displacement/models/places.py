"""The P-code gazetteer: OCHA administrative units, any country, any level."""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import TimeStamped, tracked
from .checks import checked


class AdminLevel(models.IntegerChoices):
    COUNTRY = 0, _("Country")
    ADMIN1 = 1, _("Oblast (admin 1)")
    ADMIN2 = 2, _("Raion (admin 2)")
    ADMIN3 = 3, _("Hromada (admin 3)")
    ADMIN4 = 4, _("Settlement (admin 4)")


@tracked
@checked
class Place(TimeStamped):
    """One administrative unit. P-codes nest by prefix: UA12 ⊃ UA1208 ⊃ UA1208009."""

    pcode = models.CharField(_("P-code"), max_length=20, unique=True)
    name_en = models.CharField(_("English name"), max_length=200)
    name_uk = models.CharField(_("Ukrainian name"), max_length=200, blank=True)
    aliases = ArrayField(
        models.CharField(max_length=200),
        default=list,
        blank=True,
        verbose_name=_("aliases"),
        help_text=_("Other spellings and languages, e.g. the Russian name or a transliteration."),
    )
    admin_level = models.PositiveSmallIntegerField(_("admin level"), choices=AdminLevel.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent"),
    )
    latitude = models.DecimalField(_("centroid latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("centroid longitude"), max_digits=9, decimal_places=6, null=True, blank=True)

    class Meta:
        ordering = ["pcode"]
        verbose_name = _("place")
        verbose_name_plural = _("places")
        indexes = [
            # "place=UA12" means the oblast and everything below it: a prefix match.
            models.Index(fields=["pcode"], name="place_pcode_prefix_idx", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["admin_level", "name_en"], name="place_level_name_idx"),
            GinIndex(fields=["aliases"], name="place_aliases_gin"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(admin_level=0) | models.Q(parent__isnull=False),
                name="place_parent_required_below_country",
            ),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True) | models.Q(latitude__gte=-90, latitude__lte=90),
                name="place_latitude_range",
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__isnull=True) | models.Q(longitude__gte=-180, longitude__lte=180),
                name="place_longitude_range",
            ),
        ]

    def __str__(self):
        if self.name_uk:
            return f"{self.name_en} / {self.name_uk} ({self.pcode})"
        return f"{self.name_en} ({self.pcode})"

    def ancestor_at(self, level: int):
        """This place's ancestor at ``level`` (itself if it is at that level), or None."""
        place = self
        while place is not None and place.admin_level > level:
            place = place.parent
        return place if place is not None and place.admin_level == level else None
