"""De-identified projections: the only shapes in which records leave their organisation.

One function per record kind, used by the API, the reports and exports alike. For a
partner, every id is a keyed hash of the record and the partner, so two partners' files
cannot be joined; places are generalised to the raion (admin 2) with no coordinates;
people appear as age bands and sex; dates about people at the precision the agreement sets
(``selectors.person_dates``: an ISO week by default); contact details never appear; a
narrative appears only when the testimony is public and its sharing consent is active. For an analyst of
the owning organisation (``audience=None``) the shapes are the same, with the
organisation's own pseudonymous codes. Ids are enciphered per partner
(``selectors.pseudonyms``): the server reads them back, partners cannot join them.
"""

from __future__ import annotations

import datetime
from collections import Counter
from itertools import islice

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import BooleanField, ExpressionWrapper, OuterRef, Subquery, TextField, Value
from django.db.models.functions import Cast, Concat, JSONObject

from displacement import models as m
from displacement.models import link_copies
from displacement.models.vocab import CHILD_AGE_BANDS
from displacement.selectors import corroboration, person_dates, pseudonyms
from displacement.selectors.places import NO_PLACE, generalised_places
from displacement.selectors.sharing import event_shared, narrative_shared


def pseudonym(kind: str, pk: int | None, audience: m.Organization | None, own_code: str = "") -> str | None:
    """The id of ``kind`` #``pk`` as ``audience`` sees it; for the owner (None), its own code."""
    if pk is None:
        return None
    if audience is None:
        return own_code or str(pk)
    return pseudonyms.encode(kind, pk, audience.pk)


def _links(testimony: m.Testimony, audience: m.Organization | None) -> list[tuple[int, str]]:
    """(event id, relation) of each link of ``testimony`` that ``audience`` may see, in the
    order they were made: as ``loaded`` annotated them ("12:witnessed"), or else read."""
    rows = getattr(testimony, "link_rows", None)
    if rows is not None:
        return [(int(event), relation) for event, _, relation in (row.partition(":") for row in rows)]
    if audience is None:
        links = sorted(testimony.event_links.all(), key=lambda link: link.pk)
        return [(link.event_id, link.relation) for link in links]
    links = m.TestimonyEvent.objects.filter(testimony=testimony).filter(
        event_shared(link_copies.OWNER, partner=audience)
    )
    return list(links.order_by("pk").values_list("event_id", "relation"))


def _members(household: m.Household) -> list[dict]:
    """Age band, sex and vulnerabilities of each member: as ``loaded`` annotated them, or else read."""
    rows = getattr(household, "member_rows", None)
    if rows is not None:
        return rows
    return [
        {"age_band": p.age_band, "sex": p.sex, "vulnerabilities": p.vulnerabilities} for p in household.members.all()
    ]


def visible_links(audience: m.Organization | None, *, on: datetime.date | None = None):
    """The links of the testimony ``OuterRef("pk")`` that ``audience`` may see (a partner:
    to events it may read, under the agreements in force ``on``, default today), in the order
    they were made; for a subquery."""
    links = m.TestimonyEvent.objects.filter(testimony=OuterRef("pk")).order_by("pk")
    if audience is not None:
        links = links.filter(event_shared(link_copies.OWNER, partner=audience, on=on))
    return links


def _dated(record, kind: str, audience: m.Organization | None) -> dict:
    """The dates about people of ``record``: exact for staff, at the agreement's precision for a partner."""
    fields = person_dates.PERSON_DATES[kind]
    if audience is None:
        return {field: getattr(record, field) for field in fields}
    precision = person_dates.precision_of(record, kind, audience)
    return {field: person_dates.shown(getattr(record, field), precision) for field in fields}


def _changed(record, audience) -> dict:
    """Staff see when a record changed. Partners do not: an exact time shared by every partner
    would let two of them join their files; they sync with ``updated_since`` instead."""
    return {"updated_at": record.updated_at} if audience is None else {}


def _shown(record, field: str, audience: m.Organization | None) -> bool:
    """May ``audience`` see the event at ``record.<field>`` (``sharing.event_shared``)? For a
    partner's page the query answered already (``loaded`` annotates ``<field>_shared``)."""
    if audience is None:
        return True
    known = getattr(record, f"{field}_shared", None)
    if known is not None:
        return known
    event = m.Event.objects.filter(pk=getattr(record, f"{field}_id"))
    return event.filter(event_shared("organization", partner=audience)).exists()


