"""How many independent sources stand behind each event: one row an event, kept by the database.

The rule, written once (``REFRESH_SQL``, the function ``dsp_corroboration_refresh``): an event's
independent sources are its distinct publishers plus the distinct households among its
testimonies.

- A publisher counts once however many of the event's sources it published (two articles of one
  newspaper are one source); publishers are compared trimmed and case-folded, and a source
  without a publisher counts as one of its own. A publisher is counted under the kind of its
  sources (``vocab.CORROBORATION_KIND_OF_SOURCE``), the first in ``CorroborationKind``'s order
  when its sources have several, so that the kinds add up to the total.
- A household counts once however many of its members testified (three testimonies from one
  family are one source); a testimony without a household counts as one of its own. Every
  testimony linked to the event counts, whatever its relation and whether or not the reader may
  read its narrative: the count says that a household spoke, not what it said.
- For partners (``shared_households``), only testimonies that may leave the organisation count
  (``selectors.sharing.sharing_testimony``: an active consent to sharing, not restricted).

Triggers recompute an event's row whenever its inputs change: links between events and sources
or testimonies (inserted, deleted, moved), a source's kind or publisher, a testimony's
household, consent to sharing or sensitivity. An event with no row has no source. The row is
not history (it is derived) and never changes the event (no history row, no ``updated_at``).
"""

from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from .vocab import CORROBORATION_KIND_OF_SOURCE, CorroborationKind, Sensitivity

#: Independent sources from which an event counts as corroborated: fewer is single-source.
CORROBORATED_AT = 2

#: The per-kind columns of publishers, in ``CorroborationKind``'s order.
KIND_COLUMNS = tuple(kind.value for kind in CorroborationKind)


class EventCorroboration(models.Model):
    event = models.OneToOneField(
        "displacement.Event",
        primary_key=True,
        on_delete=models.DO_NOTHING,  # the event's delete trigger removes the row
        db_constraint=False,  # links may be written before their event (foreign keys are deferred)
        related_name="corroboration",
        verbose_name=_("event"),
    )
    testimony = models.PositiveIntegerField(_("publishers of interviews"), default=0)
    media = models.PositiveIntegerField(_("media publishers"), default=0)
    official = models.PositiveIntegerField(_("official publishers"), default=0)
    partner_report = models.PositiveIntegerField(_("publishers of partner reports"), default=0)
    satellite = models.PositiveIntegerField(_("publishers of satellite imagery"), default=0)
    households = models.PositiveIntegerField(_("households that testified"), default=0)
    shared_households = models.PositiveIntegerField(_("households that testified, shared with partners"), default=0)
    independent = models.GeneratedField(
        expression=F("testimony") + F("media") + F("official") + F("partner_report") + F("satellite") + F("households"),
        output_field=models.PositiveIntegerField(),
        db_persist=True,
        verbose_name=_("independent sources"),
    )
    shared_independent = models.GeneratedField(
        expression=F("testimony")
        + F("media")
        + F("official")
        + F("partner_report")
        + F("satellite")
        + F("shared_households"),
        output_field=models.PositiveIntegerField(),
        db_persist=True,
        verbose_name=_("independent sources partners are told of"),
    )

    class Meta:
        verbose_name = _("corroboration")
        verbose_name_plural = _("corroborations")

    def __str__(self):
        return f"E-{self.event_id}: {self.independent}"


def _kind_rank() -> str:
    """SQL: the rank (1..) of a source's corroboration kind, from its kind (alias ``s``)."""
    ranks = {kind.value: rank for rank, kind in enumerate(CorroborationKind, start=1)}
    cases = " ".join(
        f"WHEN '{source}' THEN {ranks[kind.value]}" for source, kind in CORROBORATION_KIND_OF_SOURCE.items()
    )
    return f"CASE s.kind {cases} END"


#: The columns of a row that are counted (``independent`` and ``shared_independent`` add them up).
COUNTED = (*KIND_COLUMNS, "households", "shared_households")


