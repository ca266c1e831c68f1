"""A synthetic ACLED-shaped event set, for the share of an import that the duplicate pass flags.

Invented, never ACLED's data, but shaped like ACLED's Ukraine coverage where it matters here:
most events in the frontline oblasts, many events a day at the same locations (a town's
coordinates, coded again each day it is shelled), a handful of actors, sub-types in ACLED's
proportions (shelling first), mostly exact dates and places. ACLED codes co-occurring events
(the same day, location, sub-event type and actors) as one event: the set does too, except for
a small share of injected double entries (the same event under two ids), which the pass should
find. Field reports are added beside it: half of them another account of an ACLED event (a
point near it or only its hromada, the same or the next day, the same or a compatible type),
half unrelated.

Pure: the caller gives the hromadas (name, raion name, oblast name, centroid, weight).
"""

from __future__ import annotations

import datetime
import math
import random
from dataclasses import dataclass

START = datetime.date(2022, 2, 24)
DAYS = 1600

#: (event type, sub-event type, share in percent, (actor1, actor2) choices): roughly ACLED's Ukraine mix.
KINDS = [
    ("Explosions/Remote violence", "Shelling/artillery/missile attack", 55, "shelling"),
    ("Explosions/Remote violence", "Air/drone strike", 20, "shelling"),
    ("Battles", "Armed clash", 12, "battle"),
    ("Explosions/Remote violence", "Remote explosive/landmine/IED", 3, "shelling"),
    ("Strategic developments", "Disrupted weapons use", 3, "battle"),
    ("Protests", "Peaceful protest", 3, "protest"),
    ("Violence against civilians", "Attack", 2, "civilians"),
    ("Strategic developments", "Looting/property destruction", 1, "shelling"),
    ("Battles", "Government regains territory", 1, "battle"),
]
RUSSIA, UKRAINE = "Military Forces of Russia (2000-)", "Military Forces of Ukraine (2019-)"
ACTORS = {
    "shelling": [(RUSSIA, "Civilians (Ukraine)"), (RUSSIA, UKRAINE), (RUSSIA, ""), (UKRAINE, RUSSIA)],
    "battle": [(UKRAINE, RUSSIA), (RUSSIA, UKRAINE)],
    "protest": [("Protesters (Ukraine)", "")],
    "civilians": [(RUSSIA, "Civilians (Ukraine)")],
}
WORDS = [
    "shelling",
    "hit",
    "residential",
    "area",
    "village",
    "houses",
    "damaged",
    "drone",
    "strike",
    "morning",
    "evening",
    "artillery",
    "forces",
]


@dataclass(frozen=True)
class Hromada:
    name: str
    raion: str
    oblast: str
    latitude: float
    longitude: float
    weight: float
    place_id: int = 0


@dataclass(frozen=True)
class Location:
    hromada: Hromada
    latitude: float
    longitude: float


@dataclass(frozen=True)
class FieldReport:
    """A staff event; ``account_of`` is the external id of the ACLED event it reports again."""

    account_of: str | None
    hromada: Hromada
    day: datetime.date
    event_type: str
    sub_event_type: str
    latitude: float | None
    longitude: float | None
    description: str


def locations(hromadas: list[Hromada], rng: random.Random) -> tuple[list[Location], list[float]]:
    """One to four locations a hromada (its centre and villages within 10 km), with weights."""
    places, weights = [], []
    for hromada in hromadas:
        for n in range(rng.randint(1, 4)):
            north, east = (0.0, 0.0) if n == 0 else (rng.uniform(-10, 10), rng.uniform(-10, 10))
            lat = hromada.latitude + north / 111.2
            lon = hromada.longitude + east / (111.32 * math.cos(math.radians(hromada.latitude)))
            places.append(Location(hromada, round(lat, 4), round(lon, 4)))
            weights.append(hromada.weight / (n + 1))
    return places, weights


def _notes(rng: random.Random) -> str:
    return " ".join(rng.choices(WORDS, k=rng.randint(8, 20)))


