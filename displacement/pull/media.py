"""A pull's attachments: the photos and recordings its submissions name, downloaded with the
connection's credentials into a media ZIP for the submissions import (as a file import's
media ZIP), each under ``<instance uuid>/<file name>``.

Only files not attached yet are downloaded (``selectors.pulls.media_to_fetch``), and only from
the connection's own server: a download URL on another host is refused, and a file the server
does not have (404: a phone still sending it) skipped; the import reports both missing. More
than ``PULL_MEDIA_MAX_BYTES`` in one pull stops the pull (nothing is imported) with the reason.
"""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from django.conf import settings

from displacement.importers.submissions import Attachment, Submission

from .http import Client, PullError, PullNotFound, where


def download_media(
    client: Client, server_url: str, wanted: list[tuple[Submission, Attachment]]
) -> tempfile.SpooledTemporaryFile | None:
    """A ZIP (an open temporary file) of the ``wanted`` attachments, or None when none is wanted."""
    if not wanted:
        return None
    host = urlsplit(server_url).netloc
    fetchable = [(s, a) for s, a in wanted if a.download_url and urlsplit(a.download_url).netloc == host]
    spool = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)  # noqa: SIM115 (returned open)
    try:
        with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_STORED) as archive:
            _write(client, fetchable, archive)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return spool


def _write(client: Client, fetchable: list[tuple[Submission, Attachment]], archive: zipfile.ZipFile) -> None:
    limit, total = settings.PULL_MEDIA_MAX_BYTES, 0
    for submission, attachment in fetchable:
        try:
            response = client.request("GET", attachment.download_url)
        except PullNotFound:
            continue  # not on the server yet (a phone still sending it): the import lists it missing
        try:
            data = response.content
        except OSError as exc:
            raise PullError(
                f"{client.name} went away while sending a file ({where(attachment.download_url)}: "
                f"{type(exc).__name__})."
            ) from None
        finally:
            response.close()
        total += len(data)
        if total > limit:
            raise PullError(
                f"The files of this pull exceed PULL_MEDIA_MAX_BYTES ({limit} bytes): import them "
                "with an export and its media ZIP, or raise the limit."
            )
        instance = (submission.version_id or submission.stable_id).removeprefix("uuid:")
        archive.writestr(f"{instance}/{PurePosixPath(attachment.filename).name}", data)
