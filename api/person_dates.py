"""The API's filters on dates about people (``selectors.person_dates``)."""

from __future__ import annotations

import datetime

import django_filters as df

from displacement import models as m
from displacement.selectors import person_dates
from displacement.selectors.access import Viewer

#: The record kind of each model whose dates about people a partner reads coarsened.
_PERSON_DATED = {m.Testimony: "testimonies", m.Displacement: "displacements", m.Case: "cases"}


class PersonDateFilter(df.DateFilter):
    """A date about people (``selectors.person_dates``). A partner receives such dates by week
    or month, so its filters compare whole periods: on or after a day means from the first day
    of the period that holds it, on or before, to its last, at the coarsest precision of the
    agreements sharing the kind with it (read with the request's API key, in the key's own
    statement: ``person_dates.remember``)."""

    def bound(self, value: datetime.date) -> datetime.date:
        viewer = Viewer.of(self.parent.request.user) if self.parent.request is not None else None
        kind = _PERSON_DATED.get(self.model)
        if viewer is None or not viewer.is_partner or kind is None:
            return value
        precision = person_dates.coarsest(kind, viewer.organization)
        return person_dates.period(value, precision)[1 if self.lookup_expr == "lte" else 0]

    def filter(self, qs, value):
        if value in df.constants.EMPTY_VALUES:
            return qs
        return qs.filter(**{f"{self.field_name}__{self.lookup_expr}": self.bound(value)})
