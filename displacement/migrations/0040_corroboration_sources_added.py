# Replaces the corroboration functions and triggers of 0033 (the rule is unchanged, so no row
# changes): inserted links to sources count the events that had no row from the inserted links
# alone, and the refresh runs without JIT. Written by displacement.models.corroboration
# (install_sql, uninstall_sql) when this migration was made; a test keeps them equal.

from importlib import import_module

from django.db import migrations

PREVIOUS = import_module("displacement.migrations.0033_event_corroboration")

INSTALL = r"""
CREATE OR REPLACE FUNCTION dsp_corroboration_refresh(ids bigint[]) RETURNS void LANGUAGE plpgsql
SET work_mem = '64MB' SET jit = off AS $dsp$
DECLARE
  made bigint[];
  rest bigint[];
BEGIN
  IF cardinality(ids) IS NULL OR cardinality(ids) = 0 THEN RETURN; END IF;
  EXECUTE $sql$
  WITH wanted AS (SELECT DISTINCT x.id FROM unnest($1) AS x(id) WHERE x.id IS NOT NULL AND NOT EXISTS (SELECT FROM displacement_eventcorroboration e WHERE e.event_id = x.id)),
  publishers AS (
    SELECT l.event_id, min(CASE s.kind WHEN 'interview' THEN 1 WHEN 'media' THEN 2 WHEN 'social_media' THEN 2 WHEN 'official_statement' THEN 3 WHEN 'partner_report' THEN 4 WHEN 'satellite' THEN 5 END) AS rank
    FROM wanted JOIN displacement_event_sources l ON l.event_id = wanted.id
    JOIN displacement_source s ON s.id = l.source_id
    GROUP BY l.event_id, coalesce(nullif(lower(btrim(s.publisher)), ''), '#' || s.id)
  ), kinds AS (
    SELECT event_id, count(*) FILTER (WHERE rank = 1) AS testimony, count(*) FILTER (WHERE rank = 2) AS media, count(*) FILTER (WHERE rank = 3) AS official, count(*) FILTER (WHERE rank = 4) AS partner_report, count(*) FILTER (WHERE rank = 5) AS satellite FROM publishers GROUP BY event_id
  ), witnesses AS (
    SELECT te.event_id, count(DISTINCT coalesce(t.household_id, -t.id)) AS households,
           count(DISTINCT coalesce(t.household_id, -t.id)) FILTER (WHERE t.sharing_consent AND t.sensitivity <> 'restricted') AS shared_households
    FROM wanted JOIN displacement_testimonyevent te ON te.event_id = wanted.id
    JOIN displacement_testimony t ON t.id = te.testimony_id
    GROUP BY te.event_id
  ), written AS (
    INSERT INTO displacement_eventcorroboration AS c (event_id, testimony, media, official, partner_report, satellite, households, shared_households)
    SELECT wanted.id, coalesce(k.testimony, 0), coalesce(k.media, 0), coalesce(k.official, 0), coalesce(k.partner_report, 0), coalesce(k.satellite, 0), coalesce(w.households, 0), coalesce(w.shared_households, 0)
    FROM wanted LEFT JOIN kinds k ON k.event_id = wanted.id LEFT JOIN witnesses w ON w.event_id = wanted.id
    ON CONFLICT (event_id) DO NOTHING
    RETURNING c.event_id
  )
  SELECT coalesce(array_agg(event_id), '{}') FROM written
  $sql$ INTO made USING ids;
  EXECUTE $sql$SELECT coalesce(array_agg(id), '{}') FROM (
    SELECT x.id FROM unnest($1) AS x(id) WHERE x.id IS NOT NULL EXCEPT SELECT unnest($2)) AS r$sql$
  INTO rest USING ids, made;
  IF cardinality(rest) = 0 THEN RETURN; END IF;
  EXECUTE $sql$SELECT count(*) FROM (SELECT FROM displacement_eventcorroboration c JOIN unnest($1) AS x(id)
    ON c.event_id = x.id ORDER BY c.event_id FOR UPDATE OF c) AS locked$sql$ USING rest;
  EXECUTE $sql$
  WITH wanted AS (SELECT unnest($1) AS id),
  publishers AS (
    SELECT l.event_id, min(CASE s.kind WHEN 'interview' THEN 1 WHEN 'media' THEN 2 WHEN 'social_media' THEN 2 WHEN 'official_statement' THEN 3 WHEN 'partner_report' THEN 4 WHEN 'satellite' THEN 5 END) AS rank
    FROM wanted JOIN displacement_event_sources l ON l.event_id = wanted.id
    JOIN displacement_source s ON s.id = l.source_id
    GROUP BY l.event_id, coalesce(nullif(lower(btrim(s.publisher)), ''), '#' || s.id)
  ), kinds AS (
    SELECT event_id, count(*) FILTER (WHERE rank = 1) AS testimony, count(*) FILTER (WHERE rank = 2) AS media, count(*) FILTER (WHERE rank = 3) AS official, count(*) FILTER (WHERE rank = 4) AS partner_report, count(*) FILTER (WHERE rank = 5) AS satellite FROM publishers GROUP BY event_id
  ), witnesses AS (
    SELECT te.event_id, count(DISTINCT coalesce(t.household_id, -t.id)) AS households,
           count(DISTINCT coalesce(t.household_id, -t.id)) FILTER (WHERE t.sharing_consent AND t.sensitivity <> 'restricted') AS shared_households
    FROM wanted JOIN displacement_testimonyevent te ON te.event_id = wanted.id
    JOIN displacement_testimony t ON t.id = te.testimony_id
    GROUP BY te.event_id
  ), written AS (
    INSERT INTO displacement_eventcorroboration AS c (event_id, testimony, media, official, partner_report, satellite, households, shared_households)
    SELECT wanted.id, coalesce(k.testimony, 0), coalesce(k.media, 0), coalesce(k.official, 0), coalesce(k.partner_report, 0), coalesce(k.satellite, 0), coalesce(w.households, 0), coalesce(w.shared_households, 0)
    FROM wanted LEFT JOIN kinds k ON k.event_id = wanted.id LEFT JOIN witnesses w ON w.event_id = wanted.id
    ON CONFLICT (event_id) DO UPDATE SET testimony = EXCLUDED.testimony, media = EXCLUDED.media, official = EXCLUDED.official, partner_report = EXCLUDED.partner_report, satellite = EXCLUDED.satellite, households = EXCLUDED.households, shared_households = EXCLUDED.shared_households WHERE (c.testimony, c.media, c.official, c.partner_report, c.satellite, c.households, c.shared_households) IS DISTINCT FROM (EXCLUDED.testimony, EXCLUDED.media, EXCLUDED.official, EXCLUDED.partner_report, EXCLUDED.satellite, EXCLUDED.households, EXCLUDED.shared_households)
    RETURNING c.event_id
  )
  SELECT coalesce(array_agg(event_id), '{}') FROM written
  $sql$ INTO made USING rest;
END
$dsp$;
CREATE FUNCTION dsp_corroboration_sources_in() RETURNS trigger LANGUAGE plpgsql SET work_mem = '64MB' SET jit = off AS $dsp$
DECLARE
  made bigint[];
  events bigint;
BEGIN
  EXECUTE $sql$
  WITH publishers AS (
    SELECT l.event_id, min(CASE s.kind WHEN 'interview' THEN 1 WHEN 'media' THEN 2 WHEN 'social_media' THEN 2 WHEN 'official_statement' THEN 3 WHEN 'partner_report' THEN 4 WHEN 'satellite' THEN 5 END) AS rank
    FROM new_links l
    JOIN displacement_source s ON s.id = l.source_id
    GROUP BY l.event_id, coalesce(nullif(lower(btrim(s.publisher)), ''), '#' || s.id)
  ), kinds AS (
    SELECT event_id, count(*) FILTER (WHERE rank = 1) AS testimony, count(*) FILTER (WHERE rank = 2) AS media, count(*) FILTER (WHERE rank = 3) AS official, count(*) FILTER (WHERE rank = 4) AS partner_report, count(*) FILTER (WHERE rank = 5) AS satellite FROM publishers GROUP BY event_id
  ), written AS (
    INSERT INTO displacement_eventcorroboration AS c (event_id, testimony, media, official, partner_report, satellite, households, shared_households)
    SELECT k.event_id, k.testimony, k.media, k.official, k.partner_report, k.satellite, 0, 0 FROM kinds k
    ON CONFLICT (event_id) DO NOTHING
    RETURNING c.event_id
  )
  SELECT coalesce(array_agg(event_id), '{}'), (SELECT count(*) FROM kinds) FROM written
  $sql$ INTO made, events;
  IF cardinality(made) < events THEN
    PERFORM dsp_corroboration_refresh(ARRAY(SELECT event_id FROM new_links EXCEPT SELECT unnest(made)));
  END IF;
  RETURN NULL;
END
$dsp$;
CREATE TRIGGER dsp_corroboration_sources_in AFTER INSERT ON displacement_event_sources REFERENCING NEW TABLE AS new_links
  FOR EACH STATEMENT EXECUTE FUNCTION dsp_corroboration_sources_in();
CREATE FUNCTION dsp_corroboration_sources_out() RETURNS trigger LANGUAGE plpgsql AS $dsp$
BEGIN
  PERFORM dsp_corroboration_refresh(ARRAY(SELECT DISTINCT event_id FROM old_links));
  RETURN NULL;
END
$dsp$;
CREATE TRIGGER dsp_corroboration_sources_out AFTER DELETE ON displacement_event_sources REFERENCING OLD TABLE AS old_links
  FOR EACH STATEMENT EXECUTE FUNCTION dsp_corroboration_sources_out();
CREATE FUNCTION dsp_corroboration_sources_moved() RETURNS trigger LANGUAGE plpgsql AS $dsp$
BEGIN
  PERFORM dsp_corroboration_refresh(ARRAY(SELECT event_id FROM old_links UNION SELECT event_id FROM new_links));
  RETURN NULL;
END
$dsp$;
CREATE TRIGGER dsp_corroboration_sources_moved AFTER UPDATE ON displacement_event_sources REFERENCING OLD TABLE AS old_links NEW TABLE AS new_links
  FOR EACH STATEMENT EXECUTE FUNCTION dsp_corroboration_sources_moved();
CREATE FUNCTION dsp_corroboration_testimonies_in() RETURNS trigger LANGUAGE plpgsql AS $dsp$
BEGIN
  PERFORM dsp_corroboration_refresh(ARRAY(SELECT DISTINCT event_id FROM new_links));
  RETURN NULL;
END
$dsp$;
CREATE TRIGGER dsp_corroboration_testimonies_in AFTER INSERT ON displacement_testimonyevent REFERENCING NEW TABLE AS new_links
  FOR EACH STATEMENT EXECUTE FUNCTION dsp_corroboration_testimonies_in();
CREATE FUNCTION dsp_corroboration_testimonies_out() RETURNS trigger LANGUAGE plpgsql AS $dsp$
BEGIN
  PERFORM dsp_corroboration_refresh(ARRAY(SELECT DISTINCT event_id FROM old_links));
  RETURN NULL;
END
$dsp$;
CREATE TRIGGER dsp_corroboration_testimonies_out AFTER DELETE ON displacement_testimonyevent REFERENCING OLD TABLE AS old_links
  FOR EACH STATEMENT EXECUTE FUNCTION dsp_corroboration_testimonies_out();
CREATE FUNCTION dsp_corroboration_testimony_link_moved() RETURNS trigger LANGUAGE plpgsql AS $dsp$
BEGIN
  PERFORM dsp_corroboration_refresh(ARRAY(SELECT OLD.event_id UNION SELECT NEW.event_id));
  RETURN NULL;
END
$dsp$;
CREATE TRIGGER dsp_corroboration_testimony_link_moved AFTER UPDATE ON displacement_testimonyevent
  FOR EACH ROW WHEN (OLD.event_id IS DISTINCT FROM NEW.event_id OR OLD.testimony_id IS DISTINCT FROM NEW.testimony_id) EXECUTE FUNCTION dsp_corroboration_testimony_link_moved();
CREATE FUNCTION dsp_corroboration_testimony_changed() RETURNS trigger LANGUAGE plpgsql AS $dsp$
BEGIN
  PERFORM dsp_corroboration_refresh(ARRAY(SELECT l.event_id FROM displacement_testimonyevent l WHERE l.testimony_id = NEW.id));
  RETURN NULL;
END
$dsp$;
CREATE TRIGGER dsp_corroboration_testimony_changed AFTER UPDATE ON displacement_testimony
  FOR EACH ROW WHEN ((OLD.household_id, OLD.sharing_consent, OLD.sensitivity) IS DISTINCT FROM (NEW.household_id, NEW.sharing_consent, NEW.sensitivity)) EXECUTE FUNCTION dsp_corroboration_testimony_changed();
CREATE FUNCTION dsp_corroboration_source_changed() RETURNS trigger LANGUAGE plpgsql AS $dsp$
BEGIN
  PERFORM dsp_corroboration_refresh(ARRAY(SELECT l.event_id FROM displacement_event_sources l WHERE l.source_id = NEW.id));
  RETURN NULL;
END
$dsp$;
CREATE TRIGGER dsp_corroboration_source_changed AFTER UPDATE ON displacement_source
  FOR EACH ROW WHEN ((OLD.kind, OLD.publisher) IS DISTINCT FROM (NEW.kind, NEW.publisher)) EXECUTE FUNCTION dsp_corroboration_source_changed();
CREATE FUNCTION dsp_corroboration_event_deleted() RETURNS trigger LANGUAGE plpgsql AS $dsp$
BEGIN
  DELETE FROM displacement_eventcorroboration c USING old_events o WHERE c.event_id = o.id;
  RETURN NULL;
END
$dsp$;
CREATE TRIGGER dsp_corroboration_event_deleted AFTER DELETE ON displacement_event
  REFERENCING OLD TABLE AS old_events FOR EACH STATEMENT EXECUTE FUNCTION dsp_corroboration_event_deleted();
"""

UNINSTALL = r"""
DROP FUNCTION dsp_corroboration_sources_in() CASCADE;
DROP FUNCTION dsp_corroboration_sources_out() CASCADE;
DROP FUNCTION dsp_corroboration_sources_moved() CASCADE;
DROP FUNCTION dsp_corroboration_testimonies_in() CASCADE;
DROP FUNCTION dsp_corroboration_testimonies_out() CASCADE;
DROP FUNCTION dsp_corroboration_testimony_link_moved() CASCADE;
DROP FUNCTION dsp_corroboration_testimony_changed() CASCADE;
DROP FUNCTION dsp_corroboration_source_changed() CASCADE;
DROP FUNCTION dsp_corroboration_event_deleted() CASCADE;
DROP FUNCTION dsp_corroboration_refresh(bigint[]);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("displacement", "0039_displacement_kind"),
    ]

    operations = [
        migrations.RunSQL(PREVIOUS.UNINSTALL + INSTALL, UNINSTALL + PREVIOUS.INSTALL),
    ]
