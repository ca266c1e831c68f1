"""The documented filters of every list, shared by the API and (later) scheduled reports.

Filters are strict: an unknown value is a 400 that lists the allowed values, an unknown
parameter is a 400 that lists the allowed parameters, never an empty list that looks like
"nothing happened".
"""

from __future__ import annotations

import copy
import datetime
import hashlib
import json
import time

import django_filters as df
from django import forms
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchQuery, SearchVector, SearchVectorField
from django.db import connection
from django.db.models import BigIntegerField, BooleanField, F, Func, Q, QuerySet, Value
from django.http import QueryDict
from django.utils import timezone
from rest_framework import filters as drf_filters
from rest_framework.exceptions import ValidationError

from api.pagination import PageWindow, page_window
from api.person_dates import PersonDateFilter
from api.sync import SinceFilter
from displacement import models as m
from displacement.models.dates import QUERY_WINDOW
from displacement.models.sharing import RecordKind
from displacement.models.vocab import (
    CaseStatus,
    EventCategory,
    EventType,
    SubEventType,
    Target,
    VerificationStatus,
)
from displacement.selectors.access import Viewer, narrative_visible_q, scoped
from displacement.selectors.places import place_subtree, place_tree
from displacement.selectors.sharing import built, partner_readable, readable_owners

#: Parameters every list accepts besides its filters.
COMMON_PARAMETERS = {"cursor", "page_size", "format", "ordering"}


class StrictChoiceField(forms.ChoiceField):
    def validate(self, value):
        if value in self.empty_values:
            return
        if not self.valid_value(value):
            allowed = ", ".join(str(key) for key, _ in self.choices if key)
            raise forms.ValidationError(f"'{value}' is not allowed; use one of: {allowed}.", code="invalid_choice")


class StrictChoiceFilter(df.ChoiceFilter):
    field_class = StrictChoiceField


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
        return qs.filter(**{f"{self.path or 'pk'}__in": place_ids(value, self.parent.request)})


#: Beyond this many places a P-code filter is a subquery (see ``place_ids``).
PLACE_IDS_LIMIT = 1000


def place_ids(value: str, request) -> list[int] | QuerySet:
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
    viewer = Viewer.of(request.user) if request else None
    if viewer is not None and viewer.is_partner and level > 2:
        raise ValidationError({"place": ["Partners can filter by oblast or raion P-codes only."]})
    return ids if ids is not None else place_subtree(code).values("pk")


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
        viewer = Viewer.of(self.parent.request.user)
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
        key = ("common", _caller(viewer), qs.model._meta.label, _asked(self.parent.request))
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


