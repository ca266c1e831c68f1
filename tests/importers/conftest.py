"""Running imports of the fixture files (small, invented, ACLED-shaped; never ACLED's data)."""

from pathlib import Path

import pytest

from displacement.services.imports import import_run_execute, import_run_start

FIXTURES = Path(__file__).parent / "fixtures"


def run_import(organization, path, *, dry_run=False, by=None, kind=""):
    path = Path(path) if Path(path).is_absolute() else FIXTURES / path
    with path.open("rb") as handle:
        run = import_run_start(
            organization=organization,
            by=by,
            handle=handle,
            file_name=path.name,
            dry_run=dry_run,
            keep_file=False,
            kind=kind,
        )
    return import_run_execute(run_id=run.pk, path=path)


@pytest.fixture
def imported(ngo):
    """The 2022 layout's six events, imported into ``ngo``."""
    return run_import(ngo, "acled_2022.csv")
