"""One move of a household; a household's moves in date order are its trajectory."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .base import Owned, page_index, tracked, updated_at_field
from .checks import checked
from .dates import PAST
from .vocab import DatePrecision, DisplacementKind, ShelterType


@tracked(per_statement=True)
@checked
class Displacement(Owned):
    updated_at = updated_at_field()
    # Their own indexes would repeat the first column of the (household | origin | destination,
    # left_on) indexes below, which serve the same lookups (and the deletes' checks).
    household = models.ForeignKey(
        "displacement.Household",
        on_delete=models.CASCADE,
        related_name="displacements",
        verbose_name=_("household"),
        db_index=False,
    )
    origin = models.ForeignKey(
        "displacement.Place", on_delete=models.PROTECT, related_name="+", verbose_name=_("origin"), db_index=False
    )
    destination = models.ForeignKey(
        "displacement.Place",
        db_index=False,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("destination"),
    )
    left_on = models.DateField(_("left on"), validators=[PAST])
    left_on_precision = models.CharField(
        _("precision of the departure date"),
        max_length=10,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
    )
    arrived_on = models.DateField(_("arrived on"), null=True, blank=True, validators=[PAST])
    cause = models.ForeignKey(
        "displacement.Event",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="displacements",
        verbose_name=_("cause"),
    )
    kind = models.CharField(
        _("how they left"), max_length=30, choices=DisplacementKind.choices, blank=True, default="", db_default=""
    )
    shelter_type = models.CharField(
        _("shelter at destination"),
        max_length=30,
        choices=ShelterType.choices,
        default=ShelterType.UNKNOWN,
    )
    people_count = models.PositiveSmallIntegerField(
        _("number of people who moved"),
        null=True,
        blank=True,
        help_text=_("Leave empty when the whole household moved."),
    )

    class Meta:
        ordering = ["household", "left_on", "id"]
        verbose_name = _("displacement")
        verbose_name_plural = _("displacements")
        indexes = [
            models.Index(fields=["household", "left_on"], name="displacement_trajectory_idx"),
            page_index(name="displacement_page_left_on_idx", column="left_on"),
            models.Index(fields=["origin", "left_on"], name="displacement_origin_idx"),
            models.Index(fields=["destination", "left_on"], name="displacement_dest_idx"),
            models.Index(fields=["left_on"], name="displacement_left_on_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(arrived_on__isnull=True) | Q(arrived_on__gte=F("left_on")),
                name="displacement_arrived_after_left",
            ),
            models.CheckConstraint(
                condition=Q(people_count__isnull=True) | Q(people_count__gte=1),
                name="displacement_people_count_positive",
            ),
            models.CheckConstraint(
                condition=Q(destination__isnull=True) | ~Q(destination=F("origin")),
                name="displacement_destination_differs",
            ),
        ]

    def __str__(self):
        destination = self.destination.name_en if self.destination_id else "?"
        return f"{self.left_on:%Y-%m-%d} {self.origin.name_en} → {destination}"

    def save(self, *args, **kwargs):
        # A displacement always belongs to its household's organisation.
        if self.household_id:
            self.organization_id = self.household.organization_id
        super().save(*args, **kwargs)

    def clean(self):
        # left_on and arrived_on lie in their window (``dates.PAST``, field validators).
        if self.arrived_on and self.left_on and self.arrived_on < self.left_on:
            raise ValidationError({"arrived_on": _("Arrival cannot be before departure.")})
        if self.origin_id and self.origin_id == self.destination_id:
            raise ValidationError({"destination": _("Destination must differ from the origin.")})
