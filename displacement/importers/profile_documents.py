"""An import profile as a JSON document: what the admin downloads and what it (or a command's
``--profile-file``) reads back. Pure: the service checks the rules and saves.

    {"format": "displacement-import-profile", "version": 1,
     "name": "...", "description": "...", "source": "kobotoolbox" | "odk_central" | "any",
     "form_id": "", "mappings": {...}, "value_maps": {...}, "defaults": {...}}
"""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from jsonschema import Draft202012Validator

FORMAT = "displacement-import-profile"
VERSION = 1
FIELDS = ("name", "description", "source", "form_id", "mappings", "value_maps", "defaults")

_TEXT_MAP = {"type": "object", "additionalProperties": {"type": "string"}}
SCHEMA = {
    "type": "object",
    "required": ["format", "version", "name", "mappings"],
    "additionalProperties": False,
    "properties": {
        "format": {"const": FORMAT},
        "version": {"const": VERSION},
        "name": {"type": "string", "minLength": 1, "maxLength": 100},
        "description": {"type": "string"},
        "source": {"enum": ["any", "kobotoolbox", "odk_central"]},
        "form_id": {"type": "string", "maxLength": 200},
        "mappings": {"type": "object", "additionalProperties": {"type": ["string", "null"]}},
        "value_maps": {"type": "object", "additionalProperties": _TEXT_MAP},
        "defaults": _TEXT_MAP,
    },
}
_VALIDATOR = Draft202012Validator(SCHEMA)


def profile_document(profile) -> dict:
    """The profile as its JSON document (keys in a fixed order, paths sorted)."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "name": profile.name,
        "description": profile.description,
        "source": profile.source,
        "form_id": profile.form_id,
        "mappings": dict(sorted((profile.mappings or {}).items())),
        "value_maps": {path: dict(table) for path, table in sorted((profile.value_maps or {}).items())},
        "defaults": dict(sorted((profile.defaults or {}).items())),
    }


def profile_json(profile) -> str:
    return json.dumps(profile_document(profile), ensure_ascii=False, indent=2) + "\n"


def _where(error) -> str:
    path = "/".join(str(part) for part in error.absolute_path)
    return path or "the document"


def read_profile_document(data: bytes | str | dict) -> dict:
    """The profile's fields from its JSON document; a ``ValidationError`` saying, for each
    problem, where in the document it is (the rules themselves are the service's to check)."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError("The profile file is not UTF-8 text.") from None
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except ValueError as exc:
            raise ValidationError(f"The profile file is not JSON: {exc}.") from None
    errors = sorted(_VALIDATOR.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValidationError(
                f'This is not an import profile: expected a JSON object with "format": "{FORMAT}", '
                "as the admin's “Download as JSON” writes it."
            )
        raise ValidationError([f"{_where(error)}: {error.message}" for error in errors[:20]])
    return {name: data[name] for name in FIELDS if name in data}