def visible_events(request, *, on: datetime.date | None = None):
    """Events the caller may read (for a partner, under the agreements in force ``on``, default
    today): filters that go through events must not reveal others."""
    viewer = Viewer.of(request.user)
    if viewer.is_partner:
        return partner_readable("events", partner=viewer.organization, on=on)
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
        request = self.parent.request
        viewer = Viewer.of(request.user)
        link = qs.model._meta.get_field(self.link)
        # The same filter's subqueries serve the caller all day (they hold no rows): built once,
        # they save a page about half a millisecond. One date for all, in their keys too: a
        # request that crosses midnight builds them from the same day's agreements.
        on = timezone.localdate()
        caller = (*_caller(viewer), viewer.is_operator)
        key = ("through", caller, qs.model._meta.label, self.link, self.lookup, str(value), on)
        if self.lookup == "place":
            places = place_ids(value, request)
            events = visible_events(request, on=on).filter(place__in=places)
        else:
            events = built(key, lambda: visible_events(request, on=on).filter(**{self.lookup: value}))
        if not link.many_to_many:
            return qs.filter(**{f"{self.link}__in": events.values("pk")})
        if _remembered(("few", _caller(viewer), self.lookup, str(value)), _few, events):
            window = self._window(request, link)
            if window is not None:
                return self._first_in_page_order(qs, self._matching_links(request, on, value, key, link), window)
            # Few events (a date long ago): their testimonies are rare and a walk in page
            # order passes thousands of rows per match (over 100 ms for 900 events of 200,000).
            # As an array the matches are listed first, from the events' side, and only they
            # are sorted. PostgreSQL estimates the matches well but not what the walk costs.
            return qs.filter(InArray(F("pk"), ArraySubquery(self._links(link, events))))
        # Otherwise the walk in page order tests each record against the copies of its events'
        # columns on the links (``EVENT_COPIES``): one index-only read a record, where the event's
        # own columns took a read of the link and one of the event.
        if self.lookup == "place":
            links = link.remote_field.through.objects.filter(_readable_on_links(request, on), event_place__in=places)
        else:
            links = self._matching_links(request, on, value, key, link)
        return qs.filter(pk__in=links.values(link.m2m_field_name()))

    def _matching_links(self, request, on, value, key: tuple, link) -> QuerySet:
        """The links to events the caller may read that match by their copies of the events'
        columns (``LINK_LOOKUPS``), built once a day per caller and value, like the events."""
        through = link.remote_field.through.objects
        return built(
            (*key, "links"),
            lambda: through.filter(_readable_on_links(request, on), **{LINK_LOOKUPS[self.lookup]: value}),
        )

    def _window(self, request, link) -> PageWindow | None:
        """The page's window, when this filter can read its matches in page order: a date of
        the events a testimony speaks of, whose links carry the testimony's ``updated_at``."""
        if self.lookup not in WINDOW_LOOKUPS or link.remote_field.through is not m.TestimonyEvent:
            return None
        view = getattr(request, "parser_context", None) and request.parser_context.get("view")
        return page_window(request, view) if view is not None else None

    @staticmethod
    def _first_in_page_order(qs, links: QuerySet, window: PageWindow) -> QuerySet:
        """Few events of those dates, but their testimonies may be thousands, each a read to
        learn its place in the page order (9 ms for 5,600 of a million). Their links carry
        that place (``TESTIMONY_COPIES``) in an index by the events' start: the first links
        past the page's start, a few times the page, name the testimonies the page can hold,
        and only those are read. A page that comes out short is read again in full (the
        paginator): the gate and the other filters may have left out more than expected."""
        if window.after is not None:
            links = links.filter(**{f"testimony_updated_at__{'lt' if window.descending else 'gt'}": window.after})
        order = ("-testimony_updated_at", "-testimony") if window.descending else ("testimony_updated_at", "testimony")
        wanted = window.rows * WINDOW_SLACK
        ids = list(links.order_by(*order).values_list("testimony", flat=True)[:wanted])
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


#: A filter's lookup on an event, and the same lookup on the copies its links carry.
LINK_LOOKUPS = {
    "start__gte": "event_start__gte",
    "start__lte": "event_start__lte",
    "event_type": "event_type",
    "sub_event_type": "event_sub_type",
    "target": "event_target",
}


def _readable_on_links(request, on: datetime.date) -> Q:
    """Links to events the caller may read (``visible_events``), by the copy of the event's
    owner on the link: a partner's own and those its agreements in force ``on`` cover; staff's
    own organisation's."""
    viewer = Viewer.of(request.user)
    if viewer.is_partner:
        return readable_owners("event_owner", partner=viewer.organization, kind=RecordKind.EVENTS, on=on)
    if not viewer.may_open(m.Event):  # staff only: a member of an organisation
        return Q(pk__in=[])
    return Q(event_owner=viewer.organization.pk)


#: Up to this many matching events, a filter through events lists its matches first.
FEW_EVENTS = 1000
#: The filters through events that read a page's matches in page order (``_first_in_page_order``).
WINDOW_LOOKUPS = {"start__gte", "start__lte"}
#: How many links such a filter reads for a page, in pages (and one row more): the gate and
#: the other filters leave some out (a partner reads about a third of another's testimonies).
WINDOW_SLACK = 4


def _caller(viewer: Viewer) -> tuple:
    """Whose view of the records a plan choice was made for."""
    user = viewer.user.pk if viewer.user is not None else None
    return (getattr(viewer.organization, "pk", None), viewer.role, user)


def _asked(request) -> str:
    """The request's filters (not its page or format), hashed: search words are kept in no
    cache as they were typed."""
    asked = sorted((key, value) for key, value in request.GET.items() if key not in COMMON_PARAMETERS)
    return hashlib.sha256(repr(asked).encode()).hexdigest()


#: How long a plan choice (``_remembered``) is kept.
PLAN_CHOICE_SECONDS = 600
_choices: dict[tuple, tuple[float, bool]] = {}


def _remembered(key: tuple, decide, *args) -> bool:
    """``decide(*args)``, kept for a while per process: the pages of one sync ask the same.
    A choice between two plans that give the same rows (tested), so a stale one costs time,
    never a wrong answer; it saves the page a query."""
    now = time.monotonic()
    known = _choices.get(key)
    if known is not None and known[0] > now:
        return known[1]
    answer = decide(*args)
    if len(_choices) > 10_000:
        _choices.clear()
    _choices[key] = (now + PLAN_CHOICE_SECONDS, answer)
    return answer


