"""The dataset's shape: its size, its dates, where events happen and people go, its vocabularies' mixes."""

from __future__ import annotations

import datetime

from displacement.models.vocab import (
    AgeBand,
    EventType,
    Target,
    Weapon,
)

#: The version of what ``generate_synthetic`` writes: raised whenever a change to this package
#: changes its rows, so that a kept dataset (the bench's) is built again. 2: the links carry
#: their testimony's ``updated_at`` (``models.link_copies``).
VERSION = 2
SLUG = "synthetic"
PARTNER_SLUG = "synthetic-partner"
START = datetime.date(2022, 2, 24)
END = datetime.date(2026, 10, 31)

#: Where events happen and people leave from (frontline oblasts first), and where they go.
ORIGIN_WEIGHTS = {
    "UA14": 30,
    "UA63": 22,
    "UA23": 14,
    "UA65": 10,
    "UA59": 7,
    "UA12": 6,
    "UA48": 4,
    "UA74": 3,
    "UA44": 2,
    "UA32": 2,
}
DESTINATION_WEIGHTS = {
    "UA12": 14,
    "UA80": 14,
    "UA46": 10,
    "UA53": 8,
    "UA05": 7,
    "UA32": 7,
    "UA51": 6,
    "UA71": 5,
    "UA26": 5,
    "UA18": 4,
    "UA68": 4,
    "UA56": 4,
    "UA21": 4,
    "UA61": 3,
    "UA07": 3,
    "UA73": 3,
    "UA35": 3,
    "UA63": 3,
}
VIOLENT_TYPES = [EventType.EXPLOSIONS] * 7 + [EventType.BATTLES] * 2 + [EventType.VIOLENCE_AGAINST_CIVILIANS]
EXPLOSION_WEAPONS = [
    Weapon.ARTILLERY,
    Weapon.MLRS,
    Weapon.MISSILE,
    Weapon.GLIDE_BOMB,
    Weapon.FPV_DRONE,
    Weapon.LOITERING_MUNITION,
    Weapon.AERIAL_BOMB,
]
TARGETS = [Target.RESIDENTIAL_BUILDING] * 5 + [
    Target.SCHOOL,
    Target.HEALTH_FACILITY,
    Target.INFRASTRUCTURE,
    Target.MARKET,
    Target.EVACUATION_ROUTE,
    Target.SHELTER,
]
SUMMARIES = [
    "Left after shelling hit the street; stayed with relatives first.",
    "Evacuated by volunteers with two children after the school was struck.",
    "A drone hit the apartment block; the family moved west the next week.",
    "Older couple evacuated by bus from the frontline town.",
    "Left when the water and power stopped after repeated strikes.",
    "Moved again when the front came closer to the first place of refuge.",
]
NARRATIVE = "Synthetic narrative: no real person, no real event. " * 4
CHILD_BANDS = [AgeBand.AGE_0_4, AgeBand.AGE_5_11, AgeBand.AGE_12_17]
