"""Phone numbers in E.164 ("+380501234567"), so that "050 123 45 67", "380501234567" and
"+38 (050) 123-45-67" are one number.

Ukrainian numbers are written with the trunk prefix (0XX XXX XX XX, ten digits), with the
country code (380..., twelve digits) or, half-way, as 80XX... (eleven digits); a number that
already starts with "+" keeps its country code. Anything else is kept as its digits after a
"+", so that two spellings of the same foreign number still meet. Fewer than 7 digits is not
a number: the key is empty.
"""

from __future__ import annotations

import re


def phone_e164(text: str) -> str:
    """``text`` as an E.164 number, or "" when it holds too few digits to be one."""
    digits = re.sub("[^0-9]", "", text or "")
    if len(digits) < 7:
        return ""
    if (text or "").lstrip().startswith("+"):
        return "+" + digits
    if len(digits) == 10 and digits.startswith("0"):
        return "+38" + digits
    if len(digits) == 11 and digits.startswith("80"):
        return "+3" + digits
    if len(digits) == 9:
        return "+380" + digits
    if digits.startswith("00"):
        return "+" + digits[2:]
    return "+" + digits


def phone_e164_sql() -> str:
    """The body of the SQL function ``dsp_phone_e164(text)``: ``phone_e164`` in PostgreSQL."""
    return r"""
SELECT CASE
  WHEN length(d) < 7 THEN ''
  WHEN ltrim(coalesce($1, '')) LIKE '+%' THEN '+' || d
  WHEN length(d) = 10 AND d LIKE '0%' THEN '+38' || d
  WHEN length(d) = 11 AND d LIKE '80%' THEN '+3' || d
  WHEN length(d) = 9 THEN '+380' || d
  WHEN d LIKE '00%' THEN '+' || substr(d, 3)
  ELSE '+' || d
END FROM (SELECT regexp_replace(coalesce($1, ''), '[^0-9]', '', 'g') AS d) AS s
"""
