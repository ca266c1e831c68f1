"""The API's side of the lists' filters: the filter sets live with the selectors
(``displacement.selectors.filters``); here, the backend that hands them the caller and the
page's window, and the strict ordering parameter."""

from __future__ import annotations

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import filters as drf_filters
from rest_framework.exceptions import ValidationError

from api.pagination import page_window
from displacement.selectors.access import Viewer
from displacement.selectors.filters import StrictFilterSet


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, giving a list's filter set the caller (``viewer``) and the
    page's window (``api.pagination.page_window``, read only by a filter that uses it)."""

    def get_filterset_kwargs(self, request, queryset, view):
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        if issubclass(self.get_filterset_class(view, queryset) or object, StrictFilterSet):
            kwargs["viewer"] = Viewer.of(request.user)
            kwargs["window"] = lambda: page_window(request, view)
        return kwargs


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
