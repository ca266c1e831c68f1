"""Files written to storage inside a transaction that then rolls back are removed again.

A database rollback does not reach the file storage: an attachment saved by an import that
then fails would leave its photo on disk with no row naming it (nothing would ever purge it).
``removed_if_rolled_back()`` wraps a unit of work's outermost ``transaction.atomic()``; every
file saved by ``remember`` inside it (``attachment_upload`` does) is deleted from its storage
when the block ends with an exception, and kept when it ends normally.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from contextvars import ContextVar

log = logging.getLogger(__name__)

_saved: ContextVar[list | None] = ContextVar("stored_files_saved", default=None)


def remember(field_file) -> None:
    """Note a file just saved, so that an enclosing ``removed_if_rolled_back`` can remove it."""
    saved = _saved.get()
    if saved is not None and field_file and field_file.name:
        saved.append((field_file.storage, field_file.name))


@contextmanager
def removed_if_rolled_back():
    saved: list = []
    token = _saved.set(saved)
    try:
        yield saved
    except BaseException:
        left = 0
        for storage, name in saved:
            try:
                storage.delete(name)
            except OSError:
                left += 1
        if left:  # no file name: it may say whose photo it is
            log.warning("%d file(s) saved by a rolled-back write could not be removed.", left)
        raise
    finally:
        _saved.reset(token)
