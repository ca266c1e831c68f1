"""The SQL of the event duplicate pass: PostgreSQL finds every pair within the windows.

No PostGIS, no contrib extension (the embedded server has none): each event gets, in a
temporary table, its date window (``lo`` to ``hi``: the day, or the whole week or month at
those precisions, to its end if it has one), its level of place (1: a point, its coordinates at
exact precision, or its settlement's centroid; 2: its raion; 3: its oblast), a grid cell of the
point (cells at least the distance window wide), and a group of compatible types. Pairs are
found by hash joins on equal keys (organisation, type group, a 7-day bucket of the windows,
then the cell and its 8 neighbours, or the raion, or the oblast): each event is compared only
with the events in its own neighbourhood and week. The windows, the distance (haversine) and
the types are then tested exactly on that short list.

The "probe" side of each join holds the events being checked (the whole pass: every event not
from ACLED; a check after a write: the written events), the "key" side every event. Two events
both from ACLED never meet there: ACLED already merges co-occurring events, so its distinct
events meet only in ``ACLED_PAIRS``, when they agree on everything ACLED merges on.
"""

from __future__ import annotations

import math

#: Days are bucketed by weeks from this day (earlier than any event: ``models.dates``).
EPOCH = "1900-01-01"
BUCKET_DAYS = 7
EARTH_KM = 6371.0088
#: Grid cells are as wide in longitude as the distance window at this latitude (and narrower
#: in kilometres anywhere south of it): pairs further north than 70° could be missed.
GRID_LATITUDE = 70


def type_group_sql(compatible: list[tuple[str, str]]) -> str:
    """The type group of ``e``: its category and its type, compatible types sharing one."""
    parent: dict[str, str] = {}

    def find(t: str) -> str:
        while parent.get(t, t) != t:
            t = parent[t]
        return t

    for first, second in compatible:
        parent[find(second)] = find(first)
    members = sorted({t for pair in compatible for t in pair})
    whens = " ".join(f"WHEN '{t}' THEN '{find(t)}'" for t in members if find(t) != t)
    group = f"CASE e.event_type {whens} ELSE e.event_type END" if whens else "e.event_type"
    return f"e.category || ':' || {group}"


