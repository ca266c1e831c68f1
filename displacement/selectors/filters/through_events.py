"""Filters through events: a testimony by the events it speaks of, a displacement by its cause,
counting only events the caller may read."""

from __future__ import annotations

import datetime

import django_filters as df
from django import forms
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.db.models import BigIntegerField, F, Q, QuerySet, Value
from django.utils import timezone

from displacement import models as m
from displacement.models import link_copies
from displacement.selectors.access import Viewer, scoped
from displacement.selectors.filters.base import PageWindow, StrictChoiceField
from displacement.selectors.filters.places import place_ids
from displacement.selectors.filters.plans import InArray, _caller, _remembered
from displacement.selectors.sharing import built, event_shared


def visible_events(viewer: Viewer, *, on: datetime.date | None = None):
    """Events the caller may read (for a partner, under the agreements in force ``on``, default
    today): filters that go through events must not reveal others."""
    if viewer.is_partner:
        return m.Event.objects.filter(event_shared("organization", partner=viewer.organization, on=on))
    return scoped(m.Event, viewer)


class ThroughEventFilter(df.Filter):
    """A filter on the events a testimony speaks of (or a displacement's cause), counting only
    events the caller may read: otherwise a filter would reveal an unshared event's date,
    type or place by elimination."""

    def __init__(self, *args, link: str, lookup: str, **kwargs):
        self.link, self.lookup = link, lookup
        # field_name only documents the type in the schema; filter() does the work.
        kwargs.setdefault("field_name", f"{link}__{lookup.split('__')[0]}" + ("__pcode" if lookup == "place" else ""))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        viewer = self.parent.viewer
        link = qs.model._meta.get_field(self.link)
        # The same filter's subqueries serve the caller all day (they hold no rows): built once,
        # they save a page about half a millisecond. One date for all, in their keys too: a
        # request that crosses midnight builds them from the same day's agreements.
        on = timezone.localdate()
        caller = (*_caller(viewer), viewer.is_operator)
        key = ("through", caller, qs.model._meta.label, self.link, self.lookup, str(value), on)
        if self.lookup == "place":
            places = place_ids(value, viewer)  # a 400 for an unknown P-code, every time
            events = built(key, lambda: visible_events(viewer, on=on).filter(place__in=places))
        else:
            events = built(key, lambda: visible_events(viewer, on=on).filter(**{self.lookup: value}))
        if not link.many_to_many:
            return qs.filter(**{f"{self.link}__in": events.values("pk")})
        if _remembered(("few", _caller(viewer), self.lookup, str(value)), _few, events):
            window = self._window(link)
            if window is not None:
                return self._first_in_page_order(qs, self._matching_links(viewer, on, value, key, link), window)
            # Few events (a date long ago): their testimonies are rare and a walk in page
            # order passes thousands of rows per match (over 100 ms for 900 events of 200,000).
            # As an array the matches are listed first, from the events' side, and only they
            # are sorted. PostgreSQL estimates the matches well but not what the walk costs.
            return qs.filter(InArray(F("pk"), ArraySubquery(self._links(link, events))))
        # Otherwise the walk in page order tests each record against the copies of its events'
        # columns on the links (``models.link_copies``): one index-only read a record, where the
        # event's own columns took a read of the link and one of the event.
        if self.lookup == "place":
            through = link.remote_field.through.objects
            links = built(
                (*key, "links"),
                lambda: link_copies.matching(through.all(), _readable_on_links(viewer, on), "place__in", places),
            )
        else:
            links = self._matching_links(viewer, on, value, key, link)
        return qs.filter(pk__in=links.values(link.m2m_field_name()))

    def _matching_links(self, viewer: Viewer, on, value, key: tuple, link) -> QuerySet:
        """The links to events the caller may read that match by their copies of the events'
        columns (``link_copies.matching``), built once a day per caller and value, like the events."""
        through = link.remote_field.through.objects
        return built(
            (*key, "links"),
            lambda: link_copies.matching(through.all(), _readable_on_links(viewer, on), self.lookup, value),
        )

    def _window(self, link) -> PageWindow | None:
        """The page's window, when this filter can read its matches in page order: a date of
        the events a testimony speaks of, whose links carry the testimony's ``updated_at``."""
        if self.lookup not in WINDOW_LOOKUPS or link.remote_field.through is not m.TestimonyEvent:
            return None
        window = self.parent.window
        return window() if window is not None else None

    @staticmethod
    def _first_in_page_order(qs, links: QuerySet, window: PageWindow) -> QuerySet:
        """Few events of those dates, but their testimonies may be thousands, each a read to
        learn its place in the page order (9 ms for 5,600 of a million). Their links carry
        that place (``link_copies.in_page_order``) in an index by the events' start: the first
        links past the page's start, a few times the page, name the testimonies the page can
        hold, and only those are read. A page that comes out short is read again in full (the
        paginator): the gate and the other filters may have left out more than expected."""
        wanted = window.rows * WINDOW_SLACK
        ids = link_copies.in_page_order(links, after=window.after, descending=window.descending, rows=wanted)
        # One array parameter, not one per id: a long IN list cost the page 0.5 ms to build and bind.
        qs = qs.filter(InArray(F("pk"), Value(ids, output_field=ArrayField(BigIntegerField()))))
        if len(ids) == wanted:
            qs.query.window_bounded = True  # more matches than were read: the paginator checks
        return qs

    @staticmethod
    def _links(link, events: QuerySet) -> QuerySet:
        """The ids of the records linked to ``events``, from the link table, by IN rather than a
        join and DISTINCT (DISTINCT had PostgreSQL sort every match first)."""
        through = link.remote_field.through.objects
        links = through.filter(**{f"{link.m2m_reverse_field_name()}__in": events.values("pk")})
        return links.values(link.m2m_field_name())


def _readable_on_links(viewer: Viewer, on: datetime.date) -> Q:
    """Links to events the caller may read (``visible_events``), by the copy of the event's
    owner on the link: a partner's own and those its agreements in force ``on`` cover; staff's
    own organisation's."""
    if viewer.is_partner:
        return event_shared(link_copies.OWNER, partner=viewer.organization, on=on)
    if not viewer.may_open(m.Event):  # staff only: a member of an organisation
        return Q(pk__in=[])
    return Q(**{link_copies.OWNER: viewer.organization.pk})


#: Up to this many matching events, a filter through events lists its matches first.
FEW_EVENTS = 1000
#: The filters through events that read a page's matches in page order (``_first_in_page_order``).
WINDOW_LOOKUPS = {"start__gte", "start__lte"}
#: How many links such a filter reads for a page, in pages (and one row more): the gate and
#: the other filters leave some out (a partner reads about a third of another's testimonies).
WINDOW_SLACK = 4


def _few(events: QuerySet) -> bool:
    """Are there at most FEW_EVENTS of ``events``? (One index read of at most that many.)"""
    return events.order_by().values("pk")[: FEW_EVENTS + 1].count() <= FEW_EVENTS


class ThroughEventDate(ThroughEventFilter):
    field_class = forms.DateField


class ThroughEventChoice(ThroughEventFilter):
    field_class = StrictChoiceField


class ThroughEventPlace(ThroughEventFilter):
    field_class = forms.CharField
