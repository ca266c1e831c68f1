"""The media ZIP of a submissions export: photos and recordings brought in as attachments.

A KoboToolbox media export holds each file under ``<user>/attachments/<form>/<instance uuid>/``;
ODK Central's under ``media/``. A submission's file is found by its name, and where several
submissions' files share a name, by the folder naming the submission's instance. Each becomes an
``Attachment`` of the submission's testimony through ``attachment_upload`` (its SHA-256 taken
there, as for an upload); a file already attached to that testimony (same name and SHA-256) is
not added again. Files the submissions name but the ZIP lacks are listed in the report.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections import defaultdict
from pathlib import PurePosixPath

from django.core.files.base import ContentFile

from displacement import models as m
from displacement.importers.pipeline import FileError, Problem
from displacement.models.imports import ReportLevel
from displacement.services.attachments import attachment_upload


class MediaArchive:
    def __init__(self, archive: zipfile.ZipFile):
        self.archive = archive
        self.by_name: dict[str, list[zipfile.ZipInfo]] = defaultdict(list)
        for info in archive.infolist():
            if not info.is_dir():
                self.by_name[PurePosixPath(info.filename).name].append(info)

    @classmethod
    def open(cls, media) -> MediaArchive | None:
        if media is None:
            return None
        if isinstance(media, bytes):
            media = io.BytesIO(media)
        try:
            return cls(zipfile.ZipFile(media))
        except (zipfile.BadZipFile, OSError) as exc:
            raise FileError(f"The media file is not a ZIP archive ({exc}).") from None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.archive.close()

    def find(self, filename: str, instance_ids: tuple[str, ...]) -> zipfile.ZipInfo | bool | None:
        """The file's entry; None when absent; False when several match and none names the instance."""
        candidates = self.by_name.get(PurePosixPath(filename).name, [])
        if len(candidates) <= 1:
            return candidates[0] if candidates else None
        for info in candidates:
            if any(instance and instance in info.filename for instance in instance_ids):
                return info
        return False


def attachments_import(*, organization, by, archive: MediaArchive, records: dict, submissions, dry_run: bool):
    """Attach each imported submission's media found in ``archive``; yield report lines."""
    for submission in submissions:
        record = records.get(submission.stable_id)
        if record is None or record.testimony_id is None or not submission.attachments:
            continue
        have = set(m.Attachment.objects.filter(testimony_id=record.testimony_id).values_list("original_name", "sha256"))
        have_names = {name for name, _ in have}
        instances = tuple(i.removeprefix("uuid:") for i in (submission.version_id, submission.stable_id) if i)
        for attachment in submission.attachments:
            name = PurePosixPath(attachment.filename).name
            entry = archive.find(name, instances)
            if entry is None and name in have_names:
                continue  # attached by an earlier import (a live pull downloads only what is not)
            if not entry:
                reason = "is not in the media ZIP" if entry is None else "is in the media ZIP more than once"
                yield Problem(
                    ReportLevel.FLAGGED,
                    attachment.question_path or "media",
                    f"The file {name!r} {reason}: not attached.",
                    submission.row,
                    submission.stable_id,
                )
                continue
            if dry_run:
                continue
            data = archive.archive.read(entry)
            if (name, hashlib.sha256(data).hexdigest()) in have:
                continue
            attachment_upload(
                organization=organization,
                file=ContentFile(data, name=name),
                uploaded_by=by,
                testimony_id=record.testimony_id,
                description=f"Form submission: {attachment.question_path or 'media'}"[:300],
            )
