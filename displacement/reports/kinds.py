"""What each kind of report contains: its columns with HXL hashtags, and its rows.

Reports read through the same gate as everything else. An internal report sees its
organisation as an analyst does (de-identified: no contact details, no narrative, the
organisation's own codes). A partner report sees only what a sharing agreement gives that
partner, under the partner's own pseudonyms; its aggregates count only people whose consent
to statistics is active and go through small-cell suppression. Filters are the API's, with
the same names and the same validation.

List reports stream: records are read with a server-side cursor and projected one at a
time. Aggregate reports are computed in SQL or from streamed rows, then suppressed.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Count, Sum
from django.db.models.functions import Coalesce, Substr
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError as APIValidationError

from displacement import models as m
from displacement.models.reports import ReportKind, ReportPeriod
from displacement.models.sharing import RecordKind
from displacement.models.vocab import Role
from displacement.reports import published
from displacement.reports.suppression import suppress_table
from displacement.selectors import person_dates
from displacement.selectors.access import Viewer, scoped
from displacement.selectors.columns import COLUMNS as API_COLUMNS
from displacement.selectors.columns import flat_value
from displacement.selectors.corroboration import FIELDS as CORROBORATION_FIELDS
from displacement.selectors.filters import CaseFilter, DisplacementFilter, EventFilter, TestimonyFilter
from displacement.selectors.projections import projected
from displacement.selectors.sharing import active_agreements, partner_readable
from displacement.services.summaries import METRICS, displacement_cells, member_count


@dataclass(frozen=True)
class Column:
    name: str
    tag: str
    numeric: bool = False
    #: A count of people or records: no value in 1..k-1 may leave the organisation.
    count: bool = False


@dataclass
class Output:
    columns: list[Column]
    rows: Iterable[list]
    notes: dict = field(default_factory=dict)
    #: A partner's list: the pks of the records written, filled as ``rows`` is read.
    records: list[int] | None = None


@dataclass(frozen=True)
class Kind:
    record_kind: str  # what an agreement must share for a partner to receive it
    filterset: type
    date_field: str  # the field the period applies to
    model: type


KINDS = {
    ReportKind.EVENTS: Kind(RecordKind.EVENTS, EventFilter, "start", m.Event),
    ReportKind.TESTIMONIES: Kind(RecordKind.TESTIMONIES, TestimonyFilter, "recorded_on", m.Testimony),
    ReportKind.DISPLACEMENT_SUMMARY: Kind(RecordKind.SUMMARIES, DisplacementFilter, "left_on", m.Displacement),
    ReportKind.CASE_STATUS: Kind(RecordKind.SUMMARIES, CaseFilter, "opened_on", m.Case),
    ReportKind.FLOWS: Kind(RecordKind.SUMMARIES, DisplacementFilter, "left_on", m.Displacement),
}

_NUMERIC = {"killed", "injured", "affected", *(f for f in CORROBORATION_FIELDS if f != "single_source")}


def viewer_for(definition: m.ReportDefinition) -> Viewer:
    if definition.audience_id:
        return Viewer(user=None, organization=definition.audience, role=Role.PARTNER)
    return Viewer(user=None, organization=definition.organization, role=Role.ANALYST)


def window(period: str, slot: datetime.datetime, tz) -> tuple[datetime.date, datetime.date] | None:
    """The days a run of ``slot`` covers: whole days before the slot's day, in ``tz``."""
    day = slot.astimezone(tz).date()
    if period == ReportPeriod.DAY:
        return day - datetime.timedelta(days=1), day - datetime.timedelta(days=1)
    if period == ReportPeriod.WEEK:
        return day - datetime.timedelta(days=7), day - datetime.timedelta(days=1)
    if period == ReportPeriod.MONTH:
        last = day.replace(day=1) - datetime.timedelta(days=1)
        return last.replace(day=1), last
    return None


def report_window(definition: m.ReportDefinition, slot: datetime.datetime, tz):
    """``window``; for a partner's list of records dated about people (testimonies), widened to
    whole periods of the precision its agreement sets (``selectors.person_dates``): a daily
    file of a week-precision partner covers the ISO week, so no file dates a person to the day."""
    span = window(definition.period, slot, tz)
    kind = KINDS[definition.kind].record_kind
    if span is None or not definition.audience_id or kind not in person_dates.PERSON_DATES:
        return span
    precision = person_dates.precisions(kind, definition.audience).get(definition.organization_id, "week")
    return person_dates.span_widened(span, precision)


