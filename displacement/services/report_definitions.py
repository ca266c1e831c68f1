"""Report definitions, kept in step with beat: checked, saved with their periodic task, and
unscheduled when deleted (``services.reports`` runs them)."""

from __future__ import annotations

import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils.translation import gettext as _
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from displacement import models as m
from displacement.reports import kinds, published, schedule
from displacement.services.acting import acting

TASK_NAME = "displacement.report_run"


def _is_email(address: str) -> bool:
    try:
        validate_email(address)
    except ValidationError:
        return False
    return True


def report_definition_check(definition: m.ReportDefinition) -> None:
    """Every problem a definition can have before it runs, as field errors."""
    errors = {}
    try:
        schedule.parse(definition.cron)
    except ValidationError as exc:
        errors["cron"] = exc.messages
    invalid = [address for address in definition.recipient_list if not _is_email(address)]
    if invalid:
        errors["recipients"] = [_("Not an e-mail address: %(value)s") % {"value": ", ".join(invalid)}]
    if definition.audience_id and definition.audience_id == definition.organization_id:
        errors["audience"] = [_("An internal report has no partner audience: leave it empty.")]
    if definition.kind and "audience" not in errors:
        viewer = kinds.viewer_for(definition)
        try:
            kinds.base_queryset(definition, viewer)
        except ValidationError as exc:
            errors["audience"] = exc.messages
        try:
            kinds.filtered(definition, kinds.KINDS[definition.kind].model.objects.none(), viewer)
        except ValidationError as exc:
            errors["filters"] = exc.messages
        if published.applies(definition):
            try:
                published.check_period(definition)
            except ValidationError as exc:
                errors["period"] = exc.messages
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def report_definition_save(definition: m.ReportDefinition, *, user=None) -> m.ReportDefinition:
    """Save ``definition`` and its beat entry: a crontab and a periodic task that queues a run."""
    report_definition_check(definition)
    if definition.pk is None and user is not None:
        definition.created_by = user
    definition.save()
    crontab, _created = CrontabSchedule.objects.get_or_create(
        **schedule.parse(definition.cron), timezone=settings.TIME_ZONE
    )
    name = f"Report: {definition.slug}"
    task = definition.periodic_task or PeriodicTask.objects.filter(name=name).first() or PeriodicTask()
    task.name = name
    task.task = TASK_NAME
    task.crontab = crontab
    task.interval = None
    task.kwargs = json.dumps({"definition_id": definition.pk})
    task.enabled = definition.active
    task.description = str(_("Produces the scheduled report “%(name)s”.") % {"name": definition.name})
    task.save()
    if definition.periodic_task_id != task.pk:
        definition.periodic_task = task
        definition.save(update_fields=["periodic_task"])
    return definition


@transaction.atomic
def report_definition_delete(*, definition: m.ReportDefinition, by=None) -> None:
    """Delete a scheduled report; its runs go with it, and beat's schedule (below)."""
    with acting(by):
        definition.delete()


@receiver(post_delete, sender=m.ReportDefinition)
def _unschedule(sender, instance, **kwargs):
    """A deleted report leaves nothing for beat to fire."""
    if instance.periodic_task_id:
        PeriodicTask.objects.filter(pk=instance.periodic_task_id).delete()
