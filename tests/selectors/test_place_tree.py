"""The per-process cache of P-code lookups that every filtered API request makes."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from displacement.models import Place
from displacement.selectors import places


def test_a_pcode_is_read_once_then_again_after_a_while(db, monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(places.time, "monotonic", lambda: now[0])
    level, ids = places.place_tree("UA12", limit=10_000)
    assert level == 1 and set(ids) == set(Place.objects.filter(pcode__startswith="UA12").values_list("pk", flat=True))
    assert places.place_tree("UA12", limit=3) == (1, None)  # too many to list: a subquery instead
    with CaptureQueriesContext(connection) as queries:
        assert places.place_tree("UA12", limit=10_000) == (level, ids)
    assert len(queries) == 0
    assert places.place_tree("UA9999", limit=10) is None
    country = Place.objects.get(pcode="UA")
    Place.objects.create(pcode="UA9999", name_en="New", name_uk="Нове", admin_level=1, parent=country)
    assert places.place_tree("UA9999", limit=10) is None  # still trusted...
    now[0] += places.TREE_SECONDS + 1
    assert places.place_tree("UA9999", limit=10) == (1, [Place.objects.get(pcode="UA9999").pk])  # ...for a while
