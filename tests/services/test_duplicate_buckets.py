"""The nightly pass pairs a name bucket's households born at most a year apart, and a phone
bucket's households all."""

from displacement.services.household_duplicates import _bucket_pairs


def test_a_name_bucket_pairs_only_households_born_at_most_a_year_apart():
    pairs = set(_bucket_pairs([5, 3, 9, 7], [1980, 1981, 1990, 1982], phone=False))
    assert pairs == {(3, 5), (3, 7)}


def test_a_phone_bucket_pairs_every_two_households():
    assert set(_bucket_pairs([5, 3, 9], [1980, None, 1990], phone=True)) == {(3, 5), (5, 9), (3, 9)}
