"""Filters by P-code: a place and everything below it."""

from __future__ import annotations

import django_filters as df
from django.db.models import QuerySet
from rest_framework.exceptions import ValidationError

from displacement.selectors.access import Viewer
from displacement.selectors.places import place_subtree, place_tree


class PlaceFilter(df.CharFilter):
    """A P-code: the place and everything below it (``place=UA12`` is all of Dnipropetrovska).

    Partners may filter by oblast or raion only: finer places would reveal, by elimination,
    where people are more precisely than the raion their data is generalised to.
    """

    def __init__(self, *args, path: str, **kwargs):
        self.path = path
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(**{f"{self.path or 'pk'}__in": place_ids(value, self.parent.viewer)})


#: Beyond this many places a P-code filter is a subquery (see ``place_ids``).
PLACE_IDS_LIMIT = 1000


def place_ids(value: str, viewer: Viewer | None) -> list[int] | QuerySet:
    """The ids of a known P-code's place and everything below it; else a 400, as for a
    partner's P-code finer than a raion.

    Literal ids rather than a join on ``pcode LIKE 'UA80%'``: PostgreSQL then estimates the
    matches from each id's statistics. Through a join it assumes an average place, and a
    place where many records are (Kyiv) got a plan that read all of them before sorting
    (over a second). A subtree too large to list is a subquery: the estimate is large anyway.
    """
    code = value.strip().upper()
    tree = place_tree(code, limit=PLACE_IDS_LIMIT)
    if tree is None:
        raise ValidationError({"place": [f"'{value}' is not a known P-code."]})
    level, ids = tree
    if viewer is not None and viewer.is_partner and level > 2:
        raise ValidationError({"place": ["Partners can filter by oblast or raion P-codes only."]})
    return ids if ids is not None else place_subtree(code).values("pk")
