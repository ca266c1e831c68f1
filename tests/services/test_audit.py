"""Access-log ids: distinct, record numbers in order, a partner's pseudonyms as they were sent."""

from array import array

import pytest
from django.db import connection

from api.base import _by_owner
from displacement.models import AccessAction, AccessLog
from displacement.selectors import pseudonyms
from displacement.services.audit import _sorted_ids, access_entry, access_write


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


@pytest.mark.django_db
def test_an_exports_long_lists_of_ids_are_stored_whole_and_uncompressed(coordinator, ngo):
    """An export's entries hold up to 50,000 ids each; compressing them (or trying to: a
    partner's pseudonyms do not compress) cost most of the time spent writing the log at the
    end of the file (migration 0016)."""
    numbers = list(range(1, 50_001))
    names = pseudonyms.encode_many("testimony", numbers, ngo.pk)
    access_write([access_entry(who=coordinator, ids=ids, action=AccessAction.API_REQUEST) for ids in (numbers, names)])
    entries = list(AccessLog.objects.order_by("pk"))
    assert [entry.object_ids for entry in entries] == [numbers, names]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_column_compression(object_ids) FROM displacement_accesslog ORDER BY id")
        assert cursor.fetchall() == [(None,), (None,)]
