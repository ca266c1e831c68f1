"""Candidate duplicate events: the whole pass, the check of the events a write queued
(``event_duplicate_queue``), a coordinator's answer.

PostgreSQL finds the pairs (``event_duplicate_sql``), RapidFuzz compares their descriptions
and ``duplicates.event_scoring`` scores them; the queue (``EventDuplicateCandidate``) keeps
every pair once, with its answer. See docs/duplicates.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _

from displacement import models as m
from displacement.duplicates.event_scoring import TEXT_LENGTH, PairFacts, score, text_similarity
from displacement.selectors.access import Viewer
from displacement.services import event_duplicate_sql as sql
from displacement.services.acting import acting
from displacement.services.event_merge import event_merge, survivor_of


@dataclass(frozen=True)
class PassResult:
    found: int
    new: int


def _windows() -> tuple[float, int]:
    return float(settings.EVENT_DUPLICATE_KM), int(settings.EVENT_DUPLICATE_DAYS)


def prepare_pairs(cursor, *, organization_id: int | None, ids: list[int] | None, acled_apart: bool = True) -> dict:
    """Fill the temporary table of pairs (``dup_pair``); returns the parameters of ``facts_sql``.
    ``ids``: the events to check (None: the whole pass)."""
    km, days = _windows()
    params = {
        "organization": organization_id,
        "full": ids is None,
        "ids": ids or [],
        "days": days,
        "acled_apart": acled_apart,
    }
    cursor.execute("SET LOCAL work_mem = '256MB'")
    cursor.execute("SET LOCAL jit = off")  # compiling would take longer than these queries
    cursor.execute("DROP TABLE IF EXISTS pg_temp.dup_event, pg_temp.dup_key, pg_temp.dup_probe, pg_temp.dup_pair")
    cursor.execute(sql.events_sql(km=km, compatible=settings.EVENT_DUPLICATE_COMPATIBLE_TYPES), params)
    cursor.execute("ANALYZE dup_event")
    cursor.execute(sql.KEYS)
    cursor.execute(sql.PROBES, params)
    cursor.execute(sql.SHORT_LIST)
    if acled_apart:
        cursor.execute(sql.ACLED_PAIRS)
    cursor.execute("ANALYZE dup_pair")
    return params


def _find_pairs(*, organization_id: int | None, ids: list[int] | None) -> list[tuple]:
    """(organization, event, other, facts) of every pair within the windows."""
    km, _days = _windows()
    with connection.cursor() as cursor:
        params = prepare_pairs(cursor, organization_id=organization_id, ids=ids)
        cursor.execute(sql.facts_sql(km=km), params)
        return [(org, a, b, PairFacts(*facts)) for org, a, b, *facts in cursor]


def _descriptions(ids: set[int]) -> dict[int, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, left(description, {TEXT_LENGTH}) FROM displacement_event WHERE id = ANY(%s)",  # noqa: S608
            [sorted(ids)],
        )
        return dict(cursor.fetchall())


def _candidates(pairs: list[tuple]) -> list[m.EventDuplicateCandidate]:
    km, days = _windows()
    texts = _descriptions({e for _, a, b, _ in pairs for e in (a, b)})
    now = timezone.now()
    rows = []
    for organization_id, a, b, facts in pairs:
        value, reasons = score(
            facts, km_window=km, days_window=days, text=text_similarity(texts.get(a, ""), texts.get(b, ""))
        )
        rows.append(
            m.EventDuplicateCandidate(
                organization_id=organization_id,
                event_id=a,
                other_id=b,
                score=value,
                reasons=reasons,
                created_at=now,
                updated_at=now,
            )
        )
    return rows


def _store(rows: list[m.EventDuplicateCandidate], pending) -> PassResult:
    """Rows join the queue (or update the pending pair's score); pending pairs of ``pending``
    not found again leave it; answered pairs stay as answered, never asked again."""
    found = {(r.event_id, r.other_id) for r in rows}
    stale = [pk for pk, a, b in pending.values_list("pk", "event_id", "other_id") if (a, b) not in found]
    before = set(pending.values_list("event_id", "other_id"))
    if stale:
        m.EventDuplicateCandidate.objects.filter(pk__in=stale).delete()
    answered = set(
        m.EventDuplicateCandidate.objects.exclude(status=m.DuplicateStatus.PENDING)
        .filter(event_id__in=RawSQL("SELECT unnest(%s::bigint[])", [sorted({a for a, _ in found})]))
        .values_list("event_id", "other_id")
    )
    rows = [r for r in rows if (r.event_id, r.other_id) not in answered]
    m.EventDuplicateCandidate.objects.bulk_create(
        rows,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["event", "other"],
        update_fields=["score", "reasons", "updated_at"],
    )
    kept = {(r.event_id, r.other_id) for r in rows}
    return PassResult(found=len(kept), new=len(kept - before))


def event_duplicates_find(*, organization: m.Organization | None = None) -> PassResult:
    """The whole pass over every organisation's events (or one's), in one transaction."""
    with transaction.atomic(), acting(command="find_duplicates"):
        organization_id = organization.pk if organization else None
        rows = _candidates(_find_pairs(organization_id=organization_id, ids=None))
        pending = m.EventDuplicateCandidate.objects.filter(status=m.DuplicateStatus.PENDING)
        if organization is not None:
            pending = pending.filter(organization=organization)
        return _store(rows, pending)


#: A check of more events than this (a large import) runs the whole pass of their organisations
#: instead: one set of joins over every event is faster than probing each written one (bench:
#: 17 s for the whole pass over 204,000 events, 33 s or more for a check of 200,000 of them).
WHOLE_PASS_ABOVE = 20_000


def event_duplicates_check(*, event_ids: list[int]) -> PassResult:
    """The candidates of events just written (their pending pairs found anew)."""
    ids = sorted(set(event_ids))
    if not ids:
        return PassResult(0, 0)
    if len(ids) > WHOLE_PASS_ABOVE:
        found = new = 0
        organizations = m.Organization.objects.filter(
            pk__in=RawSQL("SELECT DISTINCT organization_id FROM displacement_event WHERE id = ANY(%s)", [ids])
        )
        for organization in organizations:
            result = event_duplicates_find(organization=organization)
            found, new = found + result.found, new + result.new
        return PassResult(found, new)
    with transaction.atomic(), acting(command="event_duplicates_check"):
        rows = _candidates(_find_pairs(organization_id=None, ids=ids))
        # One array parameter, hashed, rather than a list of thousands of parameters.
        table = m.EventDuplicateCandidate._meta.db_table
        involved = RawSQL(  # noqa: S611 (constants, and ids as one parameter)
            f"SELECT id FROM {table} WHERE event_id IN (SELECT unnest(%s::bigint[]))"  # noqa: S608
            f" UNION SELECT id FROM {table} WHERE other_id IN (SELECT unnest(%s::bigint[]))",
            [ids, ids],
        )
        pending = m.EventDuplicateCandidate.objects.filter(status=m.DuplicateStatus.PENDING, pk__in=involved)
        return _store(rows, pending)


def event_duplicates_check_run(*, run_id: int) -> PassResult:
    """The candidates of the events an import run created or revised."""
    return event_duplicates_check(
        event_ids=list(m.Event.objects.filter(import_run_id=run_id).values_list("pk", flat=True))
    )


# --- a coordinator's answer ---------------------------------------------------------------------


@transaction.atomic
def event_duplicate_answer(*, candidate: m.EventDuplicateCandidate, by, answer: str):
    """``merged`` merges the pair (``event_merge.survivor_of`` says which survives),
    ``distinct`` remembers that they are two events (never asked again)."""
    viewer = Viewer.of(by)
    if not viewer.is_coordinator or candidate.organization_id != viewer.organization.pk:
        raise PermissionDenied(_("Only a coordinator of the organisation answers possible duplicates."))
    current = m.EventDuplicateCandidate.objects.select_for_update().filter(pk=candidate.pk).first()
    if current is None or current.status != m.DuplicateStatus.PENDING:
        raise ValidationError(_("This pair has already been answered."))
    if answer == m.DuplicateStatus.MERGED:
        survivor, merged = survivor_of(current.event, current.other)
        return event_merge(survivor=survivor, merged=merged, by=viewer.user)
    if answer != m.DuplicateStatus.DISTINCT:
        raise ValidationError(_("Answer “merged” or “distinct”."))
    current.status = answer
    current.decided_by = viewer.user
    current.decided_at = timezone.now()
    with acting(viewer.user):
        current.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    return current