def _household(record, audience: m.Organization | None) -> str | None:
    """The household of ``record`` as ``audience`` names it; staff by its code (loaded only for them)."""
    if record.household_id is None:
        return None
    if audience is not None:
        return pseudonyms.encode("household", record.household_id, audience.pk)
    code = record.household_code if hasattr(record, "household_code") else record.household.code
    return code or str(record.household_id)


def generalised_place(place_id: int | None) -> dict:
    """The oblast and raion of the place ``place_id``; never the hromada, never coordinates.
    A page warms the cache first (``warm``), so this reads no database."""
    if place_id is None:
        return dict(NO_PLACE)
    entry = generalised_places([place_id]).get(place_id)
    return dict(entry[0]) if entry else dict(NO_PLACE)


def _prefixed(prefix: str, place_id: int | None) -> dict:
    return {f"{prefix}_{key}": value for key, value in generalised_place(place_id).items()}


#: The place columns each kind's projection generalises.
PLACE_COLUMNS = {
    "events": ["place_id"],
    "households": ["current_place_id"],
    "displacements": ["origin_id", "destination_id"],
}


def warm(kind: str, records) -> None:
    """Read the places of a page of ``records`` in one query, before projecting them."""
    columns = PLACE_COLUMNS.get(kind)
    if columns:
        generalised_places(getattr(record, column) for record in records for column in columns)


def event_projection(event: m.Event, *, audience: m.Organization | None) -> dict:
    return {
        "id": pseudonym("event", event.pk, audience, f"E-{event.pk}"),
        "category": event.category,
        "event_type": event.event_type,
        "sub_event_type": event.sub_event_type,
        "displacement_kind": event.displacement_kind,
        "weapon": event.weapon,
        "target": event.target,
        "start": event.start,
        "end": event.end,
        "date_precision": event.date_precision,
        **generalised_place(event.place_id),
        "killed": event.killed,
        "injured": event.injured,
        "affected": event.affected,
        "civilian_targeting": event.civilian_targeting,
        "verification_status": event.verification_status,
        # Independent sources (``selectors.corroboration``): counts only, as ``audience`` is told.
        **corroboration.counts(event, audience=audience),
        **_changed(event, audience),
    }


def narrative_shareable(testimony: m.Testimony) -> bool:
    """May a partner read this narrative (``sharing.narrative_shared``)? As ``loaded`` annotated
    it (``narrative_shared``), or else the rule checked against the record's columns as it was
    loaded: readers load it afresh (the gate and every partner read do), never a copy kept
    across a consent's change."""
    known = getattr(testimony, "narrative_shared", None)
    if known is not None:
        return known
    columns = {"sensitivity": testimony.sensitivity, "sharing_consent": testimony.sharing_consent}
    return narrative_shared().check(columns)


def testimony_projection(testimony: m.Testimony, *, audience: m.Organization | None) -> dict:
    return {
        "id": pseudonym("testimony", testimony.pk, audience, testimony.code),
        **_dated(testimony, "testimonies", audience),
        "language": testimony.language,
        "witness_role": testimony.witness_role,
        "household": _household(testimony, audience),
        "summary": testimony.summary,
        "narrative": testimony.narrative if audience is not None and narrative_shareable(testimony) else None,
        "sensitivity": testimony.sensitivity,
        "events": [
            {"event": pseudonym("event", event_id, audience, f"E-{event_id}"), "relation": relation}
            for event_id, relation in _links(testimony, audience)
        ],
        **_changed(testimony, audience),
    }


def household_projection(household: m.Household, *, audience: m.Organization | None) -> dict:
    members = _members(household)
    return {
        "id": pseudonym("household", household.pk, audience, household.code),
        "size": len(members),
        "children": sum(p["age_band"] in CHILD_AGE_BANDS for p in members),
        "members": sorted(
            ({"age_band": p["age_band"], "sex": p["sex"]} for p in members),
            key=lambda p: (p["age_band"], p["sex"]),
        ),
        "vulnerabilities": dict(sorted(Counter(v for p in members for v in p["vulnerabilities"]).items())),
        **_prefixed("current", household.current_place_id),
        **_changed(household, audience),
    }


