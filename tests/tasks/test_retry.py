"""Tasks retry transient failures with backoff, and give up after a bounded number of tries."""

from unittest import mock

import pytest
from django.db import OperationalError

from displacement.tasks import agreements_expire_task, retention_purge_task
from displacement.tasks.base import TRANSIENT_ERRORS


@pytest.mark.parametrize("task", [retention_purge_task, agreements_expire_task])
def test_transient_errors_are_retried_with_backoff_and_jitter(task):
    assert set(task.autoretry_for) == set(TRANSIENT_ERRORS)
    assert task.retry_backoff and task.retry_jitter and 0 < task.max_retries <= 10


def test_a_task_that_keeps_failing_fails_for_good(db):
    calls = []

    def broken(**kwargs):
        calls.append(1)
        raise OperationalError("database is restarting")

    with mock.patch("displacement.tasks.retention.retention_purge", broken):
        result = retention_purge_task.apply()
    assert result.failed()
    assert isinstance(result.result, OperationalError)
    assert len(calls) == retention_purge_task.max_retries + 1
