"""The copies on the links between testimonies and events (``TestimonyEvent``): one performance
mechanism, with its columns, triggers, indexes and reads here, behind the names below.

Each link carries copies of its event's owner, start, type, sub-type, target and place
(``EVENT_COPIES``) and of its testimony's ``updated_at`` (``TESTIMONY_COPIES``), kept by the
database (statement triggers on events and testimonies, a row trigger on the links), never in
the history. A filter of testimonies through their events tests each testimony with one
index-only read of its links (``link_unique``) rather than a read of the link and of the event,
and a filter by a rare event date reads a page's candidates in page order from the links alone
(``in_page_order``, the index ``testimony_event_start_idx``).

Why it stays: measured on the bench's million testimonies (bench/results/2026-12-07-mechanisms.md),
a partner's testimony page filtered by event type, sub-type or target took 1.2 to 1.4 times as
long without the copies, and one filtered by a rare event date 2.0 to 2.2 times as long without
the window they carry: beyond the 10 ms a page may take at its median.
"""

from __future__ import annotations

import pgtrigger
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

#: The event's columns that filters through events read, and the names of their copies on each link.
EVENT_COPIES = {
    "event_owner": "organization_id",
    "event_start": "start",
    "event_type": "event_type",
    "event_sub_type": "sub_event_type",
    "event_target": "target",
    "event_place": "place_id",
}
#: The testimony's column that a filtered page orders by, and the name of its copy on each link.
TESTIMONY_COPIES = {"testimony_updated_at": "updated_at"}
#: The copy of the event's owner, by which a partner's view of a testimony's links is decided.
OWNER = "event_owner"
#: A filter's lookup on an event, and the same lookup on the copies its links carry.
LINK_LOOKUPS = {
    "start__gte": "event_start__gte",
    "start__lte": "event_start__lte",
    "event_type": "event_type",
    "sub_event_type": "event_sub_type",
    "target": "event_target",
    "place__in": "event_place__in",
}


# --- the columns, indexes and triggers ---------------------------------------------------------


class LinkCopies(models.Model):
    """The copied columns, for ``TestimonyEvent`` to inherit: whatever is written to them, the
    database stores the event's and the testimony's values."""

    event_owner = models.BigIntegerField(_("event's organisation"), null=True, editable=False)
    event_start = models.DateField(_("event's start"), null=True, editable=False)
    event_type = models.CharField(_("event type"), max_length=40, db_default="", default="", editable=False)
    event_sub_type = models.CharField(_("sub-event type"), max_length=50, db_default="", default="", editable=False)
    event_target = models.CharField(_("target"), max_length=30, db_default="", default="", editable=False)
    event_place = models.BigIntegerField(_("event's place"), null=True, editable=False)
    testimony_updated_at = models.DateTimeField(_("testimony's last change"), null=True, editable=False)

    class Meta:
        abstract = True


def link_indexes() -> list[models.Index]:
    """The links' indexes that read the copies."""
    return [
        # A testimony's links in the order they were made, with what a projection or an export
        # shows of them and the copy of the event's owner a partner's view tests
        # (``selectors.projections.visible_links``): one index-only read a testimony.
        models.Index(
            fields=["testimony", "id"], include=["event", "relation", OWNER], name="testimony_event_listed_idx"
        ),
        # A filter on testimonies by a rare event date: the links of the events of those dates
        # that the caller may read, in the page's order, from this index alone (``in_page_order``).
        models.Index(
            fields=["event_start"],
            include=[OWNER, "testimony_updated_at", "testimony"],
            name="testimony_event_start_idx",
        ),
    ]


def link_unique() -> models.UniqueConstraint:
    """A testimony speaks of an event once; the index covers the copies too, so a filter through
    events tests a testimony by one read of it (an index-only scan)."""
    return models.UniqueConstraint(
        fields=["testimony", "event"], include=list(EVENT_COPIES), name="testimony_event_unique"
    )


def _copies_to_links(name: str, operation, *, copies: dict[str, str], key: str, rows: str) -> pgtrigger.Trigger:
    """The statement trigger on a table whose rows' values the links carry (``copies``: the
    link's column, the table's): it writes the values a statement wrote (its transition table,
    named ``rows``) into the copies of the links whose ``key`` names those rows, all at once."""
    differ = (
        f"({', '.join(f'l.{copy}' for copy in copies)}) IS DISTINCT FROM"
        f" ({', '.join(f'n.{column}' for column in copies.values())})"
    )
    return pgtrigger.Trigger(
        name=name,
        level=pgtrigger.Statement,
        when=pgtrigger.After,
        operation=operation,
        referencing=pgtrigger.Referencing(new=rows),
        func=(
            "UPDATE displacement_testimonyevent l SET "  # noqa: S608 (trigger source, from constants)
            + ", ".join(f"{copy} = n.{column}" for copy, column in copies.items())
            + f" FROM {rows} n WHERE l.{key} = n.id AND {differ}; RETURN NULL;"
        ),
    )


