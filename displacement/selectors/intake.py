"""What an import of form submissions reads: one query each, for the whole file.

Only the importing organisation's records are ever found: a household code or event reference
of another organisation reads as unknown, in the same words, so an import answers nothing
about other organisations' records.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import F, Lookup, Q
from django.db.models.functions import Lower

from displacement.importers.intake_mapping import Lookups, PlaceRef
from displacement.importers.submissions import ImportedVersion
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


class _AnyOf(Lookup):
    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", [*params, list(self.rhs)]


def any_of(field: str, values) -> Lookup:
    """``field = ANY(%s)``, the values one array parameter: for tens of thousands of values,
    ``IN (%s, %s, ...)`` cost 50 µs a value (Django compiling, PostgreSQL parsing)."""
    return _AnyOf(F(field), list(values))


def imported_submissions(*, organization, stable_ids: Iterable[str]) -> dict[str, FormSubmission]:
    """The organisation's earlier imports of these submissions, by stable id."""
    found = FormSubmission.objects.filter(any_of("stable_id", set(stable_ids)), organization=organization)
    return {row.stable_id: row for row in found}


def imported_versions(*, organization, stable_ids: Iterable[str]) -> dict[str, ImportedVersion]:
    """The version imported of each of these submissions imported before: its digest and what
    orders another version against it."""
    found = FormSubmission.objects.filter(any_of("stable_id", set(stable_ids)), organization=organization)
    return {
        stable_id: ImportedVersion(digest, version_id, tuple(replaced), at)
        for stable_id, digest, version_id, replaced, at in found.values_list(
            "stable_id", "digest", "version_id", "replaced_versions", "version_at"
        )
    }
