"""Names in one alphabet: Ukraine's official transliteration, lowercased, tokens sorted.

The table is the Cabinet of Ministers' Resolution No. 55 of 27 January 2010 (KMU 2010), used
for passports: "Олена Шевченко" is "Olena Shevchenko". Its position rules: є, ї, й, ю, я are
"ye", "yi", "y", "yu", "ya" at the start of a word and "ie", "i", "i", "iu", "ia" elsewhere;
"зг" is "zgh" (so that it is not read as "ж"); the soft sign and the apostrophe are dropped.
Russian letters that Ukrainian lacks (ё, ы, э, ъ) get their common spellings, so that a name
first written in Russian still meets its Ukrainian form half-way.

The rule is a list of regular-expression steps that Python's ``re`` and PostgreSQL's
``regexp_replace`` read the same way; ``name_key_sql`` writes the PostgreSQL function from
them, so the database's generated column and this module cannot disagree (tested).
"""

from __future__ import annotations

import re

#: A letter of a word (Cyrillic or Latin); apostrophes join a word (a Ukrainian "Mar'iana").
_LETTER = "a-zа-яіїєґёыэъ'’ʼ`"

#: Ordered steps (pattern, replacement), applied to the lowercased text.
STEPS: list[tuple[str, str]] = [
    ("зг", "zgh"),
    *[
        (f"(^|[^{_LETTER}]){cyr}", rf"\1{start}")
        for cyr, start in [("є", "ye"), ("ї", "yi"), ("й", "y"), ("ю", "yu"), ("я", "ya")]
    ],
    ("є", "ie"),
    ("ї", "i"),
    ("й", "i"),
    ("ю", "iu"),
    ("я", "ia"),
    ("щ", "shch"),
    ("ж", "zh"),
    ("х", "kh"),
    ("ц", "ts"),
    ("ч", "ch"),
    ("ш", "sh"),
    ("ё", "io"),
    ("[ьъ'’ʼ`]", ""),
]

#: One letter for one letter, after the steps.
SINGLE = dict(zip("абвгґдеиізклмнопрстуфыэ", "abvhgdeyizklmnoprstufye", strict=True))

_UPPER = "АБВГҐДЕЄЖЗИІЇЙКЛМНОПРСТУФХЦЧШЩЬЮЯЁЫЭЪ"

#: Whatever is not a Latin letter or a digit separates tokens.
_SEPARATOR = "[^a-z0-9]+"


def transliterate(text: str) -> str:
    """``text`` lowercased and transliterated (KMU 2010); Latin text passes unchanged."""
    out = (text or "").lower()
    for pattern, replacement in STEPS:
        out = re.sub(pattern, replacement.replace("\\1", r"\1"), out)
    return out.translate(str.maketrans(SINGLE))


def name_key(text: str) -> str:
    """The normalised name: transliterated, lowercased, its tokens sorted (so that swapped
    given and family names give the same key), joined by single spaces."""
    return " ".join(sorted(t for t in re.split(_SEPARATOR, transliterate(text)) if t))


def _sql_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def name_key_sql() -> str:
    """The body of the SQL function ``dsp_name_key(text)``: ``name_key`` in PostgreSQL."""
    # Cyrillic capitals by table: lower() follows the database's locale, which may be "C".
    expr = f"lower(translate(coalesce($1, ''), {_sql_literal(_UPPER)}, {_sql_literal(_UPPER.lower())}))"
    for pattern, replacement in STEPS:
        expr = f"regexp_replace({expr}, {_sql_literal(pattern)}, {_sql_literal(replacement)}, 'g')"
    src, dst = "".join(SINGLE), "".join(SINGLE.values())
    expr = f"translate({expr}, {_sql_literal(src)}, {_sql_literal(dst)})"
    return (
        "SELECT coalesce(string_agg(t, ' ' ORDER BY t COLLATE \"C\"), '')"  # noqa: S608 (constants)
        f" FROM regexp_split_to_table({expr}, {_sql_literal(_SEPARATOR)}) AS t WHERE t <> ''"
    )