def event_triggers() -> list[pgtrigger.Trigger]:
    """On events: the copies on the links of the events a statement wrote (their rows at once).
    A link written meanwhile waits for the event's lock (its own trigger), then copies the
    committed values. Under READ COMMITTED, as Django runs: a REPEATABLE READ update of an event
    would not see a link committed after its snapshot. A new event has links only if they were
    written first (foreign keys are checked at commit): they get its values now."""
    return [
        _copies_to_links(
            "event_copies_updated", pgtrigger.Update, copies=EVENT_COPIES, key="event_id", rows="new_events"
        ),
        _copies_to_links(
            "event_copies_inserted", pgtrigger.Insert, copies=EVENT_COPIES, key="event_id", rows="new_events"
        ),
    ]


def testimony_triggers() -> list[pgtrigger.Trigger]:
    """On testimonies: the copy of ``updated_at`` on their links."""
    return [
        _copies_to_links(
            f"testimony_copies_{change}",
            operation,
            copies=TESTIMONY_COPIES,
            key="testimony_id",
            rows="new_testimonies",
        )
        for change, operation in (("updated", pgtrigger.Update), ("inserted", pgtrigger.Insert))
    ]


def link_trigger() -> pgtrigger.Trigger:
    """On links: a new link, or one moved to another event (testimony), reads the event's (the
    testimony's) values FOR SHARE: it waits for a change to it being written, then reads what was
    committed. One not written yet (foreign keys are checked at commit) fills them when it is.
    Any other update keeps the copies it had (a direct write does not stick) and locks nothing
    more: a testimony's save locks its links (its copy), and a link then reading its event would
    wait for an event's save that waits for that link, a deadlock. The event's and the
    testimony's own triggers (depth 2) write their values as they are."""
    return pgtrigger.Trigger(
        name="testimony_event_copies",
        when=pgtrigger.Before,
        operation=pgtrigger.Insert | pgtrigger.Update,
        func=(
            "IF TG_OP = 'UPDATE' AND pg_trigger_depth() > 1 THEN RETURN NEW; END IF;"  # noqa: S608
            " IF TG_OP = 'INSERT' OR NEW.event_id IS DISTINCT FROM OLD.event_id THEN"
            f" SELECT {', '.join(f'e.{column}' for column in EVENT_COPIES.values())}"
            f" INTO {', '.join(f'NEW.{name}' for name in EVENT_COPIES)}"
            " FROM displacement_event e WHERE e.id = NEW.event_id FOR SHARE;"
            " IF NOT FOUND THEN NEW.event_type := ''; NEW.event_sub_type := ''; NEW.event_target := '';"
            " END IF;"
            f" ELSE {' '.join(f'NEW.{name} := OLD.{name};' for name in EVENT_COPIES)} END IF;"
            " IF TG_OP = 'INSERT' OR NEW.testimony_id IS DISTINCT FROM OLD.testimony_id THEN"
            f" SELECT {', '.join(f't.{column}' for column in TESTIMONY_COPIES.values())}"
            f" INTO {', '.join(f'NEW.{name}' for name in TESTIMONY_COPIES)}"
            " FROM displacement_testimony t WHERE t.id = NEW.testimony_id FOR SHARE;"
            f" ELSE {' '.join(f'NEW.{name} := OLD.{name};' for name in TESTIMONY_COPIES)} END IF;"
            " RETURN NEW;"
        ),
    )


#: Never in the history: derived, and rewritten by every change of an event or testimony.
UNRECORDED = [*EVENT_COPIES, *TESTIMONY_COPIES]


# --- the reads -----------------------------------------------------------------------------------


def matching(links: QuerySet, readable: Q, lookup: str, value) -> QuerySet:
    """``links`` to events the caller may read (``readable``, a condition on ``OWNER``) that
    match an event filter's ``lookup`` by their copies (``LINK_LOOKUPS``)."""
    return links.filter(readable, **{LINK_LOOKUPS[lookup]: value})


def in_page_order(links: QuerySet, *, after, descending: bool, rows: int) -> list[int]:
    """The testimonies of ``links`` in page order (``updated_at``, then id) past ``after``: the
    first ``rows`` of them, from the index of the links by their event's start, without reading
    a testimony."""
    if after is not None:
        links = links.filter(**{f"testimony_updated_at__{'lt' if descending else 'gt'}": after})
    order = ("-testimony_updated_at", "-testimony") if descending else ("testimony_updated_at", "testimony")
    return list(links.order_by(*order).values_list("testimony", flat=True)[:rows])