def base_queryset(definition: m.ReportDefinition, viewer: Viewer):
    """The records the report may draw from, before its filters."""
    kind = KINDS[definition.kind]
    if not definition.audience_id:
        return scoped(kind.model, viewer)
    owner = definition.organization
    if not active_agreements(partner=definition.audience, kind=kind.record_kind).filter(owner=owner).exists():
        raise ValidationError(
            _("No active sharing agreement from %(owner)s gives %(partner)s %(kind)s.")
            % {"owner": owner, "partner": definition.audience, "kind": kind.record_kind}
        )
    if published.applies(definition):
        return kind.model.objects.none()  # partner aggregates read the owner's summary cells
    return partner_readable(kind.record_kind, partner=definition.audience).filter(organization=owner)


def filtered(definition: m.ReportDefinition, queryset, viewer: Viewer, span=None):
    """Apply the definition's filters (validated as the API validates them) and its period."""
    kind = KINDS[definition.kind]
    if published.applies(definition):
        published.check_filters(definition)  # partner aggregates choose rows of whole tables instead
        return queryset
    filters = definition.filters or {}
    if not isinstance(filters, dict):
        raise ValidationError({"filters": [_("Filters are an object of names and values.")]})
    allowed = set(kind.filterset.base_filters)
    unknown = sorted(set(filters) - allowed)
    if unknown:
        raise ValidationError(
            {
                "filters": [
                    _("Unknown filter %(names)s; allowed: %(allowed)s.")
                    % {"names": ", ".join(unknown), "allowed": ", ".join(sorted(allowed))}
                ]
            }
        )
    data = {key: str(value) for key, value in filters.items()}
    filterset = kind.filterset(data=data, queryset=queryset, viewer=viewer)
    try:
        if not filterset.is_valid():
            raise ValidationError(
                {"filters": [f"{name}: {' '.join(errors)}" for name, errors in filterset.errors.items()]}
            )
        queryset = filterset.qs
    except APIValidationError as exc:
        detail = exc.detail if isinstance(exc.detail, dict) else {"filters": exc.detail}
        raise ValidationError(
            {"filters": [f"{name}: {' '.join(map(str, errors))}" for name, errors in detail.items()]}
        ) from None
    if span is not None:
        queryset = queryset.filter(**{f"{kind.date_field}__range": span})
    return queryset


def generate(definition: m.ReportDefinition, *, span=None) -> Output:
    viewer = viewer_for(definition)
    base = base_queryset(definition, viewer)
    if published.applies(definition):
        return published.generate(definition, span)
    partner = definition.audience if definition.audience_id else None
    return BUILDERS[definition.kind](filtered(definition, base, viewer, span), partner, base)


# --- lists ---------------------------------------------------------------------------------


def _list(kind: str, queryset, partner) -> Output:
    columns = [
        Column(name, tag, numeric=name in _NUMERIC)
        for name, tag in API_COLUMNS[kind]
        if not (partner is not None and name == "updated_at")  # partners never get change times
    ]

    records = [] if partner is not None else None

    def rows() -> Iterator[list]:
        for row in projected(kind, queryset.order_by("pk"), audience=partner, pks=records):
            yield [flat_value(row.get(column.name)) for column in columns]

    return Output(columns, rows(), records=records)


def events(queryset, partner, base) -> Output:
    return _list("events", queryset, partner)


def testimonies(queryset, partner, base) -> Output:
    return _list("testimonies", queryset, partner)


# --- aggregates ----------------------------------------------------------------------------


def _oblast_names() -> dict[str, str]:
    return dict(m.Place.objects.filter(admin_level=1).values_list("pcode", "name_en"))


def _suppressed(records: dict[tuple, dict[str, int]], metrics, dims: tuple[int, int], partner) -> tuple[dict, int]:
    """Suppress each metric of ``records`` (key -> metrics) as a table of two key dimensions.

    Internal reports are exact. Partner reports suppress every metric separately, with
    complementary suppression within each (row, column) table; and where the first metric
    (households, cases) is suppressed, the others of that row are too: "1 or 2 households,
    8 people" would describe one family.
    """
    if partner is None:
        return records, 0
    hidden = 0
    out = {key: dict(values) for key, values in records.items()}
    unit_hidden: set[tuple] = set()
    for metric in metrics:
        table = suppress_table({(key[dims[0]], key[dims[1]]): values[metric] for key, values in records.items()})
        for key in records:
            if table.cells[(key[dims[0]], key[dims[1]])] is None or key in unit_hidden:
                if metric == metrics[0]:
                    unit_hidden.add(key)
                out[key][metric] = None
                hidden += 1
    return out, hidden


