"""The testimony intake XLSForm: its questions, our vocabularies and the gazetteer, as a workbook.

``build_intake_form(places)`` is pure (the command reads the places through the selectors) and
deterministic: the same vocabularies and gazetteer give the same cells, and the form's version
is a digest of them, so a server sees a new version exactly when something changed.
``intake_spec()`` is what the submission readers check a file against.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.utils import translation
from openpyxl import Workbook

from displacement.models import vocab

from .intake_questions import FORM_ID, FORM_REVISION, FORM_TITLE, MARKER, MARKER_NAME, SURVEY
from .submissions import FormSpec

LANGUAGES = ("English (en)", "Українська (uk)")
#: Survey columns in order; the translated ones get one column per language.
SURVEY_COLUMNS = (
    "type",
    "name",
    "label",
    "hint",
    "required",
    "relevant",
    "constraint",
    "constraint_message",
    "choice_filter",
    "appearance",
    "parameters",
    "calculation",
    "default",
)
TRANSLATED = {"label", "hint", "constraint_message"}
CHOICE_COLUMNS = ("list_name", "name", *(f"label::{language}" for language in LANGUAGES), "parent")

#: Choice lists made from our vocabularies: the stored slugs are the choices' names.
VOCABULARY_LISTS: dict[str, type[models.Choices]] = {
    "language": vocab.Language,
    "witness_role": vocab.WitnessRole,
    "relationship": vocab.Relationship,
    "sex": vocab.Sex,
    "vulnerability": vocab.Vulnerability,
    "date_precision": vocab.DatePrecision,
    "displacement_kind": vocab.DisplacementKind,
    "shelter_type": vocab.ShelterType,
    "event_category": vocab.EventCategory,
    "event_type": vocab.EventType,
    "sub_event_type": vocab.SubEventType,
    "weapon": vocab.Weapon,
    "target": vocab.Target,
    "testimony_relation": vocab.TestimonyRelation,
    "sensitivity": vocab.Sensitivity,
    "consent_method": vocab.ConsentMethod,
}
#: The form's own lists, which no model stores.
FORM_LISTS: dict[str, list[tuple[str, str, str]]] = {
    "yes_no": [("yes", "Yes", "Так"), ("no", "No", "Ні")],
    "household_status": [
        ("existing", "Registered: I have its code", "Зареєстроване: маю його код"),
        ("new", "New household", "Нове домогосподарство"),
    ],
    "event_status": [
        ("known", "A known event: I have its reference", "Відома подія: маю посилання"),
        ("new", "Not recorded yet: describe it", "Ще не записана: опишіть її"),
        ("none", "No particular event", "Без конкретної події"),
    ],
}
PLACE_LISTS = {1: "oblast", 2: "raion", 3: "hromada"}


@dataclass(frozen=True)
class FormPlace:
    """A gazetteer unit as the form lists it (oblasts, raions and hromadas)."""

    pcode: str
    admin_level: int
    parent_pcode: str
    name_en: str
    name_uk: str


def _survey_rows() -> list[list[str]]:
    header = []
    for column in SURVEY_COLUMNS:
        header += [f"{column}::{language}" for language in LANGUAGES] if column in TRANSLATED else [column]
    rows = [header]
    for question in SURVEY:
        row = []
        for column in SURVEY_COLUMNS:
            value = question.get(column, "")
            if column in TRANSLATED:
                row += list(value) if value else ["", ""]
            else:
                row.append(value)
        rows.append(row)
    return rows


def _choice_rows(places: Iterable[FormPlace]) -> list[list[str]]:
    rows = [list(CHOICE_COLUMNS)]
    for list_name, choices in VOCABULARY_LISTS.items():
        for member in choices:
            with translation.override("en"):
                english = str(member.label)
            with translation.override("uk"):
                ukrainian = str(member.label)
            parent = vocab.EVENT_TYPE_OF_SUB_TYPE[member] if choices is vocab.SubEventType else ""
            rows.append([list_name, str(member.value), english, ukrainian, parent])
    for list_name, choices in FORM_LISTS.items():
        rows += [[list_name, name, english, ukrainian, ""] for name, english, ukrainian in choices]
    ordered = sorted((p for p in places if p.admin_level in PLACE_LISTS), key=lambda p: (p.admin_level, p.pcode))
    for place in ordered:
        parent = place.parent_pcode if place.admin_level > 1 else ""
        label = f"{place.name_en} ({place.pcode})"
        label_uk = f"{place.name_uk or place.name_en} ({place.pcode})"
        rows.append([PLACE_LISTS[place.admin_level], place.pcode, label, label_uk, parent])
    return rows


def form_version(survey: list[list[str]], choices: list[list[str]]) -> str:
    """The revision, then a digest of every cell: a new version exactly when something changed."""
    digest = hashlib.sha256(json.dumps([survey, choices], ensure_ascii=False).encode()).hexdigest()
    return f"{FORM_REVISION}.{digest[:10]}"


def intake_form_sheets(places: Iterable[FormPlace]) -> dict[str, list[list[str]]]:
    """The workbook's sheets as rows of cells: survey, choices, settings."""
    survey, choices = _survey_rows(), _choice_rows(places)
    settings = [
        ["form_title", "form_id", "version", "default_language", "instance_name"],
        [FORM_TITLE, FORM_ID, form_version(survey, choices), LANGUAGES[0], "concat('Testimony ', ${recorded_on})"],
    ]
    return {"survey": survey, "choices": choices, "settings": settings}


def build_intake_form(places: Iterable[FormPlace]) -> Workbook:
    """The XLSForm as an openpyxl workbook (``save`` it); empty cells are left empty."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in intake_form_sheets(places).items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append([value if value != "" else None for value in row])
        sheet.freeze_panes = "A2"
    return workbook


def intake_spec() -> FormSpec:
    """The paths of the intake form's answers: what a submission of it may carry."""
    fields: dict[str, str] = {}
    repeats, stack = set(), []
    for row in SURVEY:
        kind = row["type"]
        if kind in ("begin_group", "begin_repeat"):
            stack.append(row["name"])
            if kind == "begin_repeat":
                repeats.add("/".join(stack))
        elif kind in ("end_group", "end_repeat"):
            stack.pop()
        else:
            fields["/".join([*stack, row["name"]])] = kind.split()[0]
    return FormSpec(
        form_id=FORM_ID,
        revision=FORM_REVISION,
        marker_path=MARKER_NAME,
        marker=MARKER,
        fields=fields,
        repeats=frozenset(repeats),
    )
