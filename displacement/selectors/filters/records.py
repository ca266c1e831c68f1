"""The documented filters of every list, one filter set per record kind: the API's lists and
the scheduled reports take the same names and the same validation."""

from __future__ import annotations

import django_filters as df

from displacement import models as m
from displacement.models.vocab import (
    CaseStatus,
    EventCategory,
    EventType,
    SubEventType,
    Target,
    VerificationStatus,
)
from displacement.selectors.filters.base import StrictChoiceFilter, StrictFilterSet
from displacement.selectors.filters.dates import HappenedOnOrAfterFilter, PersonDateFilter
from displacement.selectors.filters.places import PlaceFilter
from displacement.selectors.filters.search import SearchFilter
from displacement.selectors.filters.through_events import ThroughEventChoice, ThroughEventDate, ThroughEventPlace


class EventFilter(StrictFilterSet):
    occurred_after = df.DateFilter(field_name="start", lookup_expr="gte", help_text="Started on or after.")
    occurred_before = df.DateFilter(field_name="start", lookup_expr="lte", help_text="Started on or before.")
    place = PlaceFilter(path="place", help_text="P-code; includes everything below it.")
    category = StrictChoiceFilter(choices=EventCategory.choices)
    event_type = StrictChoiceFilter(choices=EventType.choices)
    sub_event_type = StrictChoiceFilter(choices=SubEventType.choices)
    target = StrictChoiceFilter(choices=Target.choices)
    verification_status = StrictChoiceFilter(choices=VerificationStatus.choices)
    q = SearchFilter(staff_fields=("title", "description"), help_text="Full-text search (staff: title, description).")

    class Meta:
        model = m.Event
        fields = []


class TestimonyFilter(StrictFilterSet):
    recorded_after = HappenedOnOrAfterFilter(field_name="recorded_on", help_text="Recorded on or after.")
    recorded_before = PersonDateFilter(field_name="recorded_on", lookup_expr="lte", help_text="Recorded on or before.")
    occurred_after = ThroughEventDate(
        link="events", lookup="start__gte", help_text="Speaks of an event you may read that started on or after."
    )
    occurred_before = ThroughEventDate(
        link="events", lookup="start__lte", help_text="Speaks of an event you may read that started on or before."
    )
    place = ThroughEventPlace(link="events", lookup="place", help_text="Speaks of an event at this P-code or below.")
    event_type = ThroughEventChoice(link="events", lookup="event_type", choices=EventType.choices)
    sub_event_type = ThroughEventChoice(link="events", lookup="sub_event_type", choices=SubEventType.choices)
    target = ThroughEventChoice(link="events", lookup="target", choices=Target.choices)
    q = SearchFilter(
        staff_fields=("summary_words",),
        partner_fields=("summary_words",),
        narrative="narrative_words",
        help_text="Full-text search over summaries (staff also narratives they may read).",
    )

    class Meta:
        model = m.Testimony
        fields = []


class DisplacementFilter(StrictFilterSet):
    occurred_after = HappenedOnOrAfterFilter(field_name="left_on", help_text="Left on or after.")
    occurred_before = PersonDateFilter(field_name="left_on", lookup_expr="lte", help_text="Left on or before.")
    place = PlaceFilter(path="origin", help_text="Origin P-code; includes everything below it.")
    destination = PlaceFilter(path="destination", help_text="Destination P-code; includes everything below it.")
    event_type = ThroughEventChoice(link="cause", lookup="event_type", choices=EventType.choices)
    category = ThroughEventChoice(link="cause", lookup="category", choices=EventCategory.choices)

    class Meta:
        model = m.Displacement
        fields = []


class HouseholdFilter(StrictFilterSet):
    place = PlaceFilter(path="current_place", help_text="Current location P-code; includes everything below it.")

    class Meta:
        model = m.Household
        fields = []


class CaseFilter(StrictFilterSet):
    status = StrictChoiceFilter(choices=CaseStatus.choices)
    place = PlaceFilter(path="household__current_place", help_text="Household's current location P-code.")
    recorded_after = PersonDateFilter(field_name="opened_on", lookup_expr="gte", help_text="Opened on or after.")
    recorded_before = PersonDateFilter(field_name="opened_on", lookup_expr="lte", help_text="Opened on or before.")

    class Meta:
        model = m.Case
        fields = []


class SourceFilter(StrictFilterSet):
    recorded_after = df.DateFilter(field_name="published_on", lookup_expr="gte", help_text="Published on or after.")
    recorded_before = df.DateFilter(field_name="published_on", lookup_expr="lte", help_text="Published on or before.")

    class Meta:
        model = m.Source
        fields = []


class PlaceListFilter(StrictFilterSet):
    place = PlaceFilter(path="", help_text="P-code; the place and everything below it.")
    admin_level = df.NumberFilter(field_name="admin_level")

    class Meta:
        model = m.Place
        fields = []
