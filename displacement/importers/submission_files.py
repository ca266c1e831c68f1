"""One entry point for a file of form submissions: which platform wrote it, read it, check it.

``read_submissions(data)`` is what the import pipeline calls: it tells an ODK Central OData
document (``value``) from KoboToolbox's data (``results``, a list, a CSV or an XLSX export),
reads it, and refuses it as a whole (``SubmissionSetError``, with the reason) when it was not
made with the form the import reads (the intake form unless ``spec`` says another).
"""

from __future__ import annotations

import json

from . import kobo, odk
from .intake_form import intake_spec
from .submissions import FormSpec, SubmissionSet, SubmissionSetError, check_form, json_with_sources


def read_submissions(
    data: bytes, *, spec: FormSpec | None = None, odk_tables: dict | None = None, check: bool = True
) -> SubmissionSet:
    """``check=False`` leaves the form check to the caller (after an import profile mapped the set)."""
    spec = spec or intake_spec()
    if data.lstrip(b"\xef\xbb\xbf \r\n\t")[:1] in (b"{", b"["):
        try:
            document, sources = json_with_sources(data)
        except ValueError as exc:
            raise SubmissionSetError(f"This is not JSON: {exc}.") from None
        del data  # the file's bytes (a caller that passes them in a call keeps no other reference)
        if isinstance(document, dict) and "value" in document and "results" not in document:
            submissions = odk.read(document, spec=spec, tables=odk_tables)
        else:
            submissions = kobo.read_json(document, consume=True, sources=sources)  # our own document
    else:
        submissions = kobo.read(data)
    if check:
        check_form(submissions, spec)
    return submissions


def odk_tables_read(files) -> dict[str, dict]:
    """ODK Central's repeat tables downloaded apart (``Submissions.household.members``...), each
    an OData JSON document, by table name: the one its ``@odata.context`` names after ``#``, else
    its file name without ``.json``. ``files``: (file name, bytes) pairs."""
    tables: dict[str, dict] = {}
    for file_name, data in files:
        try:
            document = json.loads(data)
        except ValueError as exc:
            raise SubmissionSetError(f"{file_name}: this is not JSON: {exc}.") from None
        if not isinstance(document, dict) or not isinstance(document.get("value"), list):
            raise SubmissionSetError(f'{file_name}: not an ODK Central OData table (no "value" list).')
        context = str(document.get("@odata.context", ""))
        name = context.rpartition("#")[2] if "#" in context else file_name.removesuffix(".json")
        if not name.startswith("Submissions."):
            raise SubmissionSetError(f"{file_name}: not a repeat table of Submissions ({name!r}).")
        tables[name] = document
    return tables
