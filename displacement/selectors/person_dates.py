"""Dates about people, as partners receive them: at the precision their agreement sets.

In a small raion a date and an age band can name a family, so a partner receives when a
testimony was recorded, a household left or arrived, and a case was opened or closed as an
ISO 8601 week ("2026-W23") by default, or a month ("2026-06") or the day ("2026-06-03"), as
the owner's agreement with it says (``SharingAgreement.date_precision``; where several
agreements in force share the kind, the coarsest). Its own records it reads to the day, and
staff always do. Event dates are public facts and stay as recorded.

The same rule reaches partners four ways, each from here: the projections (``shown``, with
the precision the page's query computed, ``precision_of``), the PostgreSQL-made CSV
(``selectors.flat``, ``date_cell``), the date filters, which for a partner compare whole
periods (``coarsest``, ``period``: two filters a day apart cannot be subtracted to find the
day), and a partner's testimony report, whose period is widened to whole periods
(``span_widened``).
"""

from __future__ import annotations

import datetime

from django.db.models import Case, CharField, F, Func, QuerySet, TextField, Value, When

from displacement import models as m
from displacement.models.sharing import SharedDatePrecision as Precision

#: The dates about people in each kind's projection (events have none: their dates are facts).
PERSON_DATES = {
    "testimonies": ("recorded_on",),
    "displacements": ("left_on", "arrived_on"),
    "cases": ("opened_on", "closed_on"),
}
#: Coarsest first: where agreements differ, the coarsest wins.
_ORDER = (Precision.MONTH, Precision.WEEK, Precision.DAY)


def _agreements(kind: str, audience: m.Organization, on: datetime.date | None):
    from displacement.selectors.sharing import active_agreements

    return active_agreements(partner=audience, kind=kind, on=on)


def precision_expression(kind: str, audience: m.Organization, *, on: datetime.date | None = None) -> Case:
    """SQL: the precision of the row's dates for ``audience``: the day for its own records, else
    the coarsest of the agreements in force from the row's owner. Each agreement subquery is
    uncorrelated (PostgreSQL reads it once per query and hashes it), read afresh each time the
    query runs: a changed agreement counts at the next read."""
    agreements = _agreements(kind, audience, on)
    whens = [When(organization=audience.pk, then=Value(Precision.DAY))]
    whens += [
        When(organization__in=agreements.filter(date_precision=precision).values("owner_id"), then=Value(precision))
        for precision in _ORDER
    ]
    return Case(*whens, default=Value(Precision.WEEK), output_field=CharField())


def precisions(kind: str, audience: m.Organization) -> dict[int, str]:
    """Owner id -> precision, in Python (filters, reports, a projection of a record not loaded
    by ``loaded``): read once per request and kind (cached on the audience object), or given
    with the request's API key (``remember``)."""
    cache = audience.__dict__.setdefault("_date_precisions", {})
    if kind not in cache:
        cache[kind] = _coarsest(_agreements(kind, audience, None).values_list("owner_id", "date_precision"))
    return cache[kind]


def in_force(partner) -> QuerySet:
    """What ``remember`` needs of the agreements in force today with ``partner`` (an
    organisation, or an expression for its id): owner, kinds and precision of each."""
    from displacement.selectors.sharing import active_agreements

    agreements = active_agreements(partner=partner, kind=None).order_by()
    return agreements.values_list("owner_id", "record_kinds", "date_precision")


def given(*, owner_id: int, audience: m.Organization, on: datetime.date | None = None) -> dict[str, str | None]:
    """For each kind with dates about people, the precision at which ``audience`` receives
    ``owner_id``'s records under the agreements in force ``on`` (default today), the coarsest
    where several share the kind; None where none does. One query."""
    from displacement.selectors.sharing import active_agreements

    rows = list(
        active_agreements(partner=audience, kind=None, on=on)
        .filter(owner_id=owner_id)
        .values_list("record_kinds", "date_precision")
    )
    return {
        kind: _coarsest((owner_id, precision) for kinds, precision in rows if kind in kinds).get(owner_id)
        for kind in PERSON_DATES
    }