def _publishers_and_kinds(links: str, events: str) -> str:
    """SQL: the CTEs ``publishers`` (each distinct publisher of an event, with its kind's rank)
    and ``kinds`` (an event's publishers by kind), read from ``links`` joined as ``events``."""
    per_kind = ", ".join(
        f"count(*) FILTER (WHERE rank = {rank}) AS {column}" for rank, column in enumerate(KIND_COLUMNS, start=1)
    )
    return f"""publishers AS (
    SELECT l.event_id, min({_kind_rank()}) AS rank
    FROM {events.format(links=links)}
    JOIN displacement_source s ON s.id = l.source_id
    GROUP BY l.event_id, coalesce(nullif(lower(btrim(s.publisher)), ''), '#' || s.id)
  ), kinds AS (
    SELECT event_id, {per_kind} FROM publishers GROUP BY event_id
  )"""  # noqa: S608 (from constants)


def _upsert(wanted: str, conflict: str) -> str:
    """SQL: compute the rows of the events ``wanted`` (a query of ids, ``$1`` the array) and
    write them, ``conflict`` deciding what happens to a row that exists."""
    values = ", ".join(f"coalesce(k.{c}, 0)" for c in KIND_COLUMNS) + ", coalesce(w.households, 0)"
    values += ", coalesce(w.shared_households, 0)"
    household = "coalesce(t.household_id, -t.id)"
    shared = f"t.sharing_consent AND t.sensitivity <> '{Sensitivity.RESTRICTED.value}'"
    if conflict == "update":
        conflict = (
            f"DO UPDATE SET {', '.join(f'{c} = EXCLUDED.{c}' for c in COUNTED)}"
            f" WHERE ({', '.join(f'c.{c}' for c in COUNTED)}) IS DISTINCT FROM"
            f" ({', '.join(f'EXCLUDED.{c}' for c in COUNTED)})"
        )
    publishers = _publishers_and_kinds("displacement_event_sources", "wanted JOIN {links} l ON l.event_id = wanted.id")
    return f"""
  WITH wanted AS ({wanted}),
  {publishers}, witnesses AS (
    SELECT te.event_id, count(DISTINCT {household}) AS households,
           count(DISTINCT {household}) FILTER (WHERE {shared}) AS shared_households
    FROM wanted JOIN displacement_testimonyevent te ON te.event_id = wanted.id
    JOIN displacement_testimony t ON t.id = te.testimony_id
    GROUP BY te.event_id
  ), written AS (
    INSERT INTO displacement_eventcorroboration AS c (event_id, {", ".join(COUNTED)})
    SELECT wanted.id, {values}
    FROM wanted LEFT JOIN kinds k ON k.event_id = wanted.id LEFT JOIN witnesses w ON w.event_id = wanted.id
    ON CONFLICT (event_id) {conflict}
    RETURNING c.event_id
  )
  SELECT coalesce(array_agg(event_id), '{{}}') FROM written"""  # noqa: S608 (function source, from constants)


