"""Users, organisations and the role each user holds in one organisation."""

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import TimeStamped, tracked
from .checks import checked
from .vocab import OrganizationKind, Role, VerificationStatus


# Who may do what (is_superuser, is_active, is_staff; the role is the membership's) has a
# history; the password hash and the time of the last sign-in do not.
@tracked(exclude=["password", "last_login"], unrecorded=["password", "last_login"])
@checked
class User(AbstractUser):
    """A staff member or a partner's user. Casework rights come from the membership."""

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def organization(self):
        membership = getattr(self, "membership", None)
        return membership.organization if membership else None

    @property
    def role(self):
        membership = getattr(self, "membership", None)
        return membership.role if membership else None


@tracked
@checked
class Organization(TimeStamped):
    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    code = models.CharField(
        _("case reference prefix"),
        max_length=12,
        unique=True,
        validators=[RegexValidator(r"^[A-Z]{2}(-[A-Z0-9]{2,5})?$", _("Use a form like UA-DNP."))],
        help_text=_("Prefix of this organisation's case references, e.g. UA-DNP."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=OrganizationKind.choices, default=OrganizationKind.NGO)
    acled_verification_status = models.CharField(
        _("verification of imported ACLED events"),
        max_length=20,
        choices=VerificationStatus.choices,
        default=VerificationStatus.REPORTED,
        db_default=VerificationStatus.REPORTED,
        help_text=_("The verification status an event imported from ACLED starts with."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name


@tracked
@checked
class Membership(TimeStamped):
    """The one organisation a user works for, and their role in it."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="membership", verbose_name=_("user"))
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        ordering = ["organization", "user__username"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.organization}"
