"""The dashboard's charts: what the admin theme's Chart.js draws, and each chart's text.

The theme's script (unfold's ``app.js``) draws every ``canvas.chart`` from its ``data-value``
and, when given, its ``data-options`` (JSON in attributes: no inline script, so the content
security policy stays strict). Its default options hide the legend and the y-axis' values, so
every chart here passes its own: the theme's look, a legend naming each series, and a y-axis
numbered from 0 in the user's language (Chart.js formats ticks with ``Intl.NumberFormat`` of
the ``locale`` option). The same numbers are given as text: an ``aria-label`` summing each
series up, and a table.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from displacement.selectors.dashboard import MAX_WEEKS_DRAWN

# Colours of the theme's palette, readable in light and dark mode.
PRIMARY, SECONDARY, TERTIARY, QUATERNARY = "#9333ea", "#f97316", "#0ea5e9", "#22c55e"
SUBTLE = "#9ca3af"  # the theme's colour of axis labels and legends
DASHED = {"dash": [5, 5], "dashOffset": 2, "width": 0}
# The charts' titles, also the first words of their text alternatives.
TREND = gettext_lazy("Weekly testimonies and households displaced")
REPEAT = gettext_lazy("Households displaced again, by week")
OBLASTS = gettext_lazy("Events by oblast")
TYPES = gettext_lazy("Events by type")
CASES = gettext_lazy("Cases by status (%(total)s; now, not by period)")


@dataclass(frozen=True)
class Series:
    label: str
    values: list[int | None]  # None: a count that small-cell suppression hides (a gap)
    colour: str


def options(locale: str) -> dict:
    """The theme's chart look with a legend and a numbered y-axis; counts are whole, so no
    tick falls between two of them."""
    return {
        "animation": False,
        "responsive": True,
        "maintainAspectRatio": False,
        "locale": locale,
        "barPercentage": 1,
        "maxBarThickness": 4,
        "datasets": {
            "bar": {"borderRadius": 12, "borderSkipped": "middle"},
            "line": {"borderWidth": 2, "pointBorderWidth": 0, "pointStyle": False, "spanGaps": False},
        },
        "plugins": {
            "legend": {
                "display": True,
                "align": "end",
                "position": "top",
                "labels": {
                    "boxHeight": 5,
                    "boxWidth": 5,
                    "color": SUBTLE,
                    "pointStyle": "circle",
                    "usePointStyle": True,
                },
            },
            "tooltip": {"enabled": True},
        },
        "scales": {
            "x": {"border": DASHED, "ticks": {"color": SUBTLE}, "grid": {"display": True, "tickWidth": 0}},
            "y": {
                "beginAtZero": True,
                "border": DASHED,
                "ticks": {"color": SUBTLE, "display": True, "precision": 0},
                "grid": {"tickWidth": 0},
            },
        },
    }


def _number(value: int | None) -> str:
    return "—" if value is None else number_format(value, force_grouping=True)


def _summary(title: str, labels: list[str], series: list[Series]) -> str:
    """Each series in a sentence: its total, its highest value and where, what is hidden."""
    parts = []
    for one in series:
        shown = [(value, label) for value, label in zip(one.values, labels, strict=True) if value is not None]
        highest, at = max(shown, key=lambda pair: pair[0], default=(0, ""))
        part = _("%(series)s: %(total)s in all, at most %(highest)s (%(at)s)") % {
            "series": one.label,
            "total": _number(sum(value for value, _label in shown)),
            "highest": _number(highest),
            "at": at or _("no data"),
        }
        hidden = len(one.values) - len(shown)
        if hidden:
            hidden_words = ngettext(
                ", %(n)s value hidden by small-cell suppression",
                ", %(n)s values hidden by small-cell suppression",
                hidden,
            )
            part += hidden_words % {"n": hidden}
        parts.append(part)
    return _("%(title)s. %(series)s.") % {"title": title, "series": "; ".join(parts)}


def chart(kind: str, title: str, axis: str, labels: list[str], series: list[Series]) -> dict:
    """One chart: Chart.js's data and options as JSON, its summary, and its table (a row per
    label on the x-axis, named ``axis``)."""
    # A line's legend marker is filled with its background colour (a line is not filled).
    datasets = [
        {"label": one.label, "data": one.values, "borderColor": one.colour, "backgroundColor": one.colour}
        for one in series
    ]
    return {
        "kind": kind,
        "title": title,
        "data": json.dumps({"labels": labels, "datasets": datasets}),
        "options": json.dumps(options(translation.get_language() or "en")),
        "summary": _summary(title, labels, series),
        "axis": axis,
        "columns": [one.label for one in series],
        "rows": [(label, [_number(one.values[i]) for one in series]) for i, label in enumerate(labels)],
    }


def dashboard_charts(data: dict) -> dict:
    """The dashboard's five charts from ``selectors.dashboard.dashboard_data``."""
    weekly, week = data["weekly"], _("Week")

    def events(title, counts, axis, colour):
        return chart("bar", str(title), axis, counts["labels"], [Series(_("Events"), counts["values"], colour)])

    return {
        "trend": chart(
            "line",
            str(TREND),
            week,
            weekly["labels"],
            [
                Series(_("Testimonies"), weekly["testimonies"], PRIMARY),
                Series(_("Households displaced"), weekly["households_displaced"], SECONDARY),
            ],
        ),
        "repeat": chart(
            "bar",
            str(REPEAT),
            week,
            weekly["labels"],
            [Series(_("Households displaced again"), weekly["repeat_households"], SECONDARY)],
        ),
        "oblasts": events(OBLASTS, data["by_oblast"], _("Oblast"), PRIMARY),
        "types": events(TYPES, data["by_type"], _("Event type"), TERTIARY),
        "cases": chart(
            "bar",
            str(CASES) % {"total": _number(data["cases_total"])},
            _("Status"),
            data["by_status"]["labels"],
            [Series(_("Cases"), data["by_status"]["values"], QUATERNARY)],
        ),
    }


def weekly_notes(weekly: dict) -> list[str]:
    """What the weekly charts' axis and empty weeks mean."""
    notes = {
        "period": _("Every week of the period is on the axis."),
        "data": _(
            "The period is longer than %(weeks)s weeks: the axis runs from its first to its last week "
            "with records, every week between them included."
        )
        % {"weeks": MAX_WEEKS_DRAWN},
        "sparse": _(
            "The records spread over more than %(weeks)s weeks: only the weeks with records are drawn, "
            "side by side. Choose a shorter period to see every week."
        )
        % {"weeks": MAX_WEEKS_DRAWN},
    }
    found = [notes[weekly["drawn"]]]
    if weekly["drawn"] != "sparse":
        found.append(_("A week without records is at zero."))
    if weekly["suppressed"]:
        found.append(_("A gap is a week whose count small-cell suppression hides: it is not zero."))
    else:
        found.append(_("These are exact counts: the staff dashboard hides none by suppression."))
    return found
