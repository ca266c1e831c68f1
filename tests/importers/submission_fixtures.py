"""The submission fixtures: two made-up interviews (fake names, phones and addresses) as
KoboToolbox's data API, CSV and XLSX exports and ODK Central's OData would give them."""

import io
import json
from pathlib import Path

from openpyxl import Workbook

FIXTURES = Path(__file__).resolve().parent / "fixtures"

#: The first interview: a new household of two, one displacement, a new event, photo and audio.
NEW_HOUSEHOLD = "uuid:6a1f0c8e-0000-4000-8000-00000000000a"
#: The second, edited once: its first version's instanceID, and the current one's.
EDITED_FIRST = "uuid:6a1f0c8e-0000-4000-8000-00000000000b"
EDITED_NOW = "uuid:6a1f0c8e-0000-4000-8000-00000000000c"


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def fixture_json(name: str):
    return json.loads(fixture_bytes(name))


def kobo_xlsx(sheets: dict | None = None) -> bytes:
    """The XLSX export, made from its cells in ``kobo_export_sheets.json`` (or ``sheets``)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in (sheets or fixture_json("kobo_export_sheets.json")).items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def odk_tables() -> dict[str, dict]:
    """ODK Central's repeat tables, as downloaded apart from Submissions."""
    return {
        path.stem.removeprefix("odk_"): json.loads(path.read_bytes())
        for path in FIXTURES.glob("odk_Submissions.*.json")
    }
