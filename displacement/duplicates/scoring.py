"""The score of a candidate pair, from 0 to 1, and the reasons behind it.

PostgreSQL's keys make a short list; RapidFuzz scores it. Names weigh most (token-sort
similarity of the normalised names, or token-set similarity a little less, for a name given
once with and once without a patronymic); the same phone number, birth year and origin raion
add to it; birth years more than one apart, or different origin raions, take from it (two
people of the same common name are not one person). ``THRESHOLD`` is where suggestions start:
chosen on the labelled set (``labelled``), where it gives recall and precision of at least 0.9
(tests/duplicates/test_quality.py, bench/duplicates.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz

#: Suggestions and the nightly pass keep pairs scoring at least this.
THRESHOLD = 0.75

NAME_WEIGHT = 0.6
PHONE_SAME = 0.2
YEAR_SAME = 0.2
YEAR_CLOSE = 0.12
YEAR_FAR = -0.3
RAION_SAME = 0.1
RAION_OTHER = -0.1


@dataclass(frozen=True)
class Record:
    """What the score reads of a household: never shown, only compared."""

    name_key: str
    phone: str = ""
    birth_year: int | None = None
    raion_id: int | None = None


def name_similarity(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    return max(fuzz.token_sort_ratio(a, b), 0.9 * fuzz.token_set_ratio(a, b)) / 100


def score(a: Record, b: Record) -> tuple[float, dict]:
    """The pair's score and its reasons (a dict of plain values, kept with the candidate)."""
    name = name_similarity(a.name_key, b.name_key)
    total = NAME_WEIGHT * name
    reasons: dict = {"name": round(name, 2)}
    if a.phone and a.phone == b.phone:
        total += PHONE_SAME
        reasons["phone"] = True
    if a.birth_year is not None and b.birth_year is not None:
        apart = abs(a.birth_year - b.birth_year)
        total += YEAR_SAME if apart == 0 else YEAR_CLOSE if apart == 1 else YEAR_FAR
        reasons["years_apart"] = apart
    if a.raion_id is not None and b.raion_id is not None:
        same = a.raion_id == b.raion_id
        total += RAION_SAME if same else RAION_OTHER
        reasons["same_raion"] = same
    return round(max(0.0, min(1.0, total)), 3), reasons
