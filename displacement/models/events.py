"""What happened: attacks, battles and displacements, in ACLED's vocabulary."""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from . import link_copies
from .base import Owned, page_index, tracked, updated_at_field
from .checks import checked
from .dates import PAST
from .vocab import (
    EVENT_TYPE_OF_SUB_TYPE,
    SUB_EVENT_TYPES,
    DatePrecision,
    DisplacementKind,
    EventCategory,
    EventType,
    GeoPrecision,
    Origin,
    SubEventType,
    Target,
    VerificationStatus,
    Weapon,
)


def _sub_type_belongs_to_type() -> Q:
    condition = Q(sub_event_type="")
    for event_type, sub_types in SUB_EVENT_TYPES.items():
        condition |= Q(event_type=event_type, sub_event_type__in=list(sub_types))
    return condition


# Imports write events in bulk (200,000 a file): every index updated a row counts. The history
# is read by event and context only; its copies of these keys need no index.
@tracked(per_statement=True, unindexed=("organization", "place", "verified_by", "created_by"))
@checked
class Event(Owned):
    # Read by organisation through event_org_start_idx (organisation first): no index of its own.
    organization = models.ForeignKey(
        "displacement.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation"),
        db_index=False,
    )
    updated_at = updated_at_field()
    title = models.CharField(_("title"), max_length=300)
    external_id = models.CharField(
        _("external id"),
        max_length=60,
        blank=True,
        help_text=_("Identifier in the source dataset, e.g. ACLED's event_id_cnty (UKR12345)."),
    )
    description = models.TextField(
        _("description"),
        blank=True,
        help_text=_("What happened, without naming private persons."),
    )
    category = models.CharField(_("category"), max_length=20, choices=EventCategory.choices)
    event_type = models.CharField(_("event type"), max_length=40, choices=EventType.choices, blank=True)
    sub_event_type = models.CharField(_("sub-event type"), max_length=50, choices=SubEventType.choices, blank=True)
    displacement_kind = models.CharField(
        _("displacement kind"), max_length=30, choices=DisplacementKind.choices, blank=True
    )
    weapon = models.CharField(_("weapon"), max_length=30, choices=Weapon.choices, blank=True)
    target = models.CharField(_("target"), max_length=30, choices=Target.choices, blank=True)
    start = models.DateField(_("start"), validators=[PAST])
    end = models.DateField(_("end"), null=True, blank=True, validators=[PAST])
    date_precision = models.CharField(
        _("date precision"), max_length=10, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    place = models.ForeignKey(  # read by place through event_place_start_idx (place first)
        "displacement.Place",
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("place"),
        db_index=False,
    )
    geo_precision = models.PositiveSmallIntegerField(
        _("geographic precision"), choices=GeoPrecision.choices, default=GeoPrecision.NEAR
    )
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    killed = models.PositiveIntegerField(_("killed"), null=True, blank=True)
    injured = models.PositiveIntegerField(_("injured"), null=True, blank=True)
    affected = models.PositiveIntegerField(_("people affected"), null=True, blank=True)
    civilian_targeting = models.BooleanField(_("civilians targeted"), default=False)
    actor1 = models.CharField(_("actor 1"), max_length=200, blank=True)
    actor2 = models.CharField(_("actor 2"), max_length=200, blank=True)
    # Database defaults too: bulk loads that name their columns (generate_synthetic) need none.
    assoc_actor1 = models.CharField(
        _("associated actors of actor 1"), max_length=500, blank=True, default="", db_default=""
    )
    assoc_actor2 = models.CharField(
        _("associated actors of actor 2"), max_length=500, blank=True, default="", db_default=""
    )
    inter1 = models.CharField(_("actor 1 type (ACLED inter1)"), max_length=60, blank=True, default="", db_default="")
    inter2 = models.CharField(_("actor 2 type (ACLED inter2)"), max_length=60, blank=True, default="", db_default="")
    origin = models.CharField(
        _("origin"), max_length=10, choices=Origin.choices, default=Origin.STAFF, db_default=Origin.STAFF
    )
    source_timestamp = models.BigIntegerField(
        _("source revision"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The source's own revision time (ACLED's timestamp): an older row never overwrites a newer."),
    )
    import_run = models.ForeignKey(
        "displacement.ImportRun",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("last import run"),
        help_text=_("The import that created or last changed this event."),
    )
    verification_status = models.CharField(
        _("verification"),
        max_length=20,
        choices=VerificationStatus.choices,
        default=VerificationStatus.REPORTED,
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("verification decided by"),
        db_index=False,  # event_verified_by_idx: only the events someone decided on
    )
    verified_at = models.DateTimeField(_("verification decided at"), null=True, editable=False)
    sources = models.ManyToManyField(
        "displacement.Source", blank=True, related_name="events", verbose_name=_("sources")
    )
    caused_by = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="consequences",
        verbose_name=_("caused by"),
        help_text=_("Earlier events this one is a consequence of (an evacuation after shelling)."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        db_index=False,  # event_created_by_idx: partial, a user's events only
        verbose_name=_("created by"),
    )

    class Meta:
        ordering = ["-start", "-id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [
            models.Index(fields=["organization", "-start"], name="event_org_start_idx"),
            page_index(name="event_page_start_idx", column="start"),
            models.Index(fields=["place", "start"], name="event_place_start_idx"),
            models.Index(fields=["event_type", "sub_event_type"], name="event_type_idx"),
            models.Index(fields=["verification_status"], name="event_verification_idx"),
            models.Index(fields=["category", "start"], name="event_category_start_idx"),
            # Partial: a filter names a target, and an imported event (most rows) has none; the
            # users' indexes serve a user's deletion, and most events (imports) name no user.
            models.Index(fields=["target"], condition=~Q(target=""), name="event_target_idx"),
            models.Index(fields=["verified_by"], condition=Q(verified_by__isnull=False), name="event_verified_by_idx"),
            models.Index(fields=["created_by"], condition=Q(created_by__isnull=False), name="event_created_by_idx"),
            GinIndex(SearchVector("title", "description", config="simple"), name="event_fts"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")), name="event_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="event_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="event_longitude_range",
            ),
            models.UniqueConstraint(
                fields=["organization", "external_id"],
                condition=~Q(external_id=""),
                name="event_external_id_unique",
            ),
            models.CheckConstraint(condition=_sub_type_belongs_to_type(), name="event_sub_type_of_type"),
            models.CheckConstraint(
                condition=Q(category=EventCategory.VIOLENCE, displacement_kind="")
                | Q(category=EventCategory.DISPLACEMENT, event_type="", sub_event_type=""),
                name="event_fields_match_category",
            ),
        ]
        # The copies of its columns on the links from testimonies (``link_copies``).
        triggers = link_copies.event_triggers()

    def __str__(self):
        return f"{self.start:%Y-%m-%d} · {self.title}"

    def clean(self):
        errors = {}
        if self.end and self.start and self.end < self.start:
            errors["end"] = _("The end cannot be before the start.")
        if self.category == EventCategory.VIOLENCE:
            if not self.event_type:
                errors["event_type"] = _("A violent event needs an event type.")
            if self.displacement_kind:
                errors["displacement_kind"] = _("Only displacement events have a displacement kind.")
        elif self.category == EventCategory.DISPLACEMENT and (self.event_type or self.sub_event_type):
            errors["event_type"] = _("Displacement events have no ACLED event type.")
        if self.sub_event_type and self.event_type:
            expected = EVENT_TYPE_OF_SUB_TYPE.get(self.sub_event_type)
            if expected != self.event_type:
                errors["sub_event_type"] = _(
                    "“%(sub)s” is not a sub-type of “%(type)s”; it belongs to “%(expected)s”."
                ) % {
                    "sub": SubEventType(self.sub_event_type).label,
                    "type": EventType(self.event_type).label,
                    "expected": EventType(expected).label,
                }
        if errors:
            raise ValidationError(errors)
