"""Blocking keys: what PostgreSQL indexes so that likely duplicates share at least one key.

A household's keys come from its normalised name (``names.name_key``) and phone
(``phones.phone_e164``):

- for each two tokens of the name (the first four tokens of at least two letters), the pair
  in alphabetical order, and the same pair with one letter deleted from one of its tokens (a
  "deletion neighbourhood", as in SymSpell): two names that differ by one typo in one token
  (a letter wrong, missing, added, or two letters swapped) share a key, and so do the same
  name with the given and family names swapped, or with a patronymic added;
- a one-token name: the token and its deletions;
- ``tel:`` and the phone number in E.164.

Birth year and origin raion do not make keys (a wrong year must not hide a duplicate): they
weigh in the score. The keys use only core PostgreSQL (a GIN index on a text array): the
embedded server has neither ``pg_trgm`` nor ``fuzzystrmatch`` (docs/duplicates.md).
"""

from __future__ import annotations

from itertools import permutations

#: Tokens of a name that make keys (a name with more is cut, in alphabetical order).
MAX_TOKENS = 4
#: Tokens shorter than this make no keys (initials).
MIN_TOKEN = 2
#: Tokens at least this long also make keys with one letter deleted.
MIN_DELETION = 3


def _variants(token: str) -> set[str]:
    out = {token}
    if len(token) >= MIN_DELETION:
        out.update(token[:i] + token[i + 1 :] for i in range(len(token)))
    return out


def _tokens(name_key: str) -> list[str]:
    return [t for t in (name_key or "").split(" ") if len(t) >= MIN_TOKEN][:MAX_TOKENS]


def match_keys(name_key: str, phone: str) -> set[str]:
    """The blocking keys of a household with this normalised name and E.164 phone."""
    tokens = _tokens(name_key)
    keys: set[str] = set()
    for (_, token), (_, other) in permutations(enumerate(tokens), 2):
        keys.update("|".join(sorted((variant, other))) for variant in _variants(token))
    if len(tokens) == 1:
        keys.update(_variants(tokens[0]))
    if phone:
        keys.add("tel:" + phone)
    return keys


def match_keys_sql() -> str:
    """The body of the PL/pgSQL function ``dsp_match_keys(name_key text, phone text)``: the keys of
    ``match_keys``, as a set (its order is not meant). PL/pgSQL rather than one SQL query: a
    generated column calls it for every contact row, and a SQL function of several steps is
    planned and started again at every call, a PL/pgSQL one reuses its plans."""
    return f"""
DECLARE
  toks text[] := '{{}}'; keys text[] := '{{}}'; t text; v text; o text; n int;
BEGIN
  FOREACH t IN ARRAY string_to_array($1, ' ') LOOP
    IF length(t) >= {MIN_TOKEN} THEN
      toks := toks || t;
      EXIT WHEN cardinality(toks) = {MAX_TOKENS};
    END IF;
  END LOOP;
  n := cardinality(toks);
  FOR i IN 1 .. n LOOP
    t := toks[i];
    FOR p IN 0 .. CASE WHEN length(t) >= {MIN_DELETION} THEN length(t) ELSE 0 END LOOP
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
"""  # noqa: S608 (from constants)
