"""Precision and recall are counted as the definitions say."""

from displacement.duplicates.quality import pair_quality, suggestion_quality


def test_pairs_are_counted_once_in_any_order():
    clusters = {1: 10, 2: 10, 3: 11, 4: 11, 5: 12}
    quality = pair_quality([(2, 1), (1, 2), (3, 5)], clusters)
    assert (quality.found, quality.correct, quality.expected) == (2, 1, 2)
    assert (quality.precision, quality.recall) == (0.5, 0.5)


def test_each_suggestion_is_right_or_wrong_and_each_missing_one_counts():
    clusters = {1: 10, 2: 10, 3: 11}
    quality = suggestion_quality({1: [2, 3], 3: []}, clusters)
    assert (quality.found, quality.correct, quality.expected) == (2, 1, 1)
