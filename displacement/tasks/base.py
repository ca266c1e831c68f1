"""How every task behaves on transient failures: retry with exponential backoff and jitter,
a bounded number of times, then fail for good (and say so in the log)."""

from django.conf import settings
from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerError

#: Errors that go away by themselves: the database or the broker restarting, a failover.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, BrokerError, ConnectionError, TimeoutError)

RETRY_POLICY = {
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": settings.TASK_RETRY_BACKOFF,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": settings.TASK_MAX_RETRIES,
}
