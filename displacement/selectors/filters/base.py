"""What every filter set shares: strict values and parameters, one form class per set, the
caller (``viewer``) and, for a page, its window in the page order (``PageWindow``).

Filters are strict: an unknown value is a 400 that lists the allowed values, an unknown
parameter is a 400 that lists the allowed parameters, never an empty list that looks like
"nothing happened". Filters take plain values (``data``) and a ``Viewer``: the API passes
a request's parameters, reports their definition's filters.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import django_filters as df
from django import forms
from django.http import QueryDict

from displacement.models.dates import QUERY_WINDOW
from displacement.selectors.access import Viewer
from displacement.selectors.filters.dates import SinceFilter

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


@dataclass(frozen=True)
class PageWindow:
    """Where a list's page starts, in the order of ``updated_at`` and ``id``: a filter whose
    matches are read from an index in that order can stop at the page's end."""

    #: The page's rows come strictly after this ``updated_at`` (in ``descending`` order), if given.
    after: str | None
    descending: bool
    #: How many rows the page's query reads: DRF's offset, the page and one more.
    rows: int


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

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, viewer=None, window=None):
        # As django-filter's, but for the copy of the filters: it deep-copies every filter (and
        # its choices) for each request, where a filter holds no state of its own but its
        # parent and model, and a shallow copy serves.
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = self._meta.model._default_manager.all() if queryset is None else queryset
        self.request = request
        #: Who filters (the filters depend on it: a partner's places, events, dates, searches).
        self.viewer = viewer if viewer is not None or request is None else Viewer.of(request.user)
        #: The page being read, if a list's page: ``window()`` gives its ``PageWindow`` or None.
        self.window = window
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
