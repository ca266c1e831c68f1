"""Events placed and dated for the duplicate rules' tests."""

import datetime
from decimal import Decimal

from displacement.models.vocab import EventType, GeoPrecision, Origin, SubEventType
from tests.factories import EventFactory, place

#: A point in Synelnykivskyi raion (UA1214), in the hromada UA1214007, and its neighbours.
LAT, LON = 48.2022, 36.2724
KM_NORTH = 1 / 111.2  # a kilometre in latitude
DAY = datetime.date(2025, 5, 14)  # a Wednesday


def strike(organization, *, km_north: float = 0.0, days: int = 0, **fields):
    """A drone strike placed exactly ``km_north`` of the point, ``days`` after ``DAY``."""
    values = {
        "organization": organization,
        "event_type": EventType.EXPLOSIONS,
        "sub_event_type": SubEventType.AIR_DRONE_STRIKE,
        "start": DAY + datetime.timedelta(days=days),
        "place": place("UA1214007"),
        "geo_precision": GeoPrecision.EXACT,
        "latitude": Decimal(f"{LAT + km_north * KM_NORTH:.6f}"),
        "longitude": Decimal(f"{LON:.6f}"),
        **fields,
    }
    return EventFactory(**values)


def acled(organization, external_id: str, **fields):
    values = {"actor1": "Military Forces of Russia (2000-)", "actor2": "Civilians (Ukraine)", **fields}
    return strike(organization, origin=Origin.ACLED, external_id=external_id, **values)