def _refresh_sql() -> str:
    """The function recomputing the rows of events ``ids``. Events without a row get one (an
    insert; one written meanwhile by another transaction is waited for, then left); the others
    are locked in order first, then recomputed by a statement of its own, whose fresh snapshot
    sees every concurrent change committed before the lock was granted: two transactions
    linking sources to one event never write a count that misses the other's link. Each
    statement is planned with the array's values (EXECUTE): a hash join for an import's
    200,000 events, index probes for one; with memory enough for an import's aggregates not to
    spill to disk; without JIT (compiling took 1.2 s of an import's statement, more than running it)."""
    new = (
        "SELECT DISTINCT x.id FROM unnest($1) AS x(id) WHERE x.id IS NOT NULL"
        " AND NOT EXISTS (SELECT FROM displacement_eventcorroboration e WHERE e.event_id = x.id)"
    )
    return f"""
CREATE OR REPLACE FUNCTION dsp_corroboration_refresh(ids bigint[]) RETURNS void LANGUAGE plpgsql
SET work_mem = '64MB' SET jit = off AS $dsp$
DECLARE
  made bigint[];
  rest bigint[];
BEGIN
  IF cardinality(ids) IS NULL OR cardinality(ids) = 0 THEN RETURN; END IF;
  EXECUTE $sql${_upsert(new, "DO NOTHING")}
  $sql$ INTO made USING ids;
  EXECUTE $sql$SELECT coalesce(array_agg(id), '{{}}') FROM (
    SELECT x.id FROM unnest($1) AS x(id) WHERE x.id IS NOT NULL EXCEPT SELECT unnest($2)) AS r$sql$
  INTO rest USING ids, made;
  IF cardinality(rest) = 0 THEN RETURN; END IF;
  EXECUTE $sql$SELECT count(*) FROM (SELECT FROM displacement_eventcorroboration c JOIN unnest($1) AS x(id)
    ON c.event_id = x.id ORDER BY c.event_id FOR UPDATE OF c) AS locked$sql$ USING rest;
  EXECUTE $sql${_upsert("SELECT unnest($1) AS id", "update")}
  $sql$ INTO made USING rest;
END
$dsp$;
""".strip()  # noqa: S608 (function source, from constants)


def _statement_trigger(table: str, name: str, operation: str, referencing: str, events: str) -> str:
    return f"""
CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $dsp$
BEGIN
  PERFORM dsp_corroboration_refresh(ARRAY({events}));
  RETURN NULL;
END
$dsp$;
CREATE TRIGGER {name} AFTER {operation} ON {table} REFERENCING {referencing}
  FOR EACH STATEMENT EXECUTE FUNCTION {name}();
""".strip()


def _row_trigger(table: str, name: str, changed: str, events: str) -> str:
    return f"""
CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $dsp$
BEGIN
  PERFORM dsp_corroboration_refresh(ARRAY({events}));
  RETURN NULL;
END
$dsp$;
CREATE TRIGGER {name} AFTER UPDATE ON {table}
  FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION {name}();
""".strip()


def _sources_added() -> str:
    """The trigger of inserted links to sources. An event without a row has never had a link of
    any kind (its first link makes its row, zeros included; only its delete removes it), so all
    its links to sources are in this statement's ``new_links`` and it has no testimony: its row
    is counted from ``new_links`` alone, by the same rule, without reading the links and
    testimonies tables (an import's 200,000 new events: 3 s less). Every event of the statement
    is counted so and offered; an event that has a row keeps it (``DO NOTHING``: so does one whose
    row another transaction wrote meanwhile, waited for) and is recounted by
    ``dsp_corroboration_refresh``, only when there is such an event."""
    name = "dsp_corroboration_sources_in"
    publishers = _publishers_and_kinds("new_links", "{links} l")
    kinds = ", ".join(f"k.{c}" for c in KIND_COLUMNS)
    return f"""
CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql SET work_mem = '64MB' SET jit = off AS $dsp$
DECLARE
  made bigint[];
  events bigint;
BEGIN
  EXECUTE $sql$
  WITH {publishers}, written AS (
    INSERT INTO displacement_eventcorroboration AS c (event_id, {", ".join(COUNTED)})
    SELECT k.event_id, {kinds}, 0, 0 FROM kinds k
    ON CONFLICT (event_id) DO NOTHING
    RETURNING c.event_id
  )
  SELECT coalesce(array_agg(event_id), '{{}}'), (SELECT count(*) FROM kinds) FROM written
  $sql$ INTO made, events;
  IF cardinality(made) < events THEN
    PERFORM dsp_corroboration_refresh(ARRAY(SELECT event_id FROM new_links EXCEPT SELECT unnest(made)));
  END IF;
  RETURN NULL;
END
$dsp$;
CREATE TRIGGER {name} AFTER INSERT ON displacement_event_sources REFERENCING NEW TABLE AS new_links
  FOR EACH STATEMENT EXECUTE FUNCTION {name}();
""".strip()  # noqa: S608 (function source, from constants)


