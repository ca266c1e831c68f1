"""The nightly pass over households, and a coordinator's answers to its candidates."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from displacement import models as m
from displacement.duplicates.scoring import THRESHOLD, Record, score
from displacement.selectors.access import Viewer
from displacement.selectors.duplicates import RAION_OF_HOUSEHOLD
from displacement.services.acting import acting
from displacement.services.household_merge import household_merge

#: A key shared by more households than this says little (a very common name): skipped.
BUCKET_CAP = 1000

# Households sharing a key form a bucket, with their birth years. A pair born more than a year
# apart, or without a birth year, cannot reach the threshold on its name alone (``scoring``;
# tested), only with the same phone: so name buckets pair only households born at most a year
# apart, phone buckets every two households.
_BUCKETS = f"""
SELECT h.organization_id, k.key LIKE 'tel:%%',
       array_agg(cd.household_id), array_agg(extract(year FROM cd.date_of_birth)::int)
FROM displacement_contactdetails cd
JOIN displacement_household h ON h.id = cd.household_id
CROSS JOIN LATERAL unnest(cd.match_keys) AS k(key)
WHERE cd.purged_at IS NULL
  AND (k.key LIKE 'tel:%%' OR cd.date_of_birth IS NOT NULL)
  AND (%(organization)s::bigint IS NULL OR h.organization_id = %(organization)s)
GROUP BY h.organization_id, k.key
HAVING count(*) BETWEEN 2 AND {BUCKET_CAP}
"""  # noqa: S608 (from constants)


def _bucket_pairs(households: list[int], years: list[int | None], *, phone: bool):
    """The pairs (smaller id first) of a bucket worth scoring."""
    if phone:
        yield from combinations(sorted(set(households)), 2)
        return
    members = sorted(zip(years, households, strict=True))
    start = 0
    for i, (year, household) in enumerate(members):
        while members[start][0] < year - 1:
            start += 1
        for _year, other in members[start:i]:
            if other != household:
                yield (min(household, other), max(household, other))


_RECORDS = f"""
SELECT cd.household_id, cd.name_key, cd.phone_e164, extract(year FROM cd.date_of_birth)::int,
       ({RAION_OF_HOUSEHOLD.format(household="cd.household_id")})
FROM displacement_contactdetails cd WHERE cd.household_id = ANY(%s)
"""  # noqa: S608 (from constants)


@dataclass(frozen=True)
class PassResult:
    found: int
    new: int


def household_duplicates_find(*, organization: m.Organization | None = None) -> PassResult:
    """Find the candidate duplicates of every organisation (or one), in one transaction:
    new pairs join the queue, pairs still waiting get their new score, pairs that no longer
    score enough leave it; answered pairs are kept as answered."""
    with transaction.atomic(), acting(command="find_duplicates"):
        pairs: dict[int, set[tuple[int, int]]] = defaultdict(set)
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '256MB'")
            cursor.execute("SET LOCAL jit = off")  # compiling took longer than these queries
            cursor.execute(_BUCKETS, {"organization": organization.pk if organization else None})
            for organization_id, phone, households, years in cursor:
                pairs[organization_id].update(_bucket_pairs(households, years, phone=phone))
            ids = sorted({h for found in pairs.values() for pair in found for h in pair})
            cursor.execute(_RECORDS, [ids])
            records = {row[0]: Record(row[1], row[2], row[3], row[4]) for row in cursor}
        now = timezone.now()
        rows = []
        for organization_id, found in pairs.items():
            for a, b in found:
                value, reasons = score(records[a], records[b])
                if value >= THRESHOLD:
                    rows.append(
                        m.HouseholdDuplicateCandidate(
                            organization_id=organization_id,
                            household_id=a,
                            other_id=b,
                            score=value,
                            reasons=reasons,
                            created_at=now,
                            updated_at=now,
                        )
                    )
        pending = m.HouseholdDuplicateCandidate.objects.filter(status=m.DuplicateStatus.PENDING)
        if organization is not None:
            pending = pending.filter(organization=organization)
        before = set(pending.values_list("household_id", "other_id"))
        kept = {(r.household_id, r.other_id) for r in rows}
        stale = before - kept
        if stale:
            pending.filter(pk__in=[c.pk for c in pending if (c.household_id, c.other_id) in stale]).delete()
        known = set(
            m.HouseholdDuplicateCandidate.objects.exclude(status=m.DuplicateStatus.PENDING).values_list(
                "household_id", "other_id"
            )
        )
        rows = [r for r in rows if (r.household_id, r.other_id) not in known]
        m.HouseholdDuplicateCandidate.objects.bulk_create(
            rows,
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["household", "other"],
            update_fields=["score", "reasons", "updated_at"],
        )
    return PassResult(found=len(rows), new=len(kept - before - known))


@transaction.atomic
def household_duplicate_answer(*, candidate: m.HouseholdDuplicateCandidate, by, answer: str):
    """A coordinator's answer: ``merged`` merges the pair (the older household survives),
    ``distinct`` remembers that they are two families (never asked again)."""
    viewer = Viewer.of(by)
    if not viewer.is_coordinator or candidate.organization_id != viewer.organization.pk:
        raise PermissionDenied(_("Only a coordinator of the organisation answers possible duplicates."))
    current = m.HouseholdDuplicateCandidate.objects.select_for_update().filter(pk=candidate.pk).first()
    if current is None or current.status != m.DuplicateStatus.PENDING:
        raise ValidationError(_("This pair has already been answered."))
    if answer == m.DuplicateStatus.MERGED:
        return household_merge(survivor=current.household, merged=current.other, by=viewer.user)
    if answer != m.DuplicateStatus.DISTINCT:
        raise ValidationError(_("Answer “merged” or “distinct”."))
    current.status = answer
    current.decided_by = viewer.user
    current.decided_at = timezone.now()
    with acting(viewer.user):
        current.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    return current
