"""Reads of the gazetteer: lookups by P-code or by name, never silently guessing."""

from __future__ import annotations

import time

from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from displacement.importers.intake_form import FormPlace
from displacement.models import Place


class AmbiguousPlace(Exception):
    """A name matched several places; ``candidates`` lists them so a person can choose."""

    def __init__(self, name: str, candidates: list[Place]):
        self.name = name
        self.candidates = candidates
        listed = "; ".join(f"{p.pcode} {p.name_en} (in {p.parent.name_en if p.parent else '-'})" for p in candidates)
        super().__init__(f"{name!r} matches {len(candidates)} places: {listed}")


#: How long a process trusts what it read of the gazetteer (loaded rarely, in bulk, elsewhere).
TREE_SECONDS = 300
_trees: dict[tuple[str, int], tuple[tuple[int, list[int] | None] | None, float]] = {}


def place_tree(pcode: str, *, limit: int) -> tuple[int, list[int] | None] | None:
    """The admin level of the place with ``pcode`` and the ids of it and every place below it
    (None for more than ``limit``); None if the P-code is unknown. Cached per process: every
    filtered API request asks, and the gazetteer changes only when it is reloaded."""
    key = (pcode, limit)
    tree, until = _trees.get(key, (None, 0.0))
    if until < time.monotonic():
        places = list(place_subtree(pcode).order_by("pcode").values_list("pk", "pcode", "admin_level")[: limit + 1])
        # The place itself sorts first: a P-code is a prefix of those below it.
        if not places or places[0][1] != pcode:
            tree = None
        else:
            tree = (places[0][2], [pk for pk, _, _ in places] if len(places) <= limit else None)
        if len(_trees) > 100_000:  # more than there are places: someone is probing
            _trees.clear()
        _trees[key] = (tree, time.monotonic() + TREE_SECONDS)
    return tree


#: How long a process keeps a place's oblast and raion (names change rarely; new places miss).
GENERALISED_SECONDS = 3600
NO_PLACE = {"adm1_pcode": None, "adm1_name": None, "adm2_pcode": None, "adm2_name": None}
_generalised: dict[int, tuple[dict, float, str]] = {}


def generalised_places(place_ids) -> dict[int, tuple[dict, float, str]]:
    """For each place in ``place_ids``: its oblast and raion (P-code and English name), never
    the hromada, which is what partners see of a place; until when that is trusted; and its
    own P-code, which staff read (``place_pcode``).
    Cached per process, the misses read in one query, so that pages need no join through
    each place's parents (planning an 8-table join cost more than running it)."""
    now = time.monotonic()
    found: dict[int, tuple[dict, float, str]] = {}
    missing = []
    for pk in {pk for pk in place_ids if pk}:
        entry = _generalised.get(pk)  # one read: another thread may clear the cache meanwhile
        if entry is not None and entry[1] >= now:
            found[pk] = entry
        else:
            missing.append(pk)
    if missing:
        for place in Place.objects.filter(pk__in=missing).select_related("parent__parent__parent"):
            adm1, adm2 = place.ancestor_at(1), place.ancestor_at(2)
            general = {
                "adm1_pcode": adm1.pcode if adm1 else None,
                "adm1_name": adm1.name_en if adm1 else None,
                "adm2_pcode": adm2.pcode if adm2 else None,
                "adm2_name": adm2.name_en if adm2 else None,
            }
            found[place.pk] = (general, now + GENERALISED_SECONDS, place.pcode)
        if len(_generalised) > 200_000:  # more than there are places: ids someone made up
            _generalised.clear()
        _generalised.update((pk, found[pk]) for pk in missing if pk in found)
    return {pk: entry for pk, entry in found.items()}


def place_pcode(place_id: int | None) -> str | None:
    """The exact P-code of ``place_id`` (staff read it), from the same cache."""
    if place_id is None:
        return None
    entry = generalised_places([place_id]).get(place_id)
    return entry[2] if entry else None


def place_subtree(pcode: str) -> QuerySet[Place]:
    """The place with ``pcode`` and every place below it (P-codes nest by prefix)."""
    return Place.objects.filter(pcode__startswith=pcode.strip().upper())


def place_lookup(name: str, *, admin_level: int | None = None, within: str | None = None) -> Place:
    """The one place called ``name`` (its P-code, English or Ukrainian name or an alias, any case).

    Raises Place.DoesNotExist when nothing matches and AmbiguousPlace when several do:
    there are four hromadas called Pokrovska, and picking one would misplace people.
    """
    name = name.strip()
    by_alias = RawSQL(
        "SELECT p.id FROM displacement_place p, unnest(p.aliases) alias WHERE lower(alias) = lower(%s)",
        [name],
    )
    matches = Place.objects.filter(
        Q(pcode__iexact=name) | Q(name_en__iexact=name) | Q(name_uk__iexact=name) | Q(pk__in=by_alias)
    ).select_related("parent")
    if admin_level is not None:
        matches = matches.filter(admin_level=admin_level)
    if within:
        matches = matches.filter(pcode__startswith=within.strip().upper())
    candidates = list(matches.order_by("pcode")[:50])
    if not candidates:
        raise Place.DoesNotExist(f"No place is called {name!r}.")
    if len(candidates) > 1:
        raise AmbiguousPlace(name, candidates)
    return candidates[0]


def form_places() -> list[FormPlace]:
    """Oblasts, raions and hromadas as the intake form lists them (``importers.intake_form``)."""
    rows = (
        Place.objects.filter(admin_level__in=(1, 2, 3))
        .order_by("admin_level", "pcode")
        .values_list("pcode", "admin_level", "parent__pcode", "name_en", "name_uk")
    )
    return [FormPlace(*row) for row in rows]
