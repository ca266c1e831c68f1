"""The app for the reliability tests' workers: the real one, with a hook on report progress.

``TEST_REPORT_ROW_DELAY`` (seconds per hundred rows) makes a report slow enough to kill its
worker in the middle of the file; ``TEST_REPORT_FAIL=1`` makes the database fail for good
while the file is written. Nothing else differs from production.
"""

import os
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "displacement.settings")

from displacement.celery import app

django.setup()

from django.db import OperationalError  # noqa: E402

from displacement.reports.files import report_progress  # noqa: E402

DELAY = float(os.environ.get("TEST_REPORT_ROW_DELAY", "0"))
FAIL = os.environ.get("TEST_REPORT_FAIL") == "1"


def _slow_or_broken(**kwargs):
    if FAIL:
        raise OperationalError("the database keeps failing (test)")
    time.sleep(DELAY)


report_progress.connect(_slow_or_broken, weak=False)

__all__ = ["app"]
