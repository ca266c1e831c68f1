"""Likely existing households: found by PostgreSQL's keys, scored by RapidFuzz, shown through
the access gate.

``household_candidates`` is internal (ids, scores and reasons, no identifier leaves it);
``household_suggestions`` is what a person registering a household sees: names only for
households whose identifiers they may read (``Viewer.sees_identifiers_of``), otherwise that a
likely duplicate exists and whom to ask (its caseworker, or the organisation's coordinators by
name).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils.translation import gettext as _

from displacement import models as m
from displacement.duplicates.keys import match_keys
from displacement.duplicates.names import name_key
from displacement.duplicates.phones import phone_e164
from displacement.duplicates.scoring import THRESHOLD, Record, score
from displacement.models.vocab import CaseStatus, Role
from displacement.selectors.access import Viewer

#: At most this many rows sharing a key are scored for one new household.
SHORT_LIST = 500

#: A household's origin raion: the raion of its first displacement's origin (hromadas are
#: level 3, raions level 2).
RAION_OF_HOUSEHOLD = """
SELECT CASE p.admin_level WHEN 2 THEN p.id WHEN 3 THEN p.parent_id END
FROM displacement_displacement d JOIN displacement_place p ON p.id = d.origin_id
WHERE d.household_id = {household} ORDER BY d.left_on, d.id LIMIT 1
"""

# The organisation is tested per row found by the keys (an index lookup each): a join let the
# planner read every household of the organisation to hash them, for a handful of rows.
_CANDIDATES = f"""
SELECT cd.household_id, cd.name_key, cd.phone_e164, extract(year FROM cd.date_of_birth)::int,
       ({RAION_OF_HOUSEHOLD.format(household="cd.household_id")})
FROM displacement_contactdetails cd
WHERE cd.match_keys && %s::text[] AND cd.household_id <> %s
  AND (SELECT h.organization_id FROM displacement_household h WHERE h.id = cd.household_id) = %s
LIMIT {SHORT_LIST}
"""  # noqa: S608 (from constants)


@dataclass(frozen=True)
class Candidate:
    household_id: int
    score: float
    reasons: dict


def raion_of(place_id: int | None) -> int | None:
    """The raion a place lies in (itself if a raion), or None above or without one."""
    if not place_id:
        return None
    place = m.Place.objects.filter(pk=place_id).values("admin_level", "parent_id").first()
    if place is None:
        return None
    return {2: place_id, 3: place["parent_id"]}.get(place["admin_level"])


def household_candidates(
    *,
    organization_id: int,
    full_name: str,
    phone: str = "",
    date_of_birth: datetime.date | None = None,
    origin_id: int | None = None,
    exclude_household_id: int | None = None,
    limit: int = 5,
) -> list[Candidate]:
    """The organisation's households most likely to be this one, best first, above the
    threshold. Internal: callers show them through ``household_suggestions``."""
    record = Record(name_key(full_name), phone_e164(phone), date_of_birth.year if date_of_birth else None)
    keys = match_keys(record.name_key, record.phone)
    if not keys:
        return []
    record = Record(record.name_key, record.phone, record.birth_year, raion_of(origin_id))
    with transaction.atomic(), connection.cursor() as cursor:
        # The planner cannot tell how few rows share a key, and a cost that high starts its
        # JIT compiler: half a second for a query of a millisecond.
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(_CANDIDATES, [sorted(keys), exclude_household_id or 0, organization_id])
        rows = cursor.fetchall()
    found = []
    for household_id, key, phone_key, year, raion in rows:
        value, reasons = score(record, Record(key, phone_key, year, raion))
        if value >= THRESHOLD:
            found.append(Candidate(household_id, value, reasons))
    found.sort(key=lambda c: (-c.score, c.household_id))
    return found[:limit]


def contact_details_of(household_ids: list[int]) -> list[int]:
    """The ids of these households' contact details (for the access log of what was shown)."""
    return list(m.ContactDetails.objects.filter(household_id__in=household_ids).values_list("pk", flat=True))


def _whom_to_ask(household_ids: list[int]) -> dict[int, str]:
    cases = (
        m.Case.objects.filter(household_id__in=household_ids, assigned_to__isnull=False)
        .exclude(status=CaseStatus.CLOSED)
        .values_list("household_id", "assigned_to__username", "assigned_to__first_name", "assigned_to__last_name")
    )
    return {h: (f"{first} {last}".strip() or username) for h, username, first, last in cases}


#: At most this many coordinators are named to someone who may not read a candidate's names.
COORDINATORS_NAMED = 3


def _coordinators(organization) -> str:
    """The names of the organisation's active coordinators, for whom to ask."""
    rows = (
        m.Membership.objects.filter(organization=organization, role=Role.COORDINATOR, user__is_active=True)
        .order_by("user__last_name", "user__username")
        .values_list("user__username", "user__first_name", "user__last_name")[:COORDINATORS_NAMED]
    )
    return ", ".join(f"{first} {last}".strip() or username for username, first, last in rows)


def household_suggestions(*, viewer, candidates: list[Candidate]) -> list[dict]:
    """What the person registering sees of each candidate: its code and the name and phone
    on record when they may read its identifiers; otherwise only whom to ask."""
    viewer = Viewer.of(viewer)
    if not viewer.can_write:
        return []
    ids = [c.household_id for c in candidates]
    details = {
        d["household_id"]: d
        for d in m.ContactDetails.objects.filter(household_id__in=ids).values("household_id", "full_name", "phone")
    }
    codes = dict(m.Household.objects.filter(pk__in=ids, organization=viewer.organization).values_list("pk", "code"))
    ask = _whom_to_ask(ids)
    coordinators = None  # read once, only if someone must be told to ask one
    out = []
    for candidate in candidates:
        if candidate.household_id not in codes:
            continue
        if viewer.sees_identifiers_of(candidate.household_id):
            row = details.get(candidate.household_id, {})
            out.append(
                {
                    "household": codes[candidate.household_id],
                    "household_id": candidate.household_id,
                    "full_name": row.get("full_name", ""),
                    "phone": row.get("phone", ""),
                    "score": candidate.score,
                    "reasons": candidate.reasons,
                }
            )
        else:
            caseworker = ask.get(candidate.household_id)
            if caseworker:
                text = _("A likely existing household: ask its caseworker, %(name)s, or a coordinator.") % {
                    "name": caseworker
                }
            else:
                coordinators = _coordinators(viewer.organization) if coordinators is None else coordinators
                text = (
                    _("A likely existing household: ask a coordinator, %(names)s.") % {"names": coordinators}
                    if coordinators
                    else _("A likely existing household: ask a coordinator.")
                )
            out.append({"score": candidate.score, "ask": text})
    return out
