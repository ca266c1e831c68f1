"""The window every date must lie in: one rule for model fields (and so the admin's forms and
the API's serializers), importers, the API's date filters and the database.

A date about the past (a testimony recorded, a household leaving, an event, a birth) lies from
``EARLIEST`` to today. A date where the future makes sense (a sharing agreement's start or end)
may lie up to a short horizon ahead. A query parameter may ask for any day of ``QUERY_WINDOW``.

In the database (``checks.checked``) a date's CHECK holds the same floor, and as ceiling the day
the row was saved (``updated_at``, in UTC, with a day's margin for any time zone's date) plus the
horizon: a CHECK cannot read the clock, but the day of saving is the clock's reading at the write.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

#: No date before this: the oldest living person, the oldest record anyone will type.
EARLIEST = datetime.date(1900, 1, 1)


@deconstructible
class DateWindow:
    """A validator: ``EARLIEST`` to today plus ``horizon_days`` (local time), or to ``latest``
    when one is given. A datetime is judged by its own date, before any conversion."""

    def __init__(self, horizon_days: int = 0, latest: datetime.date | None = None):
        self.horizon_days, self.latest_fixed = horizon_days, latest

    def latest(self, today: datetime.date | None = None) -> datetime.date:
        if self.latest_fixed is not None:
            return self.latest_fixed
        return (today or timezone.localdate()) + datetime.timedelta(days=self.horizon_days)

    def __call__(self, value):
        if value is None:
            return
        day = value.date() if isinstance(value, datetime.datetime) else value
        latest = self.latest()
        if not EARLIEST <= day <= latest:
            future = day > latest and self.latest_fixed is None and not self.horizon_days
            raise ValidationError(
                _("This date is in the future; give one from %(earliest)s to %(latest)s.")
                if future
                else _("Give a date from %(earliest)s to %(latest)s."),
                code="date_out_of_window",
                params={"earliest": EARLIEST.isoformat(), "latest": latest.isoformat()},
            )

    def __eq__(self, other):
        return isinstance(other, DateWindow) and (self.horizon_days, self.latest_fixed) == (
            other.horizon_days,
            other.latest_fixed,
        )

    def __hash__(self):
        return hash((self.horizon_days, self.latest_fixed))


#: Dates about the past: up to today.
PAST = DateWindow()
#: A sharing agreement may start up to a year ahead and end up to five years ahead.
AGREEMENT_START = DateWindow(horizon_days=366)
AGREEMENT_END = DateWindow(horizon_days=5 * 366)
#: Dates and times in query parameters (filters, sync watermarks): fixed bounds, so that a
#: client's "no upper bound" of a far year is still answered, and no value overflows a
#: conversion to UTC (``9999-12-31T23:59:59-14:00`` did).
QUERY_WINDOW = DateWindow(latest=datetime.date(2999, 12, 31))
