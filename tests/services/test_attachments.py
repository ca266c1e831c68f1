"""Evidence keeps the fingerprint taken at upload; the database refuses to change it."""

import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import ProgrammingError, transaction
from django.urls import reverse

from displacement.models import Attachment
from displacement.services.attachments import attachment_update, attachment_upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_upload_takes_the_sha256(ngo):
    attachment = attachment_upload(organization=ngo, file=ContentFile(b"photo of the school", name="s.jpg"))
    assert attachment.sha256 == hashlib.sha256(b"photo of the school").hexdigest()
    assert attachment.size == len(b"photo of the school")
    assert attachment.original_name == "s.jpg"


def test_the_database_refuses_to_change_the_fingerprint(ngo):
    attachment = attachment_upload(organization=ngo, file=ContentFile(b"x", name="a.jpg"))
    with pytest.raises(ProgrammingError, match="attachment_file_immutable"), transaction.atomic():
        Attachment.objects.filter(pk=attachment.pk).update(sha256="0" * 64)
    Attachment.objects.filter(pk=attachment.pk).update(description="Front of the school, north side")


def test_upload_through_the_admin(client, caseworker):
    client.force_login(caseworker)
    response = client.post(
        reverse("admin:displacement_attachment_add"),
        {"file": SimpleUploadedFile("video.mp4", b"frames"), "description": "Aftermath"},
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.organization == caseworker.organization
    assert attachment.uploaded_by == caseworker
    assert attachment.sha256 == hashlib.sha256(b"frames").hexdigest()
    change = client.get(reverse("admin:displacement_attachment_change", args=[attachment.pk]))
    assert b'type="file"' not in change.content


def test_an_attachment_is_described_never_replaced(ngo):
    attachment = attachment_upload(organization=ngo, file=ContentFile(b"x", name="a.jpg"))
    with pytest.raises(ValidationError, match="cannot be changed"):
        attachment_update(attachment=attachment, file=ContentFile(b"y", name="b.jpg"))
    assert attachment_update(attachment=attachment, description="North side").description == "North side"
