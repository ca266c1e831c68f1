"""Races made on purpose: another connection commits once this one is seen waiting for a lock."""

import threading
import time
from contextlib import contextmanager

from django.db import connection, connections, transaction


@contextmanager
def committed_once_waited(change):
    """Within the block, ``change()`` is made in a transaction of another connection, which
    commits once a connection is seen waiting for a lock (or after ten seconds, when nothing
    waits); the block's end waits for the commit."""
    changed, failures = threading.Event(), []

    def run():
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                change()
                changed.set()
                until_a_connection_waits(cursor)
        except Exception as error:  # pragma: no cover (reported below)
            failures.append(error)
        finally:
            changed.set()
            connections.close_all()

    worker = threading.Thread(target=run)
    worker.start()
    assert changed.wait(10)
    yield
    worker.join(15)
    assert not failures


def committed_in_another_connection(change) -> None:
    """``change()`` made and committed by another connection, before this one goes on."""
    failures = []

    def run():
        try:
            change()
        except Exception as error:  # pragma: no cover (reported below)
            failures.append(error)
        finally:
            connections.close_all()

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(15)
    assert not worker.is_alive() and not failures


def until_a_connection_waits(cursor, seconds: float = 10) -> None:
    """Return once another connection waits for a lock (or after ``seconds``)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
            " AND datname = current_database() AND pid <> pg_backend_pid()"
        )
        if cursor.fetchone()[0]:
            return
        time.sleep(0.02)