def _few(events: QuerySet) -> bool:
    """Are there at most FEW_EVENTS of ``events``? (One index read of at most that many.)"""
    return events.order_by().values("pk")[: FEW_EVENTS + 1].count() <= FEW_EVENTS


class InArray(Func):
    """``expression = ANY(array)``: a row condition, which PostgreSQL does not turn into a join."""

    arg_joiner = " = ANY("
    template = "%(expressions)s)"
    output_field = BooleanField()


class ThroughEventDate(ThroughEventFilter):
    field_class = forms.DateField


class ThroughEventChoice(ThroughEventFilter):
    field_class = StrictChoiceField


class ThroughEventPlace(ThroughEventFilter):
    field_class = forms.CharField


class HappenedOnOrAfterFilter(PersonDateFilter):
    """On or after a date that cannot come after the day a record was last saved (a testimony
    is recorded, a household leaves, before anyone writes it down), so that the page order
    (``updated_at``) can start at that date instead of at the first record.

    The database holds every such record to it (the date window's CHECK, ``models.checks``,
    against the day of saving with a day's margin for time zones); on a page read in that order, matches for a
    recent date came after hundreds of thousands of older entries (2.7 ms of a 3.6 ms page).
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("lookup_expr", "gte")
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value is None:
            return qs
        qs = super().filter(qs, value)
        value = self.bound(value)  # a partner's: the first day of the week or month that holds it
        floor = datetime.datetime.combine(value - datetime.timedelta(days=1), datetime.time.min, tzinfo=datetime.UTC)
        return qs.filter(updated_at__gte=floor)


class UTCDateTimeFilter(df.IsoDateTimeFilter):
    """An ISO 8601 time with any UTC offset (PostgreSQL refuses offsets beyond 15:59)."""

    def filter(self, qs, value):
        if value is not None:
            value = value.astimezone(datetime.UTC)
        return super().filter(qs, value)


class StrictFilterSet(df.FilterSet):
    updated_since = SinceFilter(
        field_name="updated_at",
        parameter="updated_since",
        help_text="Records changed since: the Sync-Token header of an earlier answer, or an ISO 8601 date or "
        "time (partners: from the start of its UTC day).",
    )

    @classmethod
    def parameters(cls) -> set[str]:
        return set(cls.base_filters) | COMMON_PARAMETERS

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        # As django-filter's, but for the copy of the filters: it deep-copies every filter (and
        # its choices) for each request, where a filter holds no state of its own but its
        # parent and model, and a shallow copy serves.
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = self._meta.model._default_manager.all() if queryset is None else queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = {name: copy.copy(filter_) for name, filter_ in self.base_filters.items()}
        for filter_ in self.filters.values():
            filter_.model, filter_.parent = self.queryset.model, self

    def get_form_class(self):
        """The form class, built once per filter set: its fields depend on the filters' own
        definitions only (django-filter builds a new class, and every field, each request)."""
        form = _FORMS.get(type(self))
        if form is None:
            form = super().get_form_class()
            for field in form.base_fields.values():
                # Every date and time parameter, declared here or by any list: a value outside
                # the window is a 400 naming it, before a filter converts it (to UTC, a day
                # earlier) and overflows.
                if isinstance(field, forms.DateField | forms.DateTimeField):
                    field.validators = [*field.validators, QUERY_WINDOW]
            form.base_fields = _SharedFields(form.base_fields)
            _FORMS[type(self)] = form
        return form


_FORMS: dict[type, type] = {}


class _SharedFields(dict):
    """A filter form's fields, which each form shares rather than deep-copying them (as Django
    does, with their choices, for every form): a filter form only cleans values, and cleaning
    changes no field."""

    def __deepcopy__(self, memo):
        return dict(self)


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


class StrictOrderingFilter(drf_filters.OrderingFilter):
    """Like DRF's, but an unknown field is a 400 listing the allowed ones."""

    def get_ordering(self, request, queryset, view):
        raw = request.query_params.get(self.ordering_param)
        if raw:
            allowed = set(view.ordering_fields)
            for term in raw.split(","):
                if term.strip().lstrip("-") not in allowed:
                    raise ValidationError(
                        {
                            "ordering": [
                                f"'{term}' is not allowed; use one of: {', '.join(sorted(allowed))} "
                                "(prefix with - for descending)."
                            ]
                        }
                    )
            fields = tuple(term.strip() for term in raw.split(","))
            return (*fields, "-id" if fields[-1].startswith("-") else "id")
        return view.ordering
