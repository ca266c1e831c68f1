"""Reads of import profiles: the organisation's own, through the access gate."""

from __future__ import annotations

from django.db.models import QuerySet

from displacement.models import ImportProfile, Place
from displacement.selectors.access import scoped


def import_profiles(who) -> QuerySet[ImportProfile]:
    """The profiles ``who`` (a user or a Viewer) may read and use: their organisation's, for coordinators."""
    return scoped(ImportProfile, who)


def import_profile_named(*, organization, name: str) -> ImportProfile:
    """The organisation's profile called ``name``, for an import run by the organisation
    (a command's ``--profile``). Raises ``ImportProfile.DoesNotExist`` naming those it has."""
    profile = ImportProfile.objects.filter(organization=organization, name=name).first()
    if profile is None:
        names = list(ImportProfile.objects.filter(organization=organization).values_list("name", flat=True))
        listed = ", ".join(repr(n) for n in names) if names else "none yet"
        raise ImportProfile.DoesNotExist(f"{organization} has no import profile {name!r} (its profiles: {listed}).")
    return profile


def known_pcodes(pcodes: dict[str, int]) -> set[str]:
    """Which of ``pcodes`` (P-code -> the admin level it must have) the gazetteer has at that level."""
    rows = Place.objects.filter(pcode__in=list(pcodes)).values_list("pcode", "admin_level")
    return {pcode for pcode, level in rows if pcodes[pcode] == level}
