"""Crontab schedules of reports: parsing, and which slot a moment belongs to.

A slot is the scheduled time a run stands for: the latest time at or before a moment that
the crontab matches. Beat publishes a report's task when a slot falls due, so the slot of
the moment of publication is the one that fell due, whenever a worker gets to the message
and however many times it is delivered. Matching follows Celery's crontab (every field must
match, days of the week counted from Sunday = 0), so the slot is the one beat fired.
"""

from __future__ import annotations

import datetime
import zoneinfo

from celery.schedules import crontab
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

FIELDS = ("minute", "hour", "day_of_month", "month_of_year", "day_of_week")
#: The longest each field may be in django-celery-beat's crontab table.
MAX_LENGTHS = {"minute": 240, "hour": 96, "day_of_month": 124, "month_of_year": 64, "day_of_week": 64}
#: How far back a slot is looked for: a yearly schedule on 29 February fires every 4 years.
_SEARCH_DAYS = 8 * 366


def parse(expression: str) -> dict[str, str]:
    """``'0 6 * * 1'`` -> the five crontab fields, or a ValidationError saying what is wrong."""
    parts = expression.split()
    if len(parts) != 5:
        raise ValidationError(
            _("A schedule has five fields: minute hour day-of-month month day-of-week, e.g. '0 6 * * 1'.")
        )
    fields = dict(zip(FIELDS, parts, strict=True))
    too_long = [name for name, value in fields.items() if len(value) > MAX_LENGTHS[name]]
    if too_long:
        raise ValidationError(_("This schedule is too long; write ranges (1-5) rather than lists."))
    try:
        crontab(**fields)
    except (ValueError, TypeError) as exc:
        raise ValidationError(_("This schedule is not a valid crontab: %(error)s") % {"error": exc}) from None
    return fields


def latest_slot(expression: str, moment: datetime.datetime, tz: str) -> datetime.datetime:
    """The latest time at or before ``moment`` (aware) that ``expression`` matches, in UTC.

    Around daylight-saving changes a local time can happen twice (both are slots, an hour
    apart) or not at all (the instant PostgreSQL's zone rules give it is used, and never a
    slot after ``moment``).
    """
    schedule = crontab(**parse(expression))
    zone = zoneinfo.ZoneInfo(tz)
    limit = moment.astimezone(datetime.UTC)
    local = moment.astimezone(zone)
    for back in range(_SEARCH_DAYS):
        day = local.date() - datetime.timedelta(days=back)
        if not (
            day.month in schedule.month_of_year
            and day.day in schedule.day_of_month
            and (day.weekday() + 1) % 7 in schedule.day_of_week
        ):
            continue
        instants = {
            datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=zone)
            .replace(fold=fold)
            .astimezone(datetime.UTC)
            for hour in schedule.hour
            for minute in schedule.minute
            for fold in (0, 1)
        }
        candidates = [instant for instant in instants if instant <= limit]
        if candidates:
            return max(candidates)
    raise ValidationError(_("This schedule never fires."))
