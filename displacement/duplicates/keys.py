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
    """The body of the SQL function ``dsp_match_keys(name_key text, phone text)``."""
    return f"""
WITH tok AS (
  SELECT t, i FROM unnest(string_to_array(coalesce($1, ''), ' ')) WITH ORDINALITY AS u(t, i)
  WHERE length(t) >= {MIN_TOKEN} ORDER BY i LIMIT {MAX_TOKENS}
), var AS (
  SELECT tok.i, tok.t, v.v FROM tok CROSS JOIN LATERAL (
    SELECT tok.t UNION
    SELECT overlay(tok.t PLACING '' FROM p FOR 1)
    FROM generate_series(1, CASE WHEN length(tok.t) >= {MIN_DELETION} THEN length(tok.t) ELSE 0 END) AS p
  ) AS v(v)
)
SELECT coalesce(array_agg(DISTINCT k), '{{}}'::text[]) FROM (
  SELECT least(var.v COLLATE "C", o.t COLLATE "C") || '|' || greatest(var.v COLLATE "C", o.t COLLATE "C") AS k
  FROM var JOIN tok AS o ON o.i <> var.i
  UNION ALL
  SELECT var.v FROM var WHERE (SELECT count(*) FROM tok) = 1
  UNION ALL
  SELECT 'tel:' || $2 WHERE coalesce($2, '') <> ''
) AS s
"""  # noqa: S608 (from constants)
