"""What an import of form submissions reads: one query each, for the whole file.

Only the importing organisation's records are ever found: a household code or event reference
of another organisation reads as unknown, in the same words, so an import answers nothing
about other organisations' records.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q
from django.db.models.functions import Lower

from displacement.importers.intake_mapping import Lookups, PlaceRef
from displacement.models import Event, FormSubmission, Household, Membership, Place


def intake_lookups(
    *, organization, codes: Iterable[str], references: Iterable[str], usernames: Iterable[str]
) -> Lookups:
    codes = {c.strip().upper() for c in codes if c}
    references = {r.strip() for r in references if r}
    numbers = {int(r) for r in references if r.isdigit()}
    places = {
        pcode: PlaceRef(pk, pcode, level, parent or "", name)
        for pk, pcode, level, parent, name in Place.objects.filter(admin_level__in=(1, 2, 3)).values_list(
            "pk", "pcode", "admin_level", "parent__pcode", "name_en"
        )
    }
    households = (
        dict(Household.objects.filter(organization=organization, code__in=codes).values_list("code", "pk"))
        if codes
        else {}
    )
    events = {}
    if references:
        found = Event.objects.filter(organization=organization).filter(
            Q(external_id__in=references | {r.upper() for r in references}) | Q(pk__in=numbers)
        )
        for pk, external_id in found.values_list("pk", "external_id"):
            events[str(pk)] = pk
            if external_id:
                events[external_id] = pk
    users = {
        username.lower(): pk
        for username, pk in Membership.objects.annotate(name=Lower("user__username"))
        .filter(organization=organization, name__in={u.strip().lower() for u in usernames if u}, user__is_active=True)
        .values_list("user__username", "user_id")
    }
    return Lookups(places=places, households=households, events=events, users=users)


def imported_submissions(*, organization, stable_ids: Iterable[str]) -> dict[str, FormSubmission]:
    """The organisation's earlier imports of these submissions, by stable id."""
    ids = list(set(stable_ids))
    found: dict[str, FormSubmission] = {}
    for start in range(0, len(ids), 20_000):
        for row in FormSubmission.objects.filter(organization=organization, stable_id__in=ids[start : start + 20_000]):
            found[row.stable_id] = row
    return found