def displacement_projection(displacement: m.Displacement, *, audience: m.Organization | None) -> dict:
    return {
        "id": pseudonym("displacement", displacement.pk, audience, f"D-{displacement.pk}"),
        "household": _household(displacement, audience),
        **_prefixed("origin", displacement.origin_id),
        **_prefixed("destination", displacement.destination_id),
        **_dated(displacement, "displacements", audience),
        "left_on_precision": displacement.left_on_precision,
        "cause": pseudonym("event", displacement.cause_id, audience, f"E-{displacement.cause_id}")
        if displacement.cause_id and _shown(displacement, "cause", audience)
        else None,
        "shelter_type": displacement.shelter_type,
        "people_count": displacement.people_count,
        **_changed(displacement, audience),
    }


def case_projection(case: m.Case, *, audience: m.Organization | None) -> dict:
    return {
        "id": pseudonym("case", case.pk, audience, case.reference),
        "household": _household(case, audience),
        "status": case.status,
        "priority": case.priority,
        "needs": sorted(case.needs),
        **_dated(case, "cases", audience),
        **_changed(case, audience),
    }


PROJECTIONS = {
    "events": event_projection,
    "testimonies": testimony_projection,
    "households": household_projection,
    "displacements": displacement_projection,
    "cases": case_projection,
}

#: Kinds whose projection names a household: staff read its code (partners, a pseudonym of its id).
NAMES_HOUSEHOLD = {"testimonies", "displacements", "cases"}


def loaded(kind: str, queryset, *, audience: m.Organization | None, on: datetime.date | None = None):
    """``queryset`` with what the projection of ``kind`` reads, in one query: related codes
    joined, and lists (a testimony's event links, a household's members) and what depends on
    the audience (whether the partner may read a linked event)
    computed by subqueries. A page costs one query, and no model instance per related row."""
    if kind in NAMES_HOUSEHOLD and audience is None:
        # The code alone, no household instance per record; by subquery, not a join, so that
        # PostgreSQL reads it for the page's rows only, after any sort (a join, for every match).
        code = m.Household.objects.filter(pk=OuterRef("household_id")).order_by().values("code")
        queryset = queryset.annotate(household_code=Subquery(code))
    if kind == "events":
        queryset = corroboration.with_counts(queryset)
    elif kind == "testimonies":
        listed = Concat(Cast("event_id", TextField()), Value(":"), "relation", output_field=TextField())
        queryset = queryset.annotate(link_rows=ArraySubquery(visible_links(audience, on=on).values_list(listed)))
        if audience is not None:
            queryset = queryset.annotate(
                narrative_shared=ExpressionWrapper(narrative_shared(), output_field=BooleanField())
            )
    elif kind == "households":
        members = m.Person.objects.filter(household=OuterRef("pk")).order_by("pk")
        row = JSONObject(age_band="age_band", sex="sex", vulnerabilities="vulnerabilities")
        queryset = queryset.annotate(member_rows=ArraySubquery(members.values_list(row)))
    elif kind == "displacements" and audience is not None:
        queryset = queryset.annotate(
            cause_shared=ExpressionWrapper(
                event_shared("cause__organization", partner=audience, on=on), output_field=BooleanField()
            )
        )
    if kind in person_dates.PERSON_DATES and audience is not None:
        # The precision of the row's dates about people (``selectors.person_dates``).
        queryset = queryset.annotate(dates_precision=person_dates.precision_expression(kind, audience, on=on))
    return queryset


def projected(kind: str, queryset, *, audience: m.Organization | None, pks: list[int] | None = None):
    """Yield the projection of every record of ``queryset``, loading related rows in bulk;
    each record's pk is appended to ``pks`` if given (what a partner's file holds)."""
    project = PROJECTIONS[kind]
    records = loaded(kind, queryset, audience=audience).iterator(chunk_size=500)
    while chunk := list(islice(records, 500)):
        warm(kind, chunk)
        if pks is not None:
            pks.extend(record.pk for record in chunk)
        for record in chunk:
            yield project(record, audience=audience)
