"""Writes to attachments: the fingerprint is taken once, at upload."""

from __future__ import annotations

from django.db import transaction

from displacement.models import Attachment
from displacement.services.stored_files import remember


@transaction.atomic
def attachment_upload(*, organization, file, uploaded_by=None, **fields) -> Attachment:
    attachment = Attachment(organization=organization, file=file, uploaded_by=uploaded_by, **fields)
    attachment.take_fingerprint()
    attachment.save()
    remember(attachment.file)  # removed again if the caller's work rolls back
    return attachment
