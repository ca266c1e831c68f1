"""django-celery-beat's schedule screens in the admin theme. Auth groups are not used (roles
come from memberships), so they are not shown."""

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

admin.site.unregister(Group)

for model, base in [
    (PeriodicTask, beat_admin.PeriodicTaskAdmin),
    (CrontabSchedule, beat_admin.CrontabScheduleAdmin),
    (IntervalSchedule, beat_admin.IntervalScheduleAdmin),
    (SolarSchedule, beat_admin.SolarScheduleAdmin),
    (ClockedSchedule, beat_admin.ClockedScheduleAdmin),
]:
    admin.site.unregister(model)
    admin.site.register(model, type(base.__name__, (base, ModelAdmin), {}))
