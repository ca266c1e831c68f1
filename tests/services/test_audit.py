"""Access-log ids: distinct, record numbers in order, a partner's pseudonyms as they were sent."""

from array import array

from api.base import _by_owner
from displacement.services.audit import _sorted_ids


def test_ids_are_distinct_numbers_in_order_then_words_in_order():
    assert _sorted_ids([5, "te_b", 2, "5", 5, "te_a", 2]) == [2, 5, "5", "te_a", "te_b"]
    assert _sorted_ids(["te_b", "te_a", "te_b"]) == ["te_b", "te_a"]  # pseudonyms: as sent
    assert _sorted_ids(array("q", [9, 3, 9, 1])) == [1, 3, 9]
    assert _sorted_ids(str(i) for i in (3, 1)) == ["3", "1"]
    assert _sorted_ids([]) == []


def test_an_exports_ids_go_to_each_owner_but_the_reader():
    pks, owners = array("q", [10, 11, 12, 13]), array("q", [1, 2, 1, 0])
    assert _by_owner(pks, owners, besides=2) == {1: [10, 12]}
    assert list(_by_owner(pks, array("q", [1] * 4), besides=2)[1]) == [10, 11, 12, 13]
    assert _by_owner(pks, array("q", [2] * 4), besides=2) == {}
    assert _by_owner(pks, array("q", [0] * 4), besides=2) == {}
