"""The connection set-up of ``displacement.db``: times read as Django's own loader reads them."""

import datetime

import pytest
from django.db import connection
from django.db.backends.postgresql.psycopg_any import register_tzloader

from displacement.db import TIMESTAMPTZ, UTCTimestampLoader

pytestmark = pytest.mark.django_db

TIMES = [
    "2026-12-06 05:06:07.123456+00",
    "2026-12-06 05:06:07+00",
    "2022-02-24 04:00:00.5+02",  # another offset: the same instant, in UTC
    "2026-03-29 01:30:00-09:30",  # a half-hour offset across a date line
    "0001-01-01 00:00:00+00",
    "9999-12-31 23:59:59.999999+00",
]


def _read(values):
    with connection.cursor() as cursor:
        cursor.execute("SELECT v::timestamptz FROM unnest(%s::text[]) AS v", [values])
        return [row[0] for row in cursor.fetchall()]


def test_connections_read_times_with_the_faster_loader():
    connection.ensure_connection()
    loader = connection.connection.adapters.get_loader(TIMESTAMPTZ, 0)
    assert loader is UTCTimestampLoader


def test_times_are_those_django_s_own_loader_gives():
    ours = _read(TIMES)
    with connection.cursor() as cursor:  # Django's own, on this cursor alone
        register_tzloader(datetime.UTC, cursor.cursor)
        cursor.execute("SELECT v::timestamptz FROM unnest(%s::text[]) AS v", [TIMES])
        theirs = [row[0] for row in cursor.fetchall()]
    assert ours == theirs
    assert all(value.tzinfo is datetime.UTC for value in ours)
    assert ours[2] == datetime.datetime(2022, 2, 24, 2, 0, 0, 500000, tzinfo=datetime.UTC)


def test_a_model_s_time_comes_back_as_saved(ngo):
    from displacement.models import Organization

    Organization.objects.filter(pk=ngo.pk).update(
        created_at=datetime.datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=datetime.UTC)
    )
    assert Organization.objects.get(pk=ngo.pk).created_at == datetime.datetime(
        2026, 1, 2, 3, 4, 5, 6, tzinfo=datetime.UTC
    )