def events_sql(*, km: float, compatible: list[tuple[str, str]]) -> str:
    """The events in scope with their windows, level and keys (parameters: organization, full,
    ids, days)."""
    cell_lat = km / 111.2
    cell_lon = km / (111.32 * math.cos(math.radians(GRID_LATITUDE)))
    return f"""
CREATE TEMP TABLE dup_event ON COMMIT DROP AS
WITH checked AS (SELECT unnest(%(ids)s::bigint[]) AS id),
scope AS (
  SELECT e.*, (w.lo) AS lo,
         GREATEST(COALESCE(e."end", e.start), CASE e.date_precision
             WHEN 'week' THEN w.lo + 6
             WHEN 'day' THEN e.start
             ELSE (w.lo + interval '1 month' - interval '1 day')::date END) AS hi
  FROM displacement_event e
  CROSS JOIN LATERAL (SELECT CASE e.date_precision
             WHEN 'week' THEN date_trunc('week', e.start)::date
             WHEN 'day' THEN e.start
             ELSE date_trunc('month', e.start)::date END AS lo) w
  WHERE (%(organization)s::bigint IS NULL OR e.organization_id = %(organization)s)
    AND (%(full)s OR e.organization_id IN (
          SELECT organization_id FROM displacement_event WHERE id IN (SELECT id FROM checked)))
)
SELECT e.id, e.organization_id AS org, e.origin = 'acled' AS acled,
       (%(full)s OR e.id IN (SELECT id FROM checked)) AS checked,
       {type_group_sql(compatible)} AS grp,
       e.event_type AS etype, e.sub_event_type AS sub, e.displacement_kind AS kind, e.target,
       e.lo, e.hi, e.date_precision = 'day' AND e."end" IS NULL AS day_exact, e.start, e.date_precision AS dprec,
       e.latitude AS acled_lat, e.longitude AS acled_lon, e.actor1, e.actor2,
       pt.lat, pt.lon,
       floor(pt.lat / {cell_lat})::int AS cx, floor(pt.lon / {cell_lon})::int AS cy,
       pl.raion, pl.oblast,
       CASE WHEN pt.lat IS NOT NULL THEN 1
            WHEN e.geo_precision <= 2 AND pl.raion IS NOT NULL THEN 2
            WHEN pl.oblast IS NOT NULL THEN 3 END AS level
FROM scope e
JOIN displacement_place p ON p.id = e.place_id
LEFT JOIN displacement_place p1 ON p1.id = p.parent_id
LEFT JOIN displacement_place p2 ON p2.id = p1.parent_id
CROSS JOIN LATERAL (SELECT
    CASE p.admin_level WHEN 2 THEN p.id WHEN 3 THEN p.parent_id WHEN 4 THEN p1.parent_id END AS raion,
    CASE p.admin_level WHEN 1 THEN p.id WHEN 2 THEN p.parent_id WHEN 3 THEN p1.parent_id
                       WHEN 4 THEN p2.parent_id END AS oblast) pl
CROSS JOIN LATERAL (SELECT
    CASE WHEN e.geo_precision <> 1 THEN NULL
         WHEN e.latitude IS NOT NULL AND e.longitude IS NOT NULL THEN e.latitude::float8
         WHEN p.admin_level = 4 AND p.longitude IS NOT NULL THEN p.latitude::float8 END AS lat,
    CASE WHEN e.geo_precision <> 1 THEN NULL
         WHEN e.latitude IS NOT NULL AND e.longitude IS NOT NULL THEN e.longitude::float8
         WHEN p.admin_level = 4 AND p.latitude IS NOT NULL THEN p.longitude::float8 END AS lon) pt
WHERE (%(full)s OR (e.start <= (SELECT max(hi) FROM scope WHERE id IN (SELECT id FROM checked)) + %(days)s + 31
                    AND e.hi >= (SELECT min(lo) FROM scope WHERE id IN (SELECT id FROM checked)) - %(days)s))
"""  # noqa: S608 (from constants and settings' numbers)


def _buckets(widen: str) -> str:
    return (
        f"generate_series((d.lo - {widen} - DATE '{EPOCH}') / {BUCKET_DAYS},"
        f" (d.hi + {widen} - DATE '{EPOCH}') / {BUCKET_DAYS}) b(bucket)"
    )


#: Every event under its buckets (the key side).
KEYS = f"""
CREATE TEMP TABLE dup_key ON COMMIT DROP AS
SELECT d.id, d.org, d.grp, d.acled, d.level, b.bucket, d.cx, d.cy, d.raion, d.oblast
FROM dup_event d, {_buckets("0")} WHERE d.level IS NOT NULL;
ANALYZE dup_key
"""  # noqa: S608

#: The events being checked under the buckets of their windows widened by the days window, with
#: the origins they may meet (``kflag``: ACLED or not; an ACLED event meets only others, unless
#: ``acled_apart`` is false: the bench's count of what the rule spares the queue).
PROBES = f"""
CREATE TEMP TABLE dup_probe ON COMMIT DROP AS
SELECT d.id, d.org, d.grp, d.level, b.bucket, d.cx, d.cy, d.raion, d.oblast, f.kflag
FROM dup_event d CROSS JOIN (VALUES (false), (true)) f(kflag), {_buckets("%(days)s")}
WHERE d.level IS NOT NULL AND d.checked AND NOT (d.acled AND f.kflag AND %(acled_apart)s)
  AND (NOT %(full)s OR NOT d.acled OR NOT %(acled_apart)s);
ANALYZE dup_probe
"""  # noqa: S608

_SAME = "k.org = p.org AND k.grp = p.grp AND k.bucket = p.bucket AND k.acled = p.kflag AND k.id <> p.id"