def remember(audience: m.Organization, agreements) -> None:
    """Keep ``in_force``'s rows for ``audience`` (read with its API key, in the same statement) as
    this request's precisions of every kind: a partner's date filter then costs no query."""
    cache = audience.__dict__.setdefault("_date_precisions", {})
    for kind in PERSON_DATES:
        cache[kind] = _coarsest((owner, precision) for owner, kinds, precision in agreements if kind in kinds)


def _coarsest(rows) -> dict[int, str]:
    found: dict[int, str] = {}
    for owner, precision in rows:
        current = found.get(owner)
        if current is None or _ORDER.index(precision) < _ORDER.index(current):
            found[owner] = precision
    return found


def coarsest(kind: str, audience: m.Organization) -> str:
    """The coarsest precision of the agreements in force sharing ``kind`` with ``audience``
    (the day when none does: its own records only). For its date filters: a constant bound,
    which PostgreSQL estimates from its statistics as before (a bound computed in the query is
    estimated blind, and a range of two at half a percent of the rows)."""
    found = set(precisions(kind, audience).values())
    return next((precision for precision in _ORDER if precision in found), Precision.DAY)


def precision_of(record, kind: str, audience: m.Organization) -> str:
    """The precision of ``record``'s dates for ``audience``: as ``loaded`` annotated it, or else read."""
    known = getattr(record, "dates_precision", None)
    if known is not None:
        return known
    if record.organization_id == audience.pk:
        return Precision.DAY
    return precisions(kind, audience).get(record.organization_id, Precision.WEEK)


def shown(day: datetime.date | None, precision: str) -> datetime.date | str | None:
    """``day`` at ``precision``: the date itself, "2026-W23" (ISO week) or "2026-06"."""
    if day is None or precision == Precision.DAY:
        return day
    if precision == Precision.MONTH:
        return f"{day.year:04d}-{day.month:02d}"
    year, week, _weekday = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


def period(day: datetime.date, precision: str) -> tuple[datetime.date, datetime.date]:
    """The first and last day of the period of ``precision`` that holds ``day`` (within the
    calendar's years 1 to 9999)."""
    if precision == Precision.MONTH:
        first = day.replace(day=1)
        if (first.year, first.month) == (9999, 12):
            return first, datetime.date.max
        return first, (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    if precision == Precision.WEEK:
        monday = day - datetime.timedelta(days=day.weekday())  # 1 January of year 1 was a Monday
        return monday, datetime.date.fromordinal(min(monday.toordinal() + 6, datetime.date.max.toordinal()))
    return day, day


def span_widened(span: tuple[datetime.date, datetime.date] | None, precision: str):
    """A report's period, from the first day of the period of ``precision`` that holds its
    first day to the last day of the one that holds its last day."""
    if span is None:
        return None
    return period(span[0], precision)[0], period(span[1], precision)[1]


#: ``shown``'s forms, as PostgreSQL's ``to_char`` formats.
_FORMATS = {Precision.DAY: "YYYY-MM-DD", Precision.WEEK: 'IYYY-"W"IW', Precision.MONTH: "YYYY-MM"}


class DateText(Func):
    """SQL: a date column as ``shown`` writes it at one precision; '' for NULL."""

    output_field = TextField()
    template = "coalesce(to_char(%(expressions)s), '')"

    def __init__(self, column: str, precision: str):
        super().__init__(F(column), Value(_FORMATS[precision]))


def date_cell(column: str, kind: str, audience: m.Organization) -> Case:
    """SQL: ``column`` as ``shown`` writes it for ``audience`` (the CSV that PostgreSQL makes):
    at each owner's precision, read once for the statement (``precisions``, as the filters
    read it) and written into it as constants, so that no row computes its precision: the
    audience's own records by the day, an owner without an agreement in force by the week."""
    owners: dict[str, list[int]] = {}
    for owner, precision in {**precisions(kind, audience), audience.pk: Precision.DAY}.items():
        owners.setdefault(precision, []).append(owner)
    whens = [
        When(organization_id__in=sorted(ids), then=DateText(column, precision))
        for precision, ids in sorted(owners.items())
        if precision != Precision.WEEK
    ]
    return Case(*whens, default=DateText(column, Precision.WEEK), output_field=TextField())
