"""Precision and recall of found pairs against a labelled set (``labelled``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Quality:
    found: int
    correct: int
    expected: int

    @property
    def precision(self) -> float:
        return self.correct / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.expected if self.expected else 1.0


def true_pairs(clusters: dict[int, int]) -> set[tuple[int, int]]:
    """Every pair of ids (smaller first) whose records belong to one cluster."""
    members: dict[int, list[int]] = defaultdict(list)
    for record, cluster in clusters.items():
        members[cluster].append(record)
    return {(a, b) for ids in members.values() for a in sorted(ids) for b in sorted(ids) if a < b}


def pair_quality(found: Iterable[tuple[int, int]], clusters: dict[int, int]) -> Quality:
    """How many of the ``found`` pairs (ids, in any order) are true, out of all true pairs."""
    truth = true_pairs(clusters)
    pairs = {(min(a, b), max(a, b)) for a, b in found}
    return Quality(found=len(pairs), correct=len(pairs & truth), expected=len(truth))


def suggestion_quality(suggested: dict[int, list[int]], clusters: dict[int, int]) -> Quality:
    """For suggestions made for each query record (query id -> suggested ids): each
    suggestion is right or wrong, and each other member of a queried record's cluster
    should have been suggested."""
    sizes: dict[int, int] = defaultdict(int)
    for cluster in clusters.values():
        sizes[cluster] += 1
    found = sum(len(ids) for ids in suggested.values())
    correct = sum(1 for query, ids in suggested.items() for i in ids if clusters[i] == clusters[query])
    expected = sum(sizes[clusters[query]] - 1 for query in suggested)
    return Quality(found=found, correct=correct, expected=expected)
