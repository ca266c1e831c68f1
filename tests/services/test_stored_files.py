"""An import that rolls back takes the media files it saved with it; one that commits keeps them."""

import json
import zipfile

import pytest

from displacement.models import Attachment, ImportStatus
from displacement.services import imports
from displacement.services.imports import import_run_execute, import_run_start
from tests.importers.submission_fixtures import fixture_json

pytestmark = pytest.mark.django_db

PHOTO = b"\xff\xd8\xff\xe0 an invented photo, not a real one"
FOLDER = "fieldworker_one/attachments/0f1e2d3c4b5a69788796a5b4c3d2e1f0/6a1f0c8e-0000-4000-8000-00000000000a/"


@pytest.fixture
def files(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "storage"
    page = fixture_json("kobo_data.json")
    page["results"] = page["results"][:1]
    path = tmp_path / "kobo.json"
    path.write_text(json.dumps(page))
    media = tmp_path / "media.zip"
    with zipfile.ZipFile(media, "w") as archive:
        archive.writestr(FOLDER + "house-1_10_2_3.jpg", PHOTO)
    return path, media, settings.MEDIA_ROOT


def _run(ngo, path, media):
    with path.open("rb") as handle:
        run = import_run_start(
            organization=ngo, by=None, handle=handle, file_name=path.name, dry_run=False, keep_file=False
        )
    return import_run_execute(run_id=run.pk, path=path, media_path=media)


def _stored(root):
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_media_saved_by_an_import_that_rolls_back_are_removed_from_storage(ngo, files, monkeypatch):
    path, media, root = files

    def fail(*args, **kwargs):
        raise RuntimeError("the import stops after its media were saved")

    monkeypatch.setattr(imports, "import_run_finish", fail)
    with pytest.raises(RuntimeError):
        _run(ngo, path, media)
    assert not Attachment.objects.exists()
    assert _stored(root) == []


def test_media_of_an_import_that_commits_stay(ngo, files):
    path, media, root = files
    run = _run(ngo, path, media)
    assert run.status == ImportStatus.DONE
    attachment = Attachment.objects.get()
    assert _stored(root) == [attachment.file.name.rsplit("/", 1)[-1]]
