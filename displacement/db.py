"""Connection set-up of our own, for every PostgreSQL connection Django opens: one performance
mechanism, the timestamp loader (``UTCTimestampLoader``), and nothing else.

Kept, for now, on a measure that could not decide (bench/results/2026-12-07-mechanisms.md): on
the shared machine a page without it took 0.84 to 1.26 times as long, within the noise, where
the loader's own saving (about 0.3 ms of a page's 6 to 9 ms) is under the noise; the slowest
pages sit within 1 ms of their 10 ms target. Re-measure on a quiet machine before removing it."""

from __future__ import annotations

import datetime

import psycopg
from django.db.backends.signals import connection_created
from django.dispatch import receiver
from psycopg.adapt import Loader
from psycopg.postgres import types
from psycopg.pq import Format

TIMESTAMPTZ = types["timestamptz"].oid
#: psycopg's own loader for timestamptz: its C version where psycopg has one (psycopg[binary]).
_PARSER = psycopg.adapters.get_loader(TIMESTAMPTZ, Format.TEXT)


class UTCTimestampLoader(Loader):
    """A timestamptz as Django's loader gives it (an aware datetime in ``timezone``), parsed by
    psycopg's C loader. Django's own loader subclasses the pure-Python one, which C types
    cannot be: 4 µs a value against 1.3 here, and a page of fifty records reads a hundred
    or more. ``timezone`` is what Django compares with its own before each cursor."""

    timezone = datetime.UTC

    def __init__(self, oid, context=None):
        super().__init__(oid, context)
        self._parse = _PARSER(oid, context).load

    def load(self, data):
        return self._parse(data).replace(tzinfo=self.timezone)


@receiver(connection_created)
def faster_timestamps(sender, connection, **kwargs):
    """Where Django reads times in UTC (USE_TZ, the database's TIME_ZONE unset), as here: the
    session's time zone is UTC, so the parsed time needs only Django's tzinfo."""
    if connection.vendor == "postgresql" and connection.timezone == datetime.UTC:
        connection.connection.adapters.register_loader(TIMESTAMPTZ, UTCTimestampLoader)
