"""The gate's key (``access.scope``): a query built from the gate and kept for others (the API's
staff pages) is kept under it, so two viewers share a query exactly when the gate gives them
the same one. Derived from the gate itself: a narrowing added to ``scope`` without its key
fails here."""

import pytest
from django.core.exceptions import EmptyResultSet

from displacement.models.vocab import Role
from displacement.selectors.access import ORGANIZATION_PATHS, PUBLIC_MODELS, Viewer, scope, scoped
from tests.conftest import _member

pytestmark = pytest.mark.django_db


def _sql(queryset) -> str:
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:
        return "nothing"
    return f"{sql} {params!r}"


def test_two_viewers_share_a_key_exactly_when_the_gate_gives_them_the_same_query(
    ngo, other_ngo, coordinator, caseworker, analyst, other_caseworker, superuser
):
    second_caseworker = _member(ngo, Role.CASEWORKER, "second-caseworker")
    second_coordinator = _member(ngo, Role.COORDINATOR, "second-coordinator")
    users = [coordinator, second_coordinator, caseworker, second_caseworker, analyst, other_caseworker, superuser]
    viewers = [Viewer.of(user) for user in users] + [Viewer(user=None, organization=ngo, role=Role.PARTNER)]
    models = sorted(set(ORGANIZATION_PATHS) | PUBLIC_MODELS, key=lambda model: model._meta.label)
    shared = 0
    for model in models:
        seen = {}
        for viewer in viewers:
            key, rows = scope(model, viewer)
            assert _sql(rows) == _sql(scoped(model, viewer)), model
            seen.setdefault(key, set()).add(_sql(rows))
        queries = [query for same_key in seen.values() for query in same_key]
        assert all(len(same_key) == 1 for same_key in seen.values()), model  # one key, one query
        assert len(queries) == len(set(queries)), model  # one query, one key
        shared += len(viewers) - len(seen)
    assert shared > 0  # some viewers do share (coordinators of one organisation)


def test_two_caseworkers_never_share_a_query_the_gate_narrows_to_their_own_households(ngo, caseworker, analyst):
    from displacement.models import CaseNote, ContactDetails, Household

    other = _member(ngo, Role.CASEWORKER, "second-caseworker")
    for model in (ContactDetails, CaseNote):
        assert scope(model, caseworker)[0] != scope(model, other)[0]
    # Households are the organisation's for every member: one query, one key.
    assert scope(Household, caseworker)[0] == scope(Household, other)[0] == scope(Household, analyst)[0]
