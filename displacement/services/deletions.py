"""Deleting a record of a kind partners receive, with the tombstones of the deletions feed.

A delete cascades through Django's collector (a household's moves, a testimony's event links
and consents, a case's notes and referrals). ``record_delete`` collects the cascade first,
notes which collected records partners could have received while they all still exist,
deletes, then writes their tombstones, in one transaction. No model signal does it: a delete
that bypasses this function (the ORM's ``.delete()``, raw SQL) leaves no tombstone, so every
service that deletes an event, testimony, household, displacement or case calls it.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import router, transaction
from django.db.models import Model
from django.db.models.deletion import Collector

from displacement import models as m
from displacement.models.sharing import RecordKind, TombstoneReason
from displacement.selectors.sharing import shareable
from displacement.services.tombstones import KIND_OF_MODEL, tombstone_household_if_unshared, tombstone_record

#: Ids per query: far under PostgreSQL's bound on a statement's parameters.
CHUNK = 10_000


def _chunks(ids) -> list[list[int]]:
    ids = sorted(ids)
    return [ids[start : start + CHUNK] for start in range(0, len(ids), CHUNK)]


def _collected_ids(collector: Collector) -> dict[type[Model], set[int]]:
    """The ids of every record of ``KIND_OF_MODEL``'s kinds that the delete will remove, those
    the collector deletes by a bare query (no instance) included."""
    ids = defaultdict(set)
    for model, instances in collector.data.items():
        if model in KIND_OF_MODEL:
            ids[model].update(obj.pk for obj in instances)
    for query in collector.fast_deletes:
        if query.model in KIND_OF_MODEL:
            ids[query.model].update(query.values_list("pk", flat=True))
    return ids


def _shareable_ids(kind: str, ids) -> set[int]:
    """Those of ``ids`` that partners may now receive (an agreement aside): one query per chunk."""
    return {pk for chunk in _chunks(ids) for pk in shareable(kind).filter(pk__in=chunk).values_list("pk", flat=True)}


def _note(collector: Collector, root: Model, root_shared: bool | None):
    """Before the delete: the ids of the collected records by ``(kind, organization_id,
    shared)``, and the ``(organization_id, household_id)`` of each deleted testimony whose
    household partners could have received (it may have been shared through it alone)."""
    groups, households = defaultdict(list), set()
    for model, ids in _collected_ids(collector).items():
        kind = KIND_OF_MODEL[model]
        fields = ("pk", "organization_id", "household_id") if model is m.Testimony else ("pk", "organization_id")
        rows = [row for chunk in _chunks(ids) for row in model._base_manager.filter(pk__in=chunk).values_list(*fields)]
        shared = _shareable_ids(kind, ids)
        if root_shared is not None and model is root._meta.concrete_model:
            shared = (shared | {root.pk}) if root_shared else (shared - {root.pk})
        for row in rows:
            groups[kind, row[1], row[0] in shared].append(row[0])
        if model is m.Testimony:
            shared_households = _shareable_ids(RecordKind.HOUSEHOLDS, {row[2] for row in rows if row[2]})
            households.update((row[1], row[2]) for row in rows if row[2] in shared_households)
    return groups, households


@transaction.atomic
def record_delete(instance: Model, *, survivor_id: int | None = None, shared: bool | None = None):
    """Delete ``instance`` and what cascades from it, as ``instance.delete()`` does, and tombstone
    every deleted event, testimony, household, displacement and case (``Tombstone.shared``:
    whether partners could have received it, read before the delete); a deleted testimony's
    household, and its moves and cases, if partners received them through it alone (reason
    ``unshared``). ``survivor_id``: the record ``instance`` was merged into (its reason
    ``merged``, what cascades ``deleted``). ``shared``: whether partners could have received
    ``instance``, when only the caller knew it (a merged household's testimonies moved away
    before). Returns what ``Model.delete`` returns."""
    using = router.db_for_write(type(instance), instance=instance)
    collector = Collector(using=using, origin=instance)
    collector.collect([instance])  # ProtectedError, RestrictedError: nothing written
    root_kind, root_pk = KIND_OF_MODEL.get(instance._meta.concrete_model), instance.pk
    groups, households = _note(collector, instance, shared)
    deleted = collector.delete()
    for (kind, organization_id, was_shared), ids in groups.items():
        if survivor_id is not None and kind == root_kind and root_pk in ids:
            ids.remove(root_pk)
            tombstone_record(
                organization_id=organization_id,
                kind=kind,
                ids=[root_pk],
                reason=TombstoneReason.MERGED,
                shared=was_shared,
                survivor_id=survivor_id,
            )
        if ids:
            tombstone_record(
                organization_id=organization_id, kind=kind, ids=ids, reason=TombstoneReason.DELETED, shared=was_shared
            )
    for organization_id, household_id in sorted(households):
        tombstone_household_if_unshared(
            organization_id=organization_id, household_id=household_id, reason=TombstoneReason.UNSHARED
        )
    return deleted
