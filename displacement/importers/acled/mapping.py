"""One ACLED row to an event's values, or the reasons it is rejected (docs/imports.md)."""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable
from functools import cache
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.utils import translation

from displacement.importers.acled.places import PlaceResolver
from displacement.importers.pipeline import RowResult, ShortRow
from displacement.models.dates import PAST
from displacement.models.vocab import (
    EVENT_TYPE_OF_SUB_TYPE,
    SUB_EVENT_TYPES,
    DatePrecision,
    EventType,
    GeoPrecision,
    SubEventType,
)
from displacement.services.event_import import EventRow

TIME_PRECISION = {"1": DatePrecision.DAY, "2": DatePrecision.WEEK, "3": DatePrecision.MONTH, "": DatePrecision.DAY}
GEO_PRECISION = {"1": GeoPrecision.EXACT, "2": GeoPrecision.NEAR, "3": GeoPrecision.REGION, "": GeoPrecision.NEAR}
#: ACLED's 2022 numeric actor types, written as the current layout names them.
INTER_CODES = {
    "0": "",
    "1": "State forces",
    "2": "Rebel groups",
    "3": "Political militias",
    "4": "Identity militias",
    "5": "Rioters",
    "6": "Protesters",
    "7": "Civilians",
    "8": "External/Other forces",
}
MONTHS = {name: i for i, name in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"), start=1)}  # fmt: skip
MONTHS.update({name[:3]: i for name, i in list(MONTHS.items())})
#: ACLED starts in 1997; a later date than today is a typo.
EARLIEST = datetime.date(1997, 1, 1)
#: The largest count (``killed``: integer) and timestamp (``source_timestamp``: bigint) the columns hold.
MAX_COUNT, MAX_TIMESTAMP = 2**31 - 1, 2**63 - 1


def whole(text: str, limit: int) -> int | None:
    """A whole number 0..limit written in ASCII digits, else None (``"²".isdigit()`` is true,
    and a value over the column's range would fail the whole file's COPY)."""
    if not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if value <= limit else None


def no_newer(stamp: int | None, known: int) -> bool:
    """Whether a row of ACLED timestamp ``stamp`` (None: none, or not a number) is no newer
    than the revision ``known`` already imported: it counts as unchanged."""
    return stamp is None or stamp <= known


@cache
def _labels(choices) -> dict[str, str]:
    with translation.override("en"):
        return {" ".join(str(label).casefold().split()): value for value, label in choices.choices}


@cache
def _label(choices, value) -> str:
    with translation.override("en"):
        return str(choices(value).label)


def allowed_sub_types(event_type: str) -> str:
    return ", ".join(_label(SubEventType, s) for s in SUB_EVENT_TYPES[event_type])


def date_problem(day: datetime.date) -> str | None:
    """The row check of an event's date: ACLED's own first year, then the window every date of
    the product lies in (``models.dates.PAST``, the rule the admin, the API and the database hold)."""
    if day < EARLIEST:
        return f"{day:%Y-%m-%d} is before ACLED's first year"
    try:
        PAST(day)
    except ValidationError as error:
        return " ".join(error.messages)
    return None


_dates: dict[str, datetime.date | None] = {}


def parse_date(text: str) -> datetime.date | None:
    """ISO (current layout) or "13 May 2022" (2022 layout); None when it is no date."""
    if text in _dates:
        return _dates[text]
    day = None
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError:
        parts = text.replace("-", " ").split()
        if len(parts) == 3 and parts[1].casefold() in MONTHS and parts[0].isdigit() and parts[2].isdigit():
            year = int(parts[2]) + (2000 if len(parts[2]) == 2 else 0)
            try:
                day = datetime.date(year, MONTHS[parts[1].casefold()], int(parts[0]))
            except ValueError:
                day = None
    if len(_dates) < 100_000:
        _dates[text] = day
    return day


def _coordinate(text: str, limit: int) -> str | bool | None:
    """The coordinate as written (PostgreSQL rounds it to 6 decimals), None if empty, False if bad."""
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        return False
    return text if math.isfinite(value) and -limit <= value <= limit else False


class _Typed(NamedTuple):
    event_type: str = ""
    sub_type: str = ""
    label: str = ""  # the sub-type as ACLED writes it, for the title
    problem: tuple[str, str] | None = None  # (field, message) when the row is rejected


class EventMapper:
    """Maps ACLED event rows; ``resolver`` holds the gazetteer for the whole file.

    A file repeats a few thousand dates, type pairs and place tuples over its rows: each is
    checked once and its answer kept (``_day``, ``_types``, ``_publishers``, the resolver's
    cache), so a row costs a few
    dictionary reads (mapping was the largest part of a first import: docs/imports.md).
    """

    def __init__(self, resolver: PlaceResolver | None = None, revisions: dict[str, int] | None = None):
        self.resolver = resolver or PlaceResolver()
        #: ACLED's timestamp of each event already imported: a row no newer is unchanged, and
        #: is neither mapped nor written (a re-import reads the file and little else).
        self.revisions = revisions or {}
        self.types = _labels(EventType)
        self.sub_types = _labels(SubEventType)
        self._days: dict[str, tuple] = {}
        self._type_pairs: dict[tuple[str, str], _Typed] = {}
        self._sources: dict[str, tuple[str, ...]] = {}

    def _day(self, raw_date: str) -> tuple[datetime.date | None, str, str]:
        """(the day, why it is rejected or "", the day as a title writes it), once per text."""
        if (known := self._days.get(raw_date)) is not None:
            return known
        day = parse_date(raw_date)
        if day is None:
            answer = None, f"“{raw_date}” is not a date (2022-05-13 or 13 May 2022).", ""
        elif problem := date_problem(day):
            answer = None, f"{problem.rstrip('.')}.", ""
        else:
            answer = day, "", f"{day.day} {day:%B %Y}"
        if len(self._days) < 100_000:  # a file of random text does not grow it without end
            self._days[raw_date] = answer
        return answer

    def _types(self, raw_type: str, raw_sub_type: str) -> _Typed:
        """Our type and sub-type of ACLED's wording, or why the row is rejected."""
        key = (raw_type, raw_sub_type)
        if (known := self._type_pairs.get(key)) is not None:
            return known
        event_type = self.types.get(" ".join(raw_type.casefold().split()))
        sub_type = self.sub_types.get(" ".join(raw_sub_type.casefold().split()))
        if event_type is None:
            allowed = ", ".join(_label(EventType, t) for t in SUB_EVENT_TYPES)
            answer = _Typed(problem=("event_type", f"Unknown event type “{raw_type}”; allowed: {allowed}."))
        elif sub_type is None or EVENT_TYPE_OF_SUB_TYPE[sub_type] != event_type:
            why = (
                f"“{raw_sub_type}” is not a sub-type of {_label(EventType, event_type)}; "
                f"allowed: {allowed_sub_types(event_type)}."
            )
            answer = _Typed(problem=("sub_event_type", why))
        else:
            answer = _Typed(event_type, sub_type, _label(SubEventType, sub_type))
        if len(self._type_pairs) < 10_000:
            self._type_pairs[key] = answer
        return answer

    def _publishers(self, source: str) -> tuple[str, ...]:
        """ACLED's ``source`` split on ``;``, once per text (the same few recur over a file)."""
        if (known := self._sources.get(source)) is not None:
            return known
        publishers = tuple(dict.fromkeys(p.strip()[:200] for p in source.split(";") if p.strip()))
        if len(self._sources) < 100_000:
            self._sources[source] = publishers
        return publishers

    def unchanged_check(self, header: list[str]) -> Callable[[list[str]], str] | None:
        """For a CSV reader (``pipeline.read_csv``): the test ``__call__`` starts with, on a row's
        cells before any dict is made of them; it answers the external id of a row whose revision
        is already imported, else "". Most of a re-import's rows end here."""
        if not self.revisions or "event_id_cnty" not in header or "timestamp" not in header:
            return None
        at_id, at_timestamp, revisions = header.index("event_id_cnty"), header.index("timestamp"), self.revisions

        def check(cells: list[str]) -> str:
            external_id = cells[at_id].strip()
            known = revisions.get(external_id) if external_id else None
            if known is None:
                return ""
            return external_id if no_newer(whole(cells[at_timestamp].strip(), MAX_TIMESTAMP), known) else ""

        return check

    def __call__(self, row_number: int, row: dict[str, str]) -> RowResult:
        get = row.get
        external_id = (get("event_id_cnty") or "").strip()
        result = RowResult(row_number, external_id[:60])
        if isinstance(row, ShortRow):
            return result.reject("", f"{row.cells} cells where the header has more or fewer: a stray separator?")
        if not external_id:
            return result.reject("event_id_cnty", "event_id_cnty is empty.")
        timestamp = (get("timestamp") or "").strip()
        stamp = whole(timestamp, MAX_TIMESTAMP)
        known = self.revisions.get(external_id)
        if known is not None and no_newer(stamp, known):
            result.unchanged = True
            return result
        if len(external_id) > 60:
            return result.reject("event_id_cnty", "event_id_cnty is longer than 60 characters.")
        day, why, day_text = self._day((get("event_date") or "").strip())
        if day is None:
            return result.reject("event_date", why)
        typed = self._types(get("event_type") or "", get("sub_event_type") or "")
        if typed.problem:
            return result.reject(*typed.problem)
        time_precision = TIME_PRECISION.get((get("time_precision") or "").strip())
        if time_precision is None:
            return result.reject("time_precision", f"time_precision “{get('time_precision')}” is not 1, 2 or 3.")
        geo_precision = GEO_PRECISION.get((get("geo_precision") or "").strip())
        if geo_precision is None:
            return result.reject("geo_precision", f"geo_precision “{get('geo_precision')}” is not 1, 2 or 3.")
        fatalities = (get("fatalities") or "0").strip() or "0"
        killed = whole(fatalities, MAX_COUNT)
        if killed is None:
            return result.reject("fatalities", f"fatalities “{fatalities}” is not a count (0 to {MAX_COUNT}).")
        if timestamp and stamp is None:
            return result.reject("timestamp", f"timestamp “{timestamp}” is not a Unix time.")
        latitude = _coordinate((get("latitude") or "").strip(), 90)
        longitude = _coordinate((get("longitude") or "").strip(), 180)
        if latitude is False or longitude is False:
            return result.reject("latitude", "latitude/longitude is not a coordinate.")
        location = (get("location") or "").strip()
        resolved = self.resolver.resolve(  # its answers are kept per name tuple
            country=(get("country") or "").strip(),
            admin1=(get("admin1") or "").strip(),
            admin2=(get("admin2") or "").strip(),
            admin3=(get("admin3") or "").strip(),
            location=location,
        )
        if resolved is None:
            return result.reject("country", f"The country “{get('country')}” is not in the gazetteer.")
        if resolved.flag:
            result.flag(resolved.field, resolved.flag)
            geo_precision = GeoPrecision.REGION
        texts = {}
        for column, limit in (("actor1", 200), ("actor2", 200), ("assoc_actor_1", 500), ("assoc_actor_2", 500)):
            texts[column] = (get(column) or "").strip()
            if len(texts[column]) > limit:
                return result.reject(column, f"{column} is longer than {limit} characters.")
        inter1, inter2 = (get("inter1") or "").strip(), (get("inter2") or "").strip()
        if "civilian_targeting" in row:
            civilians = bool((get("civilian_targeting") or "").strip())
        else:  # the 2022 layout: civilians are the second actor's type
            civilians = inter2 in ("7", "Civilians")
        publishers = self._publishers(get("source") or "")
        title = f"{typed.label} in {location or 'an unnamed place'}, {day_text}"
        result.values = EventRow(
            external_id=external_id,
            title=title[:300],
            description=(get("notes") or "").strip(),
            event_type=typed.event_type,
            sub_event_type=typed.sub_type,
            start=day,
            date_precision=time_precision,
            place_id=resolved.place_id,
            geo_precision=int(geo_precision),
            latitude=latitude,
            longitude=longitude,
            killed=killed or None,  # ACLED's 0 is "none or unknown": stored as unknown
            civilian_targeting=civilians,
            actor1=texts["actor1"],
            actor2=texts["actor2"],
            assoc_actor1=texts["assoc_actor_1"],
            assoc_actor2=texts["assoc_actor_2"],
            inter1=INTER_CODES.get(inter1, inter1)[:60],
            inter2=INTER_CODES.get(inter2, inter2)[:60],
            source_timestamp=stamp,
            publishers=publishers,
            source_scale=(get("source_scale") or "").strip()[:100],
        )
        return result


def deletion_mapper(row_number: int, row: dict[str, str]) -> RowResult:
    external_id = (row.get("event_id_cnty") or "").strip()
    result = RowResult(row_number, external_id[:60])
    if not external_id:
        return result.reject("event_id_cnty", "event_id_cnty is empty.")
    stamp = (row.get("deleted_timestamp") or "").strip()
    if stamp and whole(stamp, MAX_TIMESTAMP) is None:
        return result.reject("deleted_timestamp", f"deleted_timestamp “{stamp}” is not a Unix time.")
    result.values = (external_id, int(stamp) if stamp else None)
    return result
