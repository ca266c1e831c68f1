"""ACLED's admin1/admin2/admin3/location to the most specific P-code that matches without
ambiguity inside its parent.

Names are compared on a folded form (case, apostrophes, hyphens, spaces, the words "oblast",
"raion", "hromada", "city" and transliteration variants: g/h, y/i/ii/yi, ye/e, zhzh/zh), against
each place's English and Ukrainian names and its aliases (the gazetteer holds ACLED's oblast
spellings as aliases: ``displacement/data/places/ukr_acled_aliases.csv``). A name matching
several children of the same parent (two hromadas called Pokrovska in Nikopolskyi raion) stops
at the parent, flagged. A value that is no place (ACLED writes "Black Sea") places the event at
country level, flagged.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from displacement.models import Place

_DROP = re.compile(r"\b(oblast|raion|rayon|hromada|region|district|municipality)\b|[\s'’ʼ`\-.,()\"]")
_VARIANTS = (("g", "h"), ("zhzh", "zh"), ("y", "i"), ("j", "i"), ("ie", "e"), ("ii", "i"), ("ii", "i"))

#: ACLED's own admin1 names that another place's name would shadow: ACLED's "Kyiv" is the
#: oblast (Kyivska, UA32); the capital is "Kyiv City" (UA80, whose English name is "Kyiv").
ACLED_ADMIN1 = {"Kyiv": "UA32", "Kiev": "UA32"}

#: The endings that make a hromada's name from its centre's (Pokrovsk -> Pokrovska).
_HROMADA_ENDINGS = ("", "a", "ska", "vska", "ka")


def fold(name: str) -> str:
    text = _DROP.sub("", name.casefold())
    for old, new in _VARIANTS:
        text = text.replace(old, new)
    return text


_ACLED_ADMIN1 = {fold(name): pcode for name, pcode in ACLED_ADMIN1.items()}


@dataclass(frozen=True)
class Resolved:
    place_id: int
    level: int
    flag: str | None = None  # why the place is less precise than the row says
    field: str = ""


class PlaceResolver:
    """The gazetteer in memory (a few thousand places), with an answer cache per name tuple."""

    def __init__(self):
        self.children: dict[int | None, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        self.level: dict[int, int] = {}
        self.names: dict[int, str] = {}
        self.by_pcode: dict[str, int] = {}
        self.countries: dict[str, int] = {}
        for pk, parent, level, pcode, name_en, name_uk, aliases in Place.objects.values_list(
            "pk", "parent_id", "admin_level", "pcode", "name_en", "name_uk", "aliases"
        ):
            self.level[pk] = level
            self.names[pk] = f"{name_en} ({pcode})"
            self.by_pcode[pcode] = pk
            for name in {fold(n) for n in (name_en, name_uk, *aliases) if n}:
                self.children[parent][name].append(pk)
                if level == 0:
                    self.countries[name] = pk
        self._cache: dict[tuple, Resolved | None] = {}

    def country(self, name: str) -> int | None:
        if name and (pk := self.countries.get(fold(name))):
            return pk
        return next(iter(self.countries.values())) if len(set(self.countries.values())) == 1 else None

    def _child(self, parent: int, name: str, endings=("",)) -> tuple[int | None, str | None]:
        """The one child of ``parent`` called ``name``; else None and why (None: not found)."""
        folded = fold(name)
        found = {pk for ending in endings for pk in self.children[parent].get(folded + ending, ())}
        if len(found) == 1:
            return found.pop(), None
        if len(found) > 1:
            listed = ", ".join(sorted(self.names[pk] for pk in found))
            return None, f"“{name}” matches {len(found)} places in {self.names[parent]}: {listed}"
        return None, None

    def resolve(self, *, country: str, admin1: str, admin2: str, admin3: str, location: str) -> Resolved | None:
        key = (country, admin1, admin2, admin3, location)
        if key not in self._cache:
            self._cache[key] = self._resolve(*key)
        return self._cache[key]

    def _resolve(self, country, admin1, admin2, admin3, location) -> Resolved | None:
        top = self.country(country)
        if top is None:
            return None
        pcode = _ACLED_ADMIN1.get(fold(admin1))
        oblast = self.by_pcode.get(pcode) if pcode else self._child(top, admin1)[0] if admin1 else None
        if oblast is None:
            where = admin1 or location
            return Resolved(top, 0, f"“{where}” is no place in the gazetteer: imported at country level", "admin1")
        place, level = oblast, 1
        if admin2:
            raion, why = self._child(oblast, admin2)
            if raion is None:
                why = why or f"“{admin2}” is no raion of {self.names[oblast]}"
                return Resolved(place, level, f"{why}: imported at oblast level", "admin2")
            place, level = raion, 2
        if admin3:
            hromada, why = self._child(place, admin3)
            if hromada is None:
                why = why or f"“{admin3}” is no hromada of {self.names[place]}"
                return Resolved(place, level, f"{why}: imported at the level above", "admin3")
            return Resolved(hromada, 3)
        if location and level == 2:
            # No admin3: the location may name the hromada's centre (Pokrovsk: Pokrovska).
            hromada, _ = self._child(place, location, _HROMADA_ENDINGS)
            if hromada is not None:
                return Resolved(hromada, 3)
        return Resolved(place, level)
