"""Writes to attachments: the fingerprint is taken once, at upload."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from displacement.models import Attachment
from displacement.services.acting import acting
from displacement.services.stored_files import remember


@transaction.atomic
def attachment_upload(*, organization, file, uploaded_by=None, **fields) -> Attachment:
    attachment = Attachment(organization=organization, file=file, uploaded_by=uploaded_by, **fields)
    attachment.take_fingerprint()
    attachment.save()
    remember(attachment.file)  # removed again if the caller's work rolls back
    return attachment


#: What changes on a stored attachment: never its file (evidence), only what it describes and
#: which record it belongs to.
FIELDS = {"description", "source", "event", "testimony"}


@transaction.atomic
def attachment_update(*, attachment: Attachment, by=None, **changes) -> Attachment:
    current = Attachment.objects.select_for_update().get(pk=attachment.pk)
    unknown = set(changes) - FIELDS
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in sorted(unknown)})
    changes = {name: value for name, value in changes.items() if getattr(current, name) != value}
    if changes:
        for name, value in changes.items():
            setattr(current, name, value)
        current.full_clean()
        with acting(by):
            current.save()
    return current


@transaction.atomic
def attachment_delete(*, attachment: Attachment, by=None) -> None:
    with acting(by):
        Attachment.objects.select_for_update().get(pk=attachment.pk).delete()
