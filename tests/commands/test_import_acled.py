"""import_acled: a file into an organisation, with its counts, a dry run, and a clear refusal."""

import pytest
from django.core.management import CommandError, call_command

from displacement.models import Event, ImportRun
from tests.importers.conftest import FIXTURES

pytestmark = pytest.mark.django_db


def test_import_acled_prints_the_counts_and_the_flagged_rows(ngo, capsys):
    call_command("import_acled", str(FIXTURES / "acled_2022.csv"), "--org", "dpn")
    out = capsys.readouterr().out
    assert "6 created, 0 updated, 0 unchanged" in out
    assert "Black Sea" in out
    assert Event.objects.filter(organization=ngo).count() == 6


def test_a_dry_run_writes_no_event_and_the_same_file_again_is_announced(ngo, capsys):
    call_command("import_acled", str(FIXTURES / "acled_api.json"), "--org", "dpn")
    call_command("import_acled", str(FIXTURES / "acled_api.json"), "--org", "dpn", "--dry-run")
    out = capsys.readouterr().out
    assert "was imported before" in out and "dry run: nothing written" in out
    assert ImportRun.objects.filter(dry_run=True).get().unchanged == 2


def test_a_file_failing_as_a_whole_is_a_command_error_naming_the_columns(ngo):
    with pytest.raises(CommandError, match="event_date, admin1"):
        call_command("import_acled", str(FIXTURES / "acled_missing_columns.csv"), "--org", "dpn")
    assert not Event.objects.exists()


def test_an_unknown_organisation_is_refused(ngo):
    with pytest.raises(CommandError, match="nope"):
        call_command("import_acled", str(FIXTURES / "acled_api.json"), "--org", "nope")