#: The short list: (probe, key, level) for points near each other, raions and oblasts.
SHORT_LIST = f"""
CREATE TEMP TABLE dup_pair ON COMMIT DROP AS
SELECT p.id AS a, k.id AS b, 1 AS level
FROM dup_probe p CROSS JOIN generate_series(-1, 1) dx(v) CROSS JOIN generate_series(-1, 1) dy(v)
JOIN dup_key k ON {_SAME} AND k.cx = p.cx + dx.v AND k.cy = p.cy + dy.v
WHERE p.level = 1 AND k.level = 1
UNION ALL
SELECT p.id, k.id, 2 FROM dup_probe p JOIN dup_key k ON {_SAME} AND k.raion = p.raion
WHERE p.level = 2 AND k.level <= 2
UNION ALL
SELECT p.id, k.id, 2 FROM dup_probe p JOIN dup_key k ON {_SAME} AND k.raion = p.raion
WHERE p.level = 1 AND k.level = 2
UNION ALL
SELECT p.id, k.id, 3 FROM dup_probe p JOIN dup_key k ON {_SAME} AND k.oblast = p.oblast
WHERE p.level = 3
UNION ALL
SELECT p.id, k.id, 3 FROM dup_probe p JOIN dup_key k ON {_SAME} AND k.oblast = p.oblast
WHERE p.level < 3 AND k.level = 3
"""  # noqa: S608

#: Two ACLED events are candidates only when they agree on everything ACLED merges on: the same
#: date (at the same precision), the same coordinates, the same sub-event type, the same two actors.
ACLED_PAIRS = """
INSERT INTO dup_pair
SELECT a.id, b.id, GREATEST(a.level, b.level)
FROM dup_event a JOIN dup_event b
  ON b.org = a.org AND b.grp = a.grp AND b.etype = a.etype AND b.sub = a.sub AND b.start = a.start
 AND b.acled_lat = a.acled_lat AND b.acled_lon = a.acled_lon AND b.actor1 = a.actor1 AND b.actor2 = a.actor2
WHERE a.acled AND b.acled AND a.id < b.id AND b.dprec = a.dprec
  AND a.level IS NOT NULL AND b.level IS NOT NULL AND (a.checked OR b.checked)
"""


def facts_sql(*, km: float) -> str:
    """Each pair once (smaller id first), tested exactly, with what the score needs."""
    distance = (
        f"2 * {EARTH_KM} * asin(LEAST(1, sqrt(power(sin(radians(b.lat - a.lat) / 2), 2)"
        " + cos(radians(a.lat)) * cos(radians(b.lat)) * power(sin(radians(b.lon - a.lon) / 2), 2))))"
    )
    return f"""
SELECT a.org, a.id, b.id, s.level, s.km, GREATEST(0, a.lo - b.hi, b.lo - a.hi),
       a.day_exact AND b.day_exact,
       CASE WHEN a.etype <> b.etype THEN 'compatible'
            WHEN (a.sub <> '' AND a.sub = b.sub) OR (a.kind <> '' AND a.kind = b.kind) THEN 'same_sub_type'
            ELSE 'same_type' END,
       CASE WHEN a.target = '' OR b.target = '' THEN 'unknown'
            WHEN a.target = b.target THEN 'same' ELSE 'different' END
FROM (SELECT DISTINCT LEAST(a, b) AS a, GREATEST(a, b) AS b, level FROM dup_pair) pr
JOIN dup_event a ON a.id = pr.a JOIN dup_event b ON b.id = pr.b
CROSS JOIN LATERAL (SELECT CASE pr.level WHEN 1 THEN 'point' WHEN 2 THEN 'raion' ELSE 'oblast' END AS level,
                           CASE WHEN pr.level = 1 THEN {distance} END AS km) s
WHERE a.lo <= b.hi + %(days)s AND b.lo <= a.hi + %(days)s
  AND (a.kind = '' OR b.kind = '' OR a.kind = b.kind)
  AND (a.etype <> b.etype OR a.sub = '' OR b.sub = '' OR a.sub = b.sub)
  AND (pr.level <> 1 OR s.km <= {float(km)})
"""  # noqa: S608
