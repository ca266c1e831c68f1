"""Duplicates share a blocking key and score above the threshold; strangers do not."""

from displacement.duplicates.keys import match_keys
from displacement.duplicates.names import name_key
from displacement.duplicates.scoring import THRESHOLD, Record, score


def _keys(name, phone=""):
    return match_keys(name_key(name), phone)


def test_one_typo_in_one_name_still_shares_a_key():
    for typo in ["Olena Shevcenko", "Olnea Shevchenko", "Olena Shevchennko", "Olena Shevchanko"]:
        assert _keys("Олена Шевченко") & _keys(typo), typo


def test_a_patronymic_added_still_shares_a_key():
    assert _keys("Олена Шевченко") & _keys("Шевченко Олена Петрівна")


def test_a_phone_alone_shares_a_key():
    assert _keys("Олена Шевченко", "+380501234567") & _keys("Ivan Franko", "+380501234567")


def test_different_people_share_no_key():
    assert not _keys("Олена Шевченко") & _keys("Іван Франко")


def test_the_same_name_born_the_same_year_in_the_same_raion_is_suggested():
    a = Record(name_key("Олена Шевченко"), "", 1980, 7)
    b = Record(name_key("Shevchenko Olena"), "", 1981, 7)
    value, reasons = score(a, b)
    assert value >= THRESHOLD
    assert reasons == {"name": 1.0, "years_apart": 1, "same_raion": True}


def test_the_same_name_born_years_apart_is_not_suggested():
    a = Record(name_key("Олена Шевченко"), "", 1980, 7)
    b = Record(name_key("Олена Шевченко"), "", 1992, 7)
    assert score(a, b)[0] < THRESHOLD


def test_the_same_phone_lifts_a_typo_above_the_threshold():
    a = Record(name_key("Олена Шевченко"), "+380501234567", None, None)
    b = Record(name_key("Olena Shevcenko"), "+380501234567", None, None)
    assert score(a, b)[0] >= THRESHOLD
    assert score(a, Record(b.name_key, "", None, None))[0] < THRESHOLD


def test_without_the_same_phone_only_a_birth_year_at_most_one_apart_can_reach_the_threshold():
    # The nightly pass pairs name keys only within a year, relying on this.
    best = Record("olena shevchenko", "", None, 7)
    assert score(best, Record("olena shevchenko", "", None, 7))[0] < THRESHOLD
    assert score(Record(best.name_key, "", 1980, 7), Record(best.name_key, "", 1982, 7))[0] < THRESHOLD
    assert score(Record(best.name_key, "", 1980, 7), Record(best.name_key, "", None, 7))[0] < THRESHOLD
    assert score(Record(best.name_key, "", 1980, 7), Record(best.name_key, "", 1981, 7))[0] >= THRESHOLD
