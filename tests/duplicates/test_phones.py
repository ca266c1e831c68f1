"""Phone numbers are compared in E.164."""

import pytest

from displacement.duplicates.phones import phone_e164


@pytest.mark.parametrize(
    "written", ["050 123 45 67", "0501234567", "380501234567", "+38 (050) 123-45-67", "8 050 123 45 67", "501234567"]
)
def test_every_usual_spelling_of_a_ukrainian_number_is_one_number(written):
    assert phone_e164(written) == "+380501234567"


def test_a_foreign_number_keeps_its_country_code():
    assert phone_e164("+48 601 234 567") == "+48601234567"
    assert phone_e164("0048 601 234 567") == "+48601234567"


def test_too_few_digits_is_no_number():
    assert phone_e164("12-34") == ""
    assert phone_e164("") == ""
