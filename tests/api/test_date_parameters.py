"""Every date and time query parameter of every list: a value outside the window that stored
dates keep to is a 400 naming the parameter, never a 500 (an overflow while converting it).

The parameters are read from the URLconf's viewsets and their filter sets, so a new date
filter is covered without touching this file."""

import urllib.parse

import pytest
from django import forms
from django.urls import get_resolver

from displacement.selectors.filters import SinceFilter, StrictFilterSet

pytestmark = pytest.mark.django_db


def _lists():
    """(route, parameter, is a time) for every date or time filter of every list in the URLconf."""
    found = []
    namespace = get_resolver().namespace_dict["api"][1]
    for pattern in namespace.url_patterns:
        if not (pattern.name or "").endswith("-list") or "format" in pattern.pattern.regex.groupindex:
            continue
        view = pattern.callback.cls
        filters = getattr(view, "filterset_class", None)
        if filters is None or not issubclass(filters, StrictFilterSet):
            continue
        prefix = str(pattern.pattern).split("/")[0].lstrip("^")
        for name, filter_ in filters.base_filters.items():
            if name not in filters.parameters():
                continue
            if isinstance(filter_, SinceFilter) or issubclass(filter_.field_class, forms.DateTimeField):
                found.append((prefix, name, True))
            elif issubclass(filter_.field_class, forms.DateField):
                found.append((prefix, name, False))
    return found


PARAMETERS = _lists()
OUT_OF_RANGE = {
    True: ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "1899-12-31T23:59:59Z", "3000-01-01T00:00:00Z"],
    False: ["0001-01-01", "9999-12-31", "1899-12-31", "3000-01-01"],
}
#: Partners ask summaries for whole months: a first day to start from, a last day to end on.
IN_RANGE = {True: "2025-01-01T00:00:00+14:00", "after": "2025-01-01", "before": "2025-01-31"}


def test_the_date_parameters_are_found_in_the_urlconf():
    """The derivation sees the parameters the issue named (a broken derivation tests nothing)."""
    names = {(route, name) for route, name, _ in PARAMETERS}
    assert {("events", "updated_since"), ("deletions", "since"), ("report-runs", "slot_after")} <= names
    assert {("summaries", "occurred_before"), ("testimonies", "occurred_after")} <= names


@pytest.mark.parametrize("caller", ["partner", "staff"])
@pytest.mark.parametrize(("route", "name", "is_time"), PARAMETERS, ids=[f"{r}-{n}" for r, n, _ in PARAMETERS])
def test_a_date_outside_the_window_is_a_400_with_a_field_error(request, world, caller, route, name, is_time):
    client = request.getfixturevalue(caller)
    for value in OUT_OF_RANGE[is_time]:
        response = client.get(f"/api/v1/{route}/?{urllib.parse.urlencode({name: value})}")
        assert response.status_code == 400, (value, response.content[:300])
        assert name in response.json()["error"]["fields"], value


@pytest.mark.parametrize("caller", ["partner", "staff"])
@pytest.mark.parametrize(("route", "name", "is_time"), PARAMETERS, ids=[f"{r}-{n}" for r, n, _ in PARAMETERS])
def test_a_date_inside_the_window_with_any_offset_is_answered(request, world, caller, route, name, is_time):
    client = request.getfixturevalue(caller)
    value = IN_RANGE[True if is_time else name.rsplit("_", 1)[-1]]
    response = client.get(f"/api/v1/{route}/?{urllib.parse.urlencode({name: value})}")
    assert response.status_code == 200, response.content[:300]
