"""Testimonies: what a person told us, the events they speak of, and their consent."""

import pgtrigger
from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import link_copies
from .base import Owned, TimeStamped, page_index, tracked, updated_at_field
from .checks import checked
from .dates import PAST
from .households import new_code
from .vocab import ConsentMethod, ConsentPurpose, Language, Sensitivity, TestimonyRelation, WitnessRole


def new_testimony_code() -> str:
    return new_code("T-", 8)


def _sharing_consent_of(testimony_id: str) -> str:
    """SQL: the testimony at ``testimony_id`` has an active consent to sharing with partners."""
    purpose = ConsentPurpose.SHARING.value
    return (
        "EXISTS (SELECT 1 FROM displacement_consent c"  # noqa: S608 (trigger source, from constants)
        f" WHERE c.testimony_id = {testimony_id} AND c.purpose = '{purpose}' AND c.withdrawn_at IS NULL)"
    )


def _sharing_consent_sync(changed: str) -> str:
    """A consents trigger's body: recompute the column for the testimonies in ``changed`` (SQL
    giving testimony ids). Their rows are locked first, so that the recomputation, a statement
    of its own and so with a fresh snapshot, sees every concurrent change already committed."""
    return f"""
        PERFORM 1 FROM displacement_testimony t WHERE t.id IN ({changed}) ORDER BY t.id FOR UPDATE;
        UPDATE displacement_testimony t SET sharing_consent = NOT t.sharing_consent
         WHERE t.id IN ({changed}) AND t.sharing_consent IS DISTINCT FROM {_sharing_consent_of("t.id")};
        RETURN NULL;
    """  # noqa: S608 (trigger source, written from constants)


def _consents_changed(change: str, operation, *, old: bool = False, new: bool = False) -> pgtrigger.Trigger:
    """The statement trigger on consents that recomputes the column after ``operation``, from
    the consents' rows before (``old``) and after (``new``) it."""
    tables = [name for name, wanted in (("old_consents", old), ("new_consents", new)) if wanted]
    return pgtrigger.Trigger(
        name=f"consent_sharing_{change}",
        level=pgtrigger.Statement,
        when=pgtrigger.After,
        operation=operation,
        referencing=pgtrigger.Referencing(**{name.split("_")[0]: name for name in tables}),
        func=_sharing_consent_sync(" UNION ".join(f"SELECT testimony_id FROM {t}" for t in tables)),  # noqa: S608
    )


#: Testimony's stored full-text search columns.
SEARCH_WORDS = ("summary_words", "narrative_words")


class TestimonyManager(models.Manager):
    """Records without their stored search words, which only full-text search reads, in SQL."""

    def get_queryset(self):
        return super().get_queryset().defer(*SEARCH_WORDS)


@tracked(exclude=["sharing_consent", *SEARCH_WORDS], per_statement=True)
@checked
class Testimony(Owned):
    updated_at = updated_at_field()
    code = models.CharField(_("code"), max_length=20, unique=True, default=new_testimony_code, editable=False)
    recorded_on = models.DateField(_("recorded on"), default=timezone.localdate, validators=[PAST])
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("interviewer"),
    )
    language = models.CharField(_("language"), max_length=10, choices=Language.choices, default=Language.UKRAINIAN)
    witness_role = models.CharField(_("witness role"), max_length=30, choices=WitnessRole.choices)
    household = models.ForeignKey(
        "displacement.Household",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="testimonies",
        verbose_name=_("household"),
    )
    summary = models.CharField(
        _("summary"),
        max_length=500,
        help_text=_("A short summary that names no one and no exact address."),
    )
    narrative = models.TextField(
        _("narrative"),
        blank=True,
        help_text=_("The account in the witness's words. Sensitive."),
    )
    sensitivity = models.CharField(
        _("sensitivity"), max_length=12, choices=Sensitivity.choices, default=Sensitivity.INTERNAL
    )
    # Every partner read tests it, for each row it passes: as a column it is a field of the row
    # being read, where an EXISTS over consents was an index probe per row (about a third of a
    # partner's page time, and half of it for a filter matching rows spread thin). The database
    # keeps it: whatever is written into it is recomputed on every insert and update of the
    # testimony, and every change to consents recomputes it for their testimonies, in the same
    # transaction, so a withdrawal still counts at the next read.
    sharing_consent = models.BooleanField(
        _("consents to sharing with partners"),
        default=False,
        db_default=False,
        editable=False,
        help_text=_("Kept by the database from the testimony's active consents."),
    )
    # The words of the summary and narrative, for full-text search (the API's q), stored: a
    # search walking the page order tests each row it passes, and making a narrative's words
    # anew for each row cost 15 microseconds at 200 characters (a real narrative runs to
    # thousands). The 'simple' configuration suits Ukrainian and English alike. Never loaded
    # with the record (the manager defers them), never copied into history.
    summary_words = models.GeneratedField(
        expression=SearchVector("summary", config="simple"), output_field=SearchVectorField(), db_persist=True
    )
    narrative_words = models.GeneratedField(
        expression=SearchVector("narrative", config="simple"), output_field=SearchVectorField(), db_persist=True
    )
    events = models.ManyToManyField(
        "displacement.Event",
        through="TestimonyEvent",
        blank=True,
        related_name="testimonies",
        verbose_name=_("events"),
    )
    sources = models.ManyToManyField(
        "displacement.Source", blank=True, related_name="testimonies", verbose_name=_("sources")
    )

    objects = TestimonyManager()

    class Meta:
        ordering = ["-recorded_on", "-id"]
        verbose_name = _("testimony")
        verbose_name_plural = _("testimonies")
        indexes = [
            models.Index(fields=["organization", "-recorded_on"], name="testimony_org_recorded_idx"),
            page_index(name="testimony_page_recorded_idx", column="recorded_on"),
            # Whether a household is shared (a partner's households, displacements and cases):
            # one probe of this index, without reading the testimonies. The condition is
            # ``selectors.sharing.sharing_testimony``: a restricted testimony shares nothing.
            models.Index(
                fields=["household"],
                condition=Q(sharing_consent=True) & ~Q(sensitivity=Sensitivity.RESTRICTED),
                name="testimony_sharing_hh_idx",
            ),
            models.Index(fields=["sensitivity"], name="testimony_sensitivity_idx"),
            # Full-text search (the API's q), over the stored words.
            GinIndex(fields=["summary_words"], name="testimony_summary_words"),
            GinIndex(fields=["narrative_words"], name="testimony_narrative_words"),
        ]
        # The vocabularies (language, witness role, sensitivity) are held by the database as by
        # the forms (``checks.checked``): the CSV export writes these columns as they are
        # (``selectors.flat.vocabulary_cell``).
        triggers = [
            pgtrigger.Trigger(
                name="testimony_sharing_consent",
                when=pgtrigger.Before,
                operation=pgtrigger.Insert | pgtrigger.Update,
                func=f"NEW.sharing_consent := {_sharing_consent_of('NEW.id')}; RETURN NEW;",
            ),
            *link_copies.testimony_triggers(),
        ]

    def __str__(self):
        return f"{self.code} · {self.recorded_on:%Y-%m-%d}"


