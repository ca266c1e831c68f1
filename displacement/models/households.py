"""Households and their members, under pseudonymous codes; direct identifiers live apart."""

import secrets

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import ChoiceArrayField, Owned, TimeStamped, tracked
from .checks import checked
from .dates import PAST
from .vocab import AgeBand, Relationship, Sex, Vulnerability

# No 0/O or 1/I: codes are read aloud over bad phone lines.
_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def new_code(prefix: str, length: int = 7) -> str:
    return prefix + "".join(secrets.choice(_CODE_ALPHABET) for _ in range(length))


def new_codes(prefix: str, count: int, length: int = 7) -> list[str]:
    """``count`` codes at once (bulk writes): the same alphabet and randomness as ``new_code``,
    from one read of the system's random source (32 letters: each byte's last 5 bits are uniform)."""
    data = secrets.token_bytes(count * length)
    return [prefix + "".join(_CODE_ALPHABET[b & 31] for b in data[i * length : (i + 1) * length]) for i in range(count)]


def new_household_code() -> str:
    return new_code("HH-")


def new_person_code() -> str:
    return new_code("P-")


@tracked(per_statement=True)  # imports of form submissions write them in bulk
@checked
class Household(Owned):
    code = models.CharField(
        _("code"),
        max_length=20,
        unique=True,
        default=new_household_code,
        editable=False,
        help_text=_("Pseudonymous code; never derived from a name."),
    )
    current_place = models.ForeignKey(
        "displacement.Place",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("current location"),
    )
    legal_hold = models.BooleanField(
        _("legal hold"),
        default=False,
        help_text=_("Keep identifiers beyond the retention period (court case, ongoing search)."),
    )
    notes = models.TextField(_("notes"), blank=True, help_text=_("No names, phones or addresses here."))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("registered by"),
        help_text=_("A caseworker takes on the first case of a household they registered."),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("household")
        verbose_name_plural = _("households")
        indexes = [
            models.Index(fields=["organization", "-created_at"], name="household_org_created_idx"),
        ]

    def __str__(self):
        return self.code


@tracked(per_statement=True)
@checked
class Person(TimeStamped):
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="members", verbose_name=_("household")
    )
    code = models.CharField(_("code"), max_length=20, unique=True, default=new_person_code, editable=False)
    relationship = models.CharField(
        _("relationship to head of household"),
        max_length=20,
        choices=Relationship.choices,
        default=Relationship.HEAD,
    )
    age_band = models.CharField(_("age band"), max_length=10, choices=AgeBand.choices)
    sex = models.CharField(_("sex"), max_length=12, choices=Sex.choices)
    vulnerabilities = ChoiceArrayField(
        models.CharField(max_length=30, choices=Vulnerability.choices),
        default=list,
        blank=True,
        verbose_name=_("vulnerabilities"),
    )

    class Meta:
        ordering = ["household", "id"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [models.Index(fields=["age_band"], name="person_age_band_idx")]

    def __str__(self):
        return f"{self.code} ({self.get_age_band_display()}, {self.get_sex_display()})"


def _db_function(name: str, *args, output_field):
    return models.Func(*args, function=name, output_field=output_field)


@tracked(
    per_statement=True,
    exclude=[
        "full_name",
        "phone",
        "address",
        "date_of_birth",
        "document_numbers",
        "name_key",
        "phone_e164",
        "match_keys",
    ],
)
@checked
class ContactDetails(TimeStamped):
    """Direct identifiers of a household. Never leaves the owning organisation."""

    household = models.OneToOneField(
        Household,
        on_delete=models.CASCADE,
        related_name="contact_details",
        verbose_name=_("household"),
    )
    full_name = models.CharField(_("full name of the contact person"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    address = models.TextField(_("exact address"), blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True, validators=[PAST])
    document_numbers = models.TextField(_("document numbers"), blank=True)
    # Kept by PostgreSQL from the identifiers (functions of migration 0026, written from
    # displacement/duplicates): blanked with them by a purge, never in the history.
    name_key = models.GeneratedField(
        expression=_db_function("dsp_name_key", models.F("full_name"), output_field=models.TextField()),
        output_field=models.TextField(),
        db_persist=True,
        verbose_name=_("normalised name"),
    )
    phone_e164 = models.GeneratedField(
        expression=_db_function("dsp_phone_e164", models.F("phone"), output_field=models.TextField()),
        output_field=models.TextField(),
        db_persist=True,
        verbose_name=_("phone (E.164)"),
    )
    match_keys = models.GeneratedField(
        expression=_db_function(
            "dsp_match_keys",
            _db_function("dsp_name_key", models.F("full_name"), output_field=models.TextField()),
            _db_function("dsp_phone_e164", models.F("phone"), output_field=models.TextField()),
            output_field=ArrayField(models.TextField()),
        ),
        output_field=ArrayField(models.TextField()),
        db_persist=True,
        verbose_name=_("duplicate keys"),
    )
    purged_at = models.DateTimeField(
        _("identifiers removed at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Set when the retention job removes these identifiers."),
    )

    class Meta:
        verbose_name = _("contact details")
        verbose_name_plural = _("contact details")
        indexes = [
            GinIndex(fields=["match_keys"], name="contact_match_keys_idx", fastupdate=False),
            models.Index(fields=["phone_e164"], name="contact_phone_e164_idx"),
        ]

    def __str__(self):
        return _("Contact details of %(household)s") % {"household": self.household.code}
