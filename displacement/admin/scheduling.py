"""Third-party screens for operators in the admin theme: Celery beat schedules and login
lockouts (django-axes). Auth groups are not used (roles come from memberships)."""

from axes import admin as axes_admin
from axes.models import AccessAttempt, AccessFailureLog
from axes.models import AccessLog as LoginLog
from django.contrib import admin
from django.contrib.auth.models import Group
from django_celery_beat import admin as beat_admin
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)
from unfold.admin import ModelAdmin

from displacement.admin.base import AllowlistedLookups

admin.site.unregister(Group)

for model, base in [
    (PeriodicTask, beat_admin.PeriodicTaskAdmin),
    (CrontabSchedule, beat_admin.CrontabScheduleAdmin),
    (IntervalSchedule, beat_admin.IntervalScheduleAdmin),
    (SolarSchedule, beat_admin.SolarScheduleAdmin),
    (ClockedSchedule, beat_admin.ClockedScheduleAdmin),
    (AccessAttempt, axes_admin.AccessAttemptAdmin),
    (AccessFailureLog, axes_admin.AccessFailureLogAdmin),
    (LoginLog, axes_admin.AccessLogAdmin),
]:
    admin.site.unregister(model)
    admin.site.register(model, type(base.__name__, (AllowlistedLookups, base, ModelAdmin), {}))
