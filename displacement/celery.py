"""The Celery app, configured from Django settings (``CELERY_*``)."""

import datetime
import os

from celery import Celery
from celery.signals import before_task_publish

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "displacement.settings")

app = Celery("displacement")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@before_task_publish.connect
def _stamp_publication(sender=None, body=None, **kwargs):
    """Stamp a scheduled report's message with the moment beat published it: the slot it
    stands for, however late and however often it is delivered (``tasks.reports``)."""
    if sender != "displacement.report_run" or not isinstance(body, list | tuple) or len(body) < 2:
        return
    task_kwargs = body[1]
    if isinstance(task_kwargs, dict) and not task_kwargs.get("slot") and not task_kwargs.get("published_at"):
        task_kwargs["published_at"] = datetime.datetime.now(datetime.UTC).isoformat()
