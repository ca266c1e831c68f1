"""Full-text search, with the plan chosen by how common the words are."""

from __future__ import annotations

import json

import django_filters as df
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import SearchQuery, SearchVector, SearchVectorField
from django.db import connection
from django.db.models import F, Q, QuerySet
from rest_framework.exceptions import ValidationError

from displacement.selectors.access import narrative_visible_q
from displacement.selectors.filters.plans import InArray, _asked, _caller, _remembered


class SearchFilter(df.CharFilter):
    """PostgreSQL full-text search (``simple`` configuration: English and Ukrainian alike).

    A page is the first fifty matches in page order, and which plan finds them fast depends
    on how common the words are: a common word is found by walking the page order and
    testing each row (a few ms), a rare one by listing its matches from the full-text indexes
    and sorting just them. Either plan on the wrong words takes seconds (a walk past every row
    for a word nothing contains). PostgreSQL's own estimate is reliable for the words its
    statistics know, which are the common ones, and a default for any other, so the walk is
    chosen only where the estimate says the words are common (``_common``), and otherwise
    the matches are listed, which costs what the matches are.
    """

    def __init__(self, *args, staff_fields=(), partner_fields=(), narrative: str = "", **kwargs):
        self.staff_fields, self.partner_fields, self.narrative = staff_fields, partner_fields, narrative
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value or not value.strip():
            return qs
        viewer = self.parent.viewer
        fields = self.partner_fields if viewer.is_partner else self.staff_fields
        if not fields:
            raise ValidationError({"q": ["Full-text search is not available on this list."]})
        query = SearchQuery(value, config="simple", search_type="websearch")
        qs = qs.alias(_doc=_words(qs.model, fields))
        parts = [Q(_doc=query)]  # the ways of matching, each with its own full-text index
        if self.narrative and not viewer.is_partner:
            # A narrative is searched only where the viewer may read it: no search oracle.
            qs = qs.alias(_n=_words(qs.model, (self.narrative,)))
            parts.append(Q(_n=query) & narrative_visible_q(viewer))
        matches = Q()
        for part in parts:
            matches |= part
        key = ("common", _caller(viewer), qs.model._meta.label, _asked(self.parent.data))
        if _remembered(key, _common, qs, matches):
            return qs.filter(matches)
        listed = Q()
        for part in parts:
            listed |= Q(InArray(F("pk"), ArraySubquery(qs.filter(part).order_by().values("pk"))))
        return qs.filter(listed)


def _words(model, fields: tuple[str, ...]):
    """The words of ``fields``: a column that stores them (a generated ``SearchVectorField``),
    or else made from the text fields as the query runs."""
    if len(fields) == 1:
        field = model._meta.get_field(fields[0])
        if isinstance(getattr(field, "output_field", field), SearchVectorField):
            return F(fields[0])
    return SearchVector(*fields, config="simple")


#: A search walks the page order when PostgreSQL expects at least this share of the listed
#: rows to match (a page of 50 then passes about 1,000 rows); for words it has no statistics
#: of it assumes about 1%.
COMMON_SHARE = 0.05


def _common(qs: QuerySet, matches: Q) -> bool:
    """Does PostgreSQL expect ``matches`` to hold for at least ``COMMON_SHARE`` of ``qs``?
    Its estimates of both, by EXPLAIN (planned, not run: a fraction of a millisecond)."""
    rows = qs.order_by().values("pk")
    first, first_params = rows.filter(matches).query.sql_with_params()
    second, second_params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"EXPLAIN (FORMAT JSON) SELECT * FROM ({first}) a UNION ALL SELECT * FROM ({second}) b",  # noqa: S608
            (*first_params, *second_params),
        )
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    nodes = [plan[0]["Plan"]]
    while nodes:
        node = nodes.pop(0)
        if node["Node Type"] == "Append" and len(node.get("Plans", [])) == 2:
            matching, listed = (child["Plan Rows"] for child in node["Plans"])
            return listed > 0 and matching >= COMMON_SHARE * listed
        nodes.extend(node.get("Plans", []))
    return False
