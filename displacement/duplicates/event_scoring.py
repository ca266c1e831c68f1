"""The score of a candidate duplicate event pair, from 0 to 1, and why.

Every pair that PostgreSQL finds within the windows (``services.event_duplicates``) is a
candidate; the score only orders the coordinators' queue. It weighs how close the two are in
space and time (measured at the coarser precision of the two), whether their types and targets
agree, and how alike their descriptions are (RapidFuzz's token-set similarity, which ignores
word order and a description that repeats the other with more detail).
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, utils

PLACE_WEIGHT = 0.25
TIME_WEIGHT = 0.25
TYPE_WEIGHT = 0.15
TARGET_WEIGHT = 0.10
TEXT_WEIGHT = 0.25

#: How much agreement each level of place gives (a point at 0 km gives 1).
LEVEL_AGREEMENT = {"raion": 0.5, "oblast": 0.25}
TYPE_AGREEMENT = {"same_sub_type": 1.0, "same_type": 0.7, "compatible": 0.4}
TARGET_AGREEMENT = {"same": 1.0, "unknown": 0.5, "different": 0.0}
#: Descriptions: the agreement given when one of the two has none.
TEXT_UNKNOWN = 0.5
#: Descriptions are compared on their first characters only (ACLED's notes are short).
TEXT_LENGTH = 1000


@dataclass(frozen=True)
class PairFacts:
    """What the database measured of a pair."""

    level: str  # "point", "raion" or "oblast": the coarser of the two events' places
    km: float | None  # between the two points (level "point" only)
    days_apart: int  # between their date windows (0 when they overlap)
    both_days_exact: bool
    types: str  # "same_sub_type", "same_type" or "compatible"
    target: str  # "same", "unknown" or "different"


def text_similarity(first: str, second: str) -> float | None:
    """How alike two descriptions are, 0 to 1; None when one of them is empty."""
    first, second = (utils.default_process(t[:TEXT_LENGTH]) for t in (first or "", second or ""))
    if not first or not second:
        return None
    return fuzz.token_set_ratio(first, second) / 100


def score(facts: PairFacts, *, km_window: float, days_window: int, text: float | None) -> tuple[float, dict]:
    """The score of a pair and the reasons shown to the coordinator."""
    if facts.level == "point":
        place = max(0.0, 1 - (facts.km or 0.0) / (2 * km_window))
    else:
        place = LEVEL_AGREEMENT[facts.level]
    time = max(0.0, 1 - facts.days_apart / (days_window + 1))
    if not facts.both_days_exact:
        time *= 0.5
    value = (
        PLACE_WEIGHT * place
        + TIME_WEIGHT * time
        + TYPE_WEIGHT * TYPE_AGREEMENT[facts.types]
        + TARGET_WEIGHT * TARGET_AGREEMENT[facts.target]
        + TEXT_WEIGHT * (TEXT_UNKNOWN if text is None else text)
    )
    reasons = {
        "level": facts.level,
        "days_apart": facts.days_apart,
        "types": facts.types,
        "target": facts.target,
    }
    if facts.km is not None:
        reasons["km"] = round(facts.km, 2)
    if text is not None:
        reasons["description"] = round(text, 2)
    return round(value, 4), reasons