@tracked(exclude=link_copies.UNRECORDED, per_statement=True)
@checked
class TestimonyEvent(link_copies.LinkCopies):
    # Both indexed with another column first (Meta), not alone.
    testimony = models.ForeignKey(Testimony, on_delete=models.CASCADE, related_name="event_links", db_index=False)
    event = models.ForeignKey(
        "displacement.Event", on_delete=models.PROTECT, related_name="testimony_links", db_index=False
    )
    relation = models.CharField(_("relation"), max_length=30, choices=TestimonyRelation.choices)
    # Copies of the event's and the testimony's columns: ``link_copies.LinkCopies``.

    class Meta:
        verbose_name = _("event spoken of")
        verbose_name_plural = _("events spoken of")
        indexes = [
            # From events to the testimonies that speak of them without reading the links
            # (an index-only scan): the API's filters on testimonies through their events.
            models.Index(fields=["event", "testimony"], name="testimony_event_by_event_idx"),
            *link_copies.link_indexes(),
        ]
        constraints = [link_copies.link_unique()]
        triggers = [link_copies.link_trigger()]

    def __str__(self):
        return f"{self.testimony.code} {self.get_relation_display()} {self.event_id}"


@tracked(per_statement=True)
@checked
class Consent(TimeStamped):
    """Consent for one purpose. Withdrawal is recorded, never deleted."""

    testimony = models.ForeignKey(Testimony, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=30, choices=ConsentPurpose.choices)
    method = models.CharField(
        _("how it was given"), max_length=20, choices=ConsentMethod.choices, default=ConsentMethod.VERBAL
    )
    given_on = models.DateField(_("given on"), default=timezone.localdate, validators=[PAST])
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("recorded by"),
    )
    scope = models.CharField(_("scope and conditions"), max_length=300, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("withdrawal recorded by"),
    )
    withdrawal_reason = models.CharField(_("withdrawal reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["purpose", "-given_on"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        indexes = [models.Index(fields=["purpose", "withdrawn_at"], name="consent_purpose_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["testimony", "purpose"],
                condition=Q(withdrawn_at__isnull=True),
                name="consent_one_active_per_purpose",
                violation_error_message=_("This testimony already has an active consent for that purpose."),
            ),
        ]
        # Testimony.sharing_consent, for every kind of change (a statement's rows at once).
        triggers = [
            _consents_changed("inserted", pgtrigger.Insert, new=True),
            _consents_changed("updated", pgtrigger.Update, old=True, new=True),
            _consents_changed("deleted", pgtrigger.Delete, old=True),
            pgtrigger.Trigger(
                name="consent_sharing_truncated",
                level=pgtrigger.Statement,
                when=pgtrigger.After,
                operation=pgtrigger.Truncate,
                func="UPDATE displacement_testimony SET sharing_consent = false WHERE sharing_consent; RETURN NULL;",
            ),
        ]

    def __str__(self):
        state = _("withdrawn") if self.withdrawn_at else _("active")
        return f"{self.get_purpose_display()} ({state})"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None

    def clean(self):
        if self.withdrawn_at and self.given_on and self.withdrawn_at.date() < self.given_on:
            raise ValidationError({"withdrawn_at": _("Consent cannot be withdrawn before it was given.")})