WEEKLY_METRICS = ("households_displaced", "people_displaced", "children_displaced", "repeat_households")
WEEKLY_COLUMNS = [
    Column("week", "#date+week_start"),
    Column("adm1_pcode", "#adm1+code+origin"),
    Column("adm1_name", "#adm1+name+origin"),
    Column("households_displaced", "#affected+households+displaced", numeric=True, count=True),
    Column("people_displaced", "#affected+displaced", numeric=True, count=True),
    Column("children_displaced", "#affected+children+displaced", numeric=True, count=True),
    Column("repeat_households", "#affected+households+displaced+repeat", numeric=True, count=True),
]


def weekly_cells(queryset, base) -> dict[tuple, dict[str, int]]:
    """The displacement summary's counts by (ISO week, oblast of origin). Repeated
    displacement is ranked over each household's whole trajectory (``base``), also when
    ``queryset`` selects only some of its moves."""
    cells: dict[tuple, dict[str, int]] = defaultdict(lambda: dict.fromkeys(METRICS, 0))
    trajectories = base.filter(household_id__in=queryset.values("household_id"))
    flows = defaultdict(lambda: {"households": 0, "people": 0})
    displacement_cells(trajectories, None, cells, flows, selected=queryset)
    by_oblast: dict[tuple, dict[str, int]] = defaultdict(lambda: dict.fromkeys(WEEKLY_METRICS, 0))
    for (week, adm1, *_rest), values in cells.items():
        for metric in WEEKLY_METRICS:
            by_oblast[(week, adm1)][metric] += values[metric]
    return dict(by_oblast)


def displacement_summary(queryset, partner, base) -> Output:
    """Households, people and children displaced by week and oblast of origin (internal)."""
    records, hidden = _suppressed(weekly_cells(queryset, base), WEEKLY_METRICS, (1, 0), partner)
    names = _oblast_names()
    rows = [
        [week.isoformat(), adm1, names.get(adm1, ""), *(values[metric] for metric in WEEKLY_METRICS)]
        for (week, adm1), values in sorted(records.items(), key=lambda item: (item[0][0], item[0][1]))
    ]
    return Output(WEEKLY_COLUMNS, rows, {"suppressed_cells": hidden})


FLOW_COLUMNS = [
    Column("origin_adm1_pcode", "#adm1+code+origin"),
    Column("origin_adm1_name", "#adm1+name+origin"),
    Column("destination_adm1_pcode", "#adm1+code+dest"),
    Column("destination_adm1_name", "#adm1+name+dest"),
    Column("households", "#affected+households+displaced", numeric=True, count=True),
    Column("people", "#affected+displaced", numeric=True, count=True),
]
CASE_COLUMNS = [
    Column("adm1_pcode", "#adm1+code"),
    Column("adm1_name", "#adm1+name"),
    Column("status", "#status+case"),
    Column("cases", "#affected+cases", numeric=True, count=True),
]


def flows(queryset, partner, base) -> Output:
    rows = (
        queryset.filter(destination__isnull=False)
        .annotate(moved=Coalesce("people_count", member_count()))
        .annotate(origin_adm1=Substr("origin__pcode", 1, 4), destination_adm1=Substr("destination__pcode", 1, 4))
        .order_by()
        .values("origin_adm1", "destination_adm1")
        .annotate(households=Count("household_id", distinct=True), people=Sum("moved"))
    )
    records = {
        (row["origin_adm1"], row["destination_adm1"]): {"households": row["households"], "people": row["people"]}
        for row in rows
    }
    records, hidden = _suppressed(records, ("households", "people"), (0, 1), partner)
    names = _oblast_names()
    columns = FLOW_COLUMNS
    out = [
        [origin, names.get(origin, ""), dest, names.get(dest, ""), values["households"], values["people"]]
        for (origin, dest), values in sorted(records.items())
    ]
    return Output(columns, out, {"suppressed_cells": hidden})


def case_status(queryset, partner, base) -> Output:
    from displacement.services.summaries import case_cells

    records = defaultdict(lambda: {"cases": 0})
    for (_month, adm1, status, _counted), n in case_cells(queryset).items():
        records[(adm1, status)]["cases"] += n
    records, hidden = _suppressed(records, ("cases",), (0, 1), partner)
    names = _oblast_names()
    columns = CASE_COLUMNS
    out = [[adm1, names.get(adm1, ""), status, values["cases"]] for (adm1, status), values in sorted(records.items())]
    return Output(columns, out, {"suppressed_cells": hidden})


BUILDERS = {
    ReportKind.EVENTS: events,
    ReportKind.TESTIMONIES: testimonies,
    ReportKind.DISPLACEMENT_SUMMARY: displacement_summary,
    ReportKind.CASE_STATUS: case_status,
    ReportKind.FLOWS: flows,
}
