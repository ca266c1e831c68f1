"""What the parts of the generated demo volume share: its seed, its calendar, the seeded
generator and its small random helpers."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from displacement.demo import data
from displacement.demo.handwritten import _HandWritten
from displacement.demo.seed import DemoSeedError, DemoSeedResult, DemoVolume
from displacement.models import (
    Event,
    Place,
)

#: The generated volume depends on this seed only.
SEED = 20250509
#: Generated dates fall in this window (the situation is spring 2025; some moves continue).
GEN_FIRST_DAY = date(2025, 1, 6)
GEN_LAST_DAY = date(2026, 6, 30)
#: Households that move more than once leave home for the first time by this day.
GEN_LAST_FIRST_MOVE = date(2025, 9, 30)
GEN_SPRING = (date(2025, 3, 1), date(2025, 5, 8))
GEN_MARKER_TITLE = "Daily situation updates, Donetska oblast military administration"
GEN_NOTE = "Generated demo record."


def _at_noon(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12, 0)))


@dataclass
class _Move:
    origin: Place
    destination: Place
    left_on: date
    arrived_on: date | None
    cause: Event | None


class _GeneratedBase:
    """What the parts of the generated volume share: the seeded generator, the demo's
    organisation and users, the gazetteer's places, small random helpers."""

    def __init__(self, result: DemoSeedResult, seeder: _HandWritten, volume: DemoVolume):
        self.result = result
        self.volume = volume
        self.rng = random.Random(SEED)
        self.organization = seeder.organizations["dpn"]
        self.caseworker = seeder.users["caseworker"]
        self.coordinator = seeder.users["coordinator"]
        self.analyst = seeder.users["analyst"]
        pcodes = {p for _, places in data.GEN_ORIGINS.values() for p, _ in places}
        pcodes |= {p for places in data.GEN_INTERIM.values() for p, _ in places}
        pcodes |= {p for p, _, _ in data.GEN_DESTINATIONS}
        self.places = {p.pcode: p for p in Place.objects.filter(pcode__in=pcodes)}
        expected = {p: n for _, places in data.GEN_ORIGINS.values() for p, n in places}
        expected |= {p: n for places in data.GEN_INTERIM.values() for p, n in places}
        expected |= {p: n for p, n, _ in data.GEN_DESTINATIONS}
        for pcode, name in expected.items():
            place = self.places.get(pcode)
            if place is None or place.name_en != name:
                raise DemoSeedError(f"P-code {pcode} ({name}) does not match the gazetteer.")

    def _created(self, model, n: int) -> None:
        self.result.created[model.__name__] += n

    # Small random helpers ------------------------------------------------------------------

    def _weighted(self, pairs):
        items, weights = zip(*pairs, strict=True)
        return self.rng.choices(items, weights=weights)[0]

    def _day(self, first: date, last: date) -> date:
        return first + timedelta(days=self.rng.randint(0, (last - first).days))

    def _event_day(self) -> date:
        if self.rng.random() < 0.45:
            return self._day(*GEN_SPRING)
        return self._day(GEN_FIRST_DAY, GEN_LAST_DAY)

    def _oblast(self) -> str:
        return self._weighted([(oblast, w) for oblast, (w, _) in data.GEN_ORIGINS.items()])

    def _hromada(self, oblast: str) -> Place:
        pcode, _ = self.rng.choice(data.GEN_ORIGINS[oblast][1])
        return self.places[pcode]

    def _destination(self, *, avoid: set[str]) -> Place:
        choices = [(p, w) for p, _, w in data.GEN_DESTINATIONS if p not in avoid]
        return self.places[self._weighted(choices)]
