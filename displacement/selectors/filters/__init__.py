"""The documented filters of every list (django-filter filter sets), owned by the selectors:
the API's lists and the scheduled reports use the same ones, with plain values and a ``Viewer``.

- ``base``: strict values and parameters, the filter set every list's derives from, ``PageWindow``;
- ``dates``, ``places``, ``search``, ``through_events``: the filters, by what they filter on;
- ``plans``: which of two plans that give the same rows a filter takes, remembered per process;
- ``records``: one filter set per record kind.
"""

from displacement.selectors.filters.base import (
    COMMON_PARAMETERS,
    PageWindow,
    StrictChoiceField,
    StrictChoiceFilter,
    StrictFilterSet,
)
from displacement.selectors.filters.dates import (
    HappenedOnOrAfterFilter,
    PersonDateFilter,
    SinceFilter,
    UTCDateTimeFilter,
)
from displacement.selectors.filters.places import PlaceFilter
from displacement.selectors.filters.records import (
    CaseFilter,
    DisplacementFilter,
    EventFilter,
    HouseholdFilter,
    PlaceListFilter,
    SourceFilter,
    TestimonyFilter,
)
from displacement.selectors.filters.search import SearchFilter
from displacement.selectors.filters.through_events import ThroughEventFilter

__all__ = [
    "COMMON_PARAMETERS",
    "CaseFilter",
    "DisplacementFilter",
    "EventFilter",
    "HappenedOnOrAfterFilter",
    "HouseholdFilter",
    "PageWindow",
    "PersonDateFilter",
    "PlaceFilter",
    "PlaceListFilter",
    "SearchFilter",
    "SinceFilter",
    "SourceFilter",
    "StrictChoiceField",
    "StrictChoiceFilter",
    "StrictFilterSet",
    "TestimonyFilter",
    "ThroughEventFilter",
    "UTCDateTimeFilter",
]