def acled_rows(count: int, hromadas: list[Hromada], *, seed: int = 21, doubles: float = 0.001):
    """``count`` ACLED-shaped rows (dicts of the current layout's columns) and the pairs of
    external ids injected as double entries."""
    rng = random.Random(seed)
    places, weights = locations(hromadas, rng)
    kinds = [k for k in KINDS for _ in range(k[2])]
    taken, rows, twins = set(), [], []
    while len(rows) < count:
        if rows and rng.random() < doubles:
            original = rng.choice(rows)
            row = {**original, "event_id_cnty": f"XUKR{len(rows) + 1:07d}", "notes": _notes(rng)}
            row["timestamp"] = str(1_700_000_000 + len(rows))
            rows.append(row)
            twins.append((original["event_id_cnty"], row["event_id_cnty"]))
            continue
        location = rng.choices(places, weights, k=1)[0]
        event_type, sub_type, _share, actors = rng.choice(kinds)
        actor1, actor2 = rng.choice(ACTORS[actors])
        day = START + datetime.timedelta(days=rng.randrange(DAYS))
        key = (day, location, sub_type, actor1, actor2)
        if key in taken:  # ACLED would have coded it as the same event
            continue
        taken.add(key)
        precision = rng.choices("123", [90, 8, 2])[0]
        geo = rng.choices("123", [85, 13, 2])[0]
        rows.append(
            {
                "event_id_cnty": f"XUKR{len(rows) + 1:07d}",
                "event_date": day.isoformat(),
                "year": str(day.year),
                "time_precision": precision,
                "disorder_type": "Political violence",
                "event_type": event_type,
                "sub_event_type": sub_type,
                "actor1": actor1,
                "actor2": actor2,
                "civilian_targeting": "Civilian targeting" if actor2.startswith("Civilians") else "",
                "iso": "804",
                "region": "Europe",
                "country": "Ukraine",
                "admin1": location.hromada.oblast,
                "admin2": location.hromada.raion,
                "admin3": location.hromada.name,
                "location": location.hromada.name.removesuffix("ska"),
                "latitude": f"{location.latitude:.4f}",
                "longitude": f"{location.longitude:.4f}",
                "geo_precision": geo,
                "source": "Invented Daily",
                "source_scale": "National",
                "notes": _notes(rng),
                "fatalities": rng.choice("0001"),
                "timestamp": str(1_700_000_000 + len(rows)),
                "_hromada": location.hromada,  # not a column: where the field reports place an account
            }
        )
    return rows, twins


def field_reports(rows: list[dict], count: int, hromadas: list[Hromada], *, seed: int = 22) -> list[FieldReport]:
    """``count`` field reports: half accounts of ACLED events of ``rows`` (exact-dated, exactly
    placed ones), within 3 km and a day, or only in their hromada; half unrelated."""
    rng = random.Random(seed)
    exact = [r for r in rows if r["time_precision"] == "1" and r["geo_precision"] == "1"]
    reports = []
    for n in range(count):
        if n % 2 == 0:
            row = rng.choice(exact)
            day = datetime.date.fromisoformat(row["event_date"]) + datetime.timedelta(days=rng.choice([0, 0, 1]))
            lat, lon = float(row["latitude"]), float(row["longitude"])
            if rng.random() < 0.5:
                lat += rng.uniform(-2, 2) / 111.2
                lon += rng.uniform(-2, 2) / (111.32 * math.cos(math.radians(lat)))
            else:
                lat = lon = None  # only the hromada is known
            event_type, sub_type = row["event_type"], row["sub_event_type"]
            if sub_type == "Attack":
                event_type, sub_type = "Explosions/Remote violence", ""  # a compatible type, no sub-type
            reports.append(
                FieldReport(row["event_id_cnty"], row["_hromada"], day, event_type, sub_type, lat, lon,
                            row["notes"][:60] + " reported by residents")
            )  # fmt: skip
        else:
            hromada = rng.choice(hromadas)
            day = START + datetime.timedelta(days=rng.randrange(DAYS))
            event_type, sub_type, _share, _actors = rng.choice(KINDS)
            reports.append(
                FieldReport(None, hromada, day, event_type, sub_type, hromada.latitude, hromada.longitude,
                            _notes(rng))
            )  # fmt: skip
    return reports