#: The refresh function and the triggers that call it, as migration 0040 installs them (a test
#: keeps them equal). Changing the rule needs a new migration that replaces the function and
#: refreshes every row.
REFRESH_SQL = _refresh_sql()
TRIGGERS = {
    "dsp_corroboration_sources_in": _sources_added(),
    "dsp_corroboration_sources_out": _statement_trigger(
        "displacement_event_sources",
        "dsp_corroboration_sources_out",
        "DELETE",
        "OLD TABLE AS old_links",
        "SELECT DISTINCT event_id FROM old_links",
    ),
    "dsp_corroboration_sources_moved": _statement_trigger(
        "displacement_event_sources",
        "dsp_corroboration_sources_moved",
        "UPDATE",
        "OLD TABLE AS old_links NEW TABLE AS new_links",
        "SELECT event_id FROM old_links UNION SELECT event_id FROM new_links",
    ),
    "dsp_corroboration_testimonies_in": _statement_trigger(
        "displacement_testimonyevent",
        "dsp_corroboration_testimonies_in",
        "INSERT",
        "NEW TABLE AS new_links",
        "SELECT DISTINCT event_id FROM new_links",
    ),
    "dsp_corroboration_testimonies_out": _statement_trigger(
        "displacement_testimonyevent",
        "dsp_corroboration_testimonies_out",
        "DELETE",
        "OLD TABLE AS old_links",
        "SELECT DISTINCT event_id FROM old_links",
    ),
    # A link's update that moves it (the event copies' updates leave these alone: no call).
    "dsp_corroboration_testimony_link_moved": _row_trigger(
        "displacement_testimonyevent",
        "dsp_corroboration_testimony_link_moved",
        "OLD.event_id IS DISTINCT FROM NEW.event_id OR OLD.testimony_id IS DISTINCT FROM NEW.testimony_id",
        "SELECT OLD.event_id UNION SELECT NEW.event_id",
    ),
    "dsp_corroboration_testimony_changed": _row_trigger(
        "displacement_testimony",
        "dsp_corroboration_testimony_changed",
        "(OLD.household_id, OLD.sharing_consent, OLD.sensitivity)"
        " IS DISTINCT FROM (NEW.household_id, NEW.sharing_consent, NEW.sensitivity)",
        "SELECT l.event_id FROM displacement_testimonyevent l WHERE l.testimony_id = NEW.id",
    ),
    "dsp_corroboration_source_changed": _row_trigger(
        "displacement_source",
        "dsp_corroboration_source_changed",
        "(OLD.kind, OLD.publisher) IS DISTINCT FROM (NEW.kind, NEW.publisher)",
        "SELECT l.event_id FROM displacement_event_sources l WHERE l.source_id = NEW.id",
    ),
}
#: A deleted event's row goes with it.
EVENT_DELETED = """
CREATE FUNCTION dsp_corroboration_event_deleted() RETURNS trigger LANGUAGE plpgsql AS $dsp$
BEGIN
  DELETE FROM displacement_eventcorroboration c USING old_events o WHERE c.event_id = o.id;
  RETURN NULL;
END
$dsp$;
CREATE TRIGGER dsp_corroboration_event_deleted AFTER DELETE ON displacement_event
  REFERENCING OLD TABLE AS old_events FOR EACH STATEMENT EXECUTE FUNCTION dsp_corroboration_event_deleted();
""".strip()


def install_sql() -> str:
    return "\n".join([REFRESH_SQL, *TRIGGERS.values(), EVENT_DELETED])


def uninstall_sql() -> str:
    names = [*TRIGGERS, "dsp_corroboration_event_deleted"]
    drops = [f"DROP FUNCTION {name}() CASCADE;" for name in names]  # and its trigger
    return "\n".join([*drops, "DROP FUNCTION dsp_corroboration_refresh(bigint[]);"])
