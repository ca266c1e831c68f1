# The duplicate keys' function in PL/pgSQL (the same keys; the stored columns stay as they are).

from django.db import migrations

# Written by displacement.duplicates.keys.match_keys_sql when this migration was made; a test
# keeps them equal. Changing the rule needs a new migration that replaces it and rewrites the column.
FUNCTION = r'''
CREATE OR REPLACE FUNCTION dsp_match_keys(text, text) RETURNS text[] LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE STRICT AS $dsp$
DECLARE
  toks text[] := '{}'; keys text[] := '{}'; t text; v text; o text; n int;
BEGIN
  FOREACH t IN ARRAY string_to_array($1, ' ') LOOP
    IF length(t) >= 2 THEN
      toks := toks || t;
      EXIT WHEN cardinality(toks) = 4;
    END IF;
  END LOOP;
  n := cardinality(toks);
  FOR i IN 1 .. n LOOP
    t := toks[i];
    FOR p IN 0 .. CASE WHEN length(t) >= 3 THEN length(t) ELSE 0 END LOOP
      v := CASE WHEN p = 0 THEN t ELSE overlay(t PLACING '' FROM p FOR 1) END;
      IF n = 1 THEN
        keys := keys || v;
      END IF;
      FOR j IN 1 .. n LOOP
        CONTINUE WHEN j = i;
        o := toks[j];
        keys := keys || CASE WHEN v COLLATE "C" < o COLLATE "C" THEN v || '|' || o ELSE o || '|' || v END;
      END LOOP;
    END LOOP;
  END LOOP;
  IF $2 <> '' THEN
    keys := keys || ('tel:' || $2);
  END IF;
  RETURN ARRAY(SELECT DISTINCT k FROM unnest(keys) AS u(k) ORDER BY 1);
END
$dsp$;
'''

# 0026's SQL function, for going back.
EARLIER = r'''
CREATE OR REPLACE FUNCTION dsp_match_keys(text, text) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $dsp$
WITH tok AS (
  SELECT t, i FROM unnest(string_to_array(coalesce($1, ''), ' ')) WITH ORDINALITY AS u(t, i)
  WHERE length(t) >= 2 ORDER BY i LIMIT 4
), var AS (
  SELECT tok.i, tok.t, v.v FROM tok CROSS JOIN LATERAL (
    SELECT tok.t UNION
    SELECT overlay(tok.t PLACING '' FROM p FOR 1)
    FROM generate_series(1, CASE WHEN length(tok.t) >= 3 THEN length(tok.t) ELSE 0 END) AS p
  ) AS v(v)
)
SELECT coalesce(array_agg(DISTINCT k), '{}'::text[]) FROM (
  SELECT least(var.v COLLATE "C", o.t COLLATE "C") || '|' || greatest(var.v COLLATE "C", o.t COLLATE "C") AS k
  FROM var JOIN tok AS o ON o.i <> var.i
  UNION ALL
  SELECT var.v FROM var WHERE (SELECT count(*) FROM tok) = 1
  UNION ALL
  SELECT 'tel:' || $2 WHERE coalesce($2, '') <> ''
) AS s
$dsp$;
'''


class Migration(migrations.Migration):

    dependencies = [
        ("displacement", "0045_intake_indexes_not_repeated"),
    ]

    operations = [
        migrations.RunSQL(FUNCTION, EARLIER),
    ]
