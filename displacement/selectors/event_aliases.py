"""Events by an external id: their own, or one they took when another event merged into them."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from displacement import models as m


def by_external_id(events: QuerySet[m.Event], *, organization, external_id: str) -> QuerySet[m.Event]:
    """``events`` (already scoped by the caller's gate) that ``organization`` knows by
    ``external_id``: at most one, since an id is an event's own or an alias, never both."""
    aliased = m.EventAlias.objects.filter(organization=organization, external_id=external_id).values("event_id")
    return events.filter(Q(organization=organization, external_id=external_id) | Q(pk__in=aliased))


def aliases_of(event: m.Event) -> list[str]:
    """The external ids ``event`` took from events merged into it."""
    return list(m.EventAlias.objects.filter(event=event).values_list("external_id", flat=True))
