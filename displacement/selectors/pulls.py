"""What a pull still has to download: the attachments its submissions name that are not attached yet."""

from __future__ import annotations

from collections import defaultdict
from pathlib import PurePosixPath

from displacement.importers.submissions import Attachment, ReviewStatus, Submission, SubmissionSet
from displacement.models import Attachment as StoredAttachment
from displacement.selectors.intake import imported_submissions


def media_to_fetch(*, organization, submissions: SubmissionSet) -> list[tuple[Submission, Attachment]]:
    """(submission, attachment) for every file named by a submission that will be imported and
    whose testimony (if it was imported before) has no file of that name yet."""
    candidates = [
        s
        for s in submissions.submissions
        if s.attachments and not s.deleted and s.review_status != ReviewStatus.REJECTED
    ]
    if not candidates:
        return []
    earlier = imported_submissions(organization=organization, stable_ids=(s.stable_id for s in candidates))
    testimonies = {r.testimony_id for r in earlier.values() if r.testimony_id}
    attached = defaultdict(set)
    for testimony_id, name in StoredAttachment.objects.filter(
        organization=organization, testimony_id__in=testimonies
    ).values_list("testimony_id", "original_name"):
        attached[testimony_id].add(name)
    wanted = []
    for submission in candidates:
        record = earlier.get(submission.stable_id)
        have = attached.get(record.testimony_id, set()) if record is not None else set()
        wanted += [(submission, a) for a in submission.attachments if PurePosixPath(a.filename).name not in have]
    return wanted
