"""Attribute writes made outside a request (commands, tasks, services) in the history."""

from contextlib import contextmanager

import pghistory


@contextmanager
def acting(user=None, **context):
    """History rows written inside carry ``user`` (and ``context``), as a request's would."""
    if user is not None:
        context["user"] = user.pk
    if not context:
        yield
        return
    with pghistory.context(**context):
        yield
