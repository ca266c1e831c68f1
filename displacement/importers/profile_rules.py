"""The intake form's questions as an import profile targets them, and a profile's rules checked.

``canonical_questions()`` and ``canonical_repeats()`` name every path a profile may map to
(the paths ``intake_spec`` gives, with each question's type, choice list, whether it is
required and the repeat it lies in); ``profile_errors`` says what is wrong with a profile's
``mappings``, ``value_maps`` and ``defaults``; ``pcodes_to_check`` gives the places it names,
for the service to look up in the gazetteer. Pure: nothing here touches the database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from .intake_form import FORM_LISTS, VOCABULARY_LISTS
from .intake_questions import MARKER_NAME, SURVEY

#: The lists whose choices are the gazetteer's P-codes (checked against it, not here).
PLACE_LISTS = {"oblast": 1, "raion": 2, "hromada": 3}
PCODE = re.compile(r"^UA\d{2,}$")


@dataclass(frozen=True)
class Question:
    """One question of the intake form, by its canonical path."""

    path: str
    kind: str  # the XLSForm type's first word: select_one, text, date, image...
    list_name: str  # the choice list of a select; "" otherwise
    required: bool
    repeat: str  # the repeat group it lies in ("" for none)

    @property
    def is_select(self) -> bool:
        return self.kind in ("select_one", "select_multiple")

    @property
    def choices(self) -> frozenset[str] | None:
        """Our choices, or None when they are not fixed here (a place's P-codes; not a select)."""
        if not self.is_select or self.list_name in PLACE_LISTS:
            return None
        return list_choices(self.list_name)


@cache
def list_choices(list_name: str) -> frozenset[str]:
    if list_name in VOCABULARY_LISTS:
        return frozenset(str(member.value) for member in VOCABULARY_LISTS[list_name])
    return frozenset(name for name, _en, _uk in FORM_LISTS.get(list_name, ()))


@cache
def canonical_questions() -> dict[str, Question]:
    """Every question of the intake form by its path (repeat children by their full path)."""
    questions, stack, repeats = {}, [], []
    for row in SURVEY:
        kind = row["type"]
        if kind in ("begin_group", "begin_repeat"):
            stack.append(row["name"])
            repeats.append("/".join(stack) if kind == "begin_repeat" else None)
        elif kind in ("end_group", "end_repeat"):
            stack.pop()
            repeats.pop()
        else:
            path = "/".join([*stack, row["name"]])
            words = kind.split()
            questions[path] = Question(
                path=path,
                kind=words[0],
                list_name=words[1] if len(words) > 1 else "",
                required=row.get("required") == "yes",
                repeat=next((r for r in reversed(repeats) if r), ""),
            )
    return questions


@cache
def canonical_repeats() -> dict[str, str]:
    """Every repeat group of the intake form: its path -> the repeat it lies in ("" for none)."""
    found, stack, repeats = {}, [], []
    for row in SURVEY:
        kind = row["type"]
        if kind in ("begin_group", "begin_repeat"):
            stack.append(row["name"])
            if kind == "begin_repeat":
                found["/".join(stack)] = next((r for r in reversed(repeats) if r), "")
            repeats.append("/".join(stack) if kind == "begin_repeat" else None)
        elif kind in ("end_group", "end_repeat"):
            stack.pop()
            repeats.pop()
    return found


def profile_errors(*, mappings, value_maps, defaults) -> dict[str, list[str]]:
    """What is wrong with a profile's rules, by field (empty when nothing is): every target a
    canonical path, every value-map and default value one of our choices. Places' P-codes are
    given back by ``pcodes_to_check`` for the caller to look up in the gazetteer."""
    questions, repeats = canonical_questions(), canonical_repeats()
    errors: dict[str, list[str]] = {}

    def add(name, message):
        errors.setdefault(name, []).append(message)

    if not isinstance(mappings, dict):
        add("mappings", "Expected an object: their form path -> our path (or null to leave it out).")
        mappings = {}
    for source, target in mappings.items():
        if not isinstance(source, str) or not source.strip("/ "):
            add("mappings", f"{source!r} is not a form path.")
        elif target is not None and not isinstance(target, str):
            add("mappings", f"{source!r}: the target must be one of our paths or null, not {target!r}.")
        elif target and target not in questions and target not in repeats:
            add("mappings", f"{source!r} -> {target!r}: {target!r} is not a question of the intake form.")
        elif target == MARKER_NAME:
            add("mappings", f"{source!r} -> {target!r}: the form marker is set by the profile itself.")
    if not isinstance(value_maps, dict):
        add("value_maps", "Expected an object: their form path -> {their value: our choice}.")
        value_maps = {}
    for source, table in value_maps.items():
        target = mappings.get(source, source) if isinstance(mappings, dict) else source
        question = questions.get(target) if isinstance(target, str) else None
        if question is None or not question.is_select:
            add("value_maps", f"{source!r}: its answers go to {target!r}, which is not a choice question of ours.")
            continue
        if not isinstance(table, dict) or not all(isinstance(v, str) and isinstance(k, str) for k, v in table.items()):
            add("value_maps", f"{source!r}: expected an object of their values -> our choices, all text.")
            continue
        for theirs, ours in table.items():
            if question.choices is not None and ours not in question.choices:
                add("value_maps", f"{source!r}: {theirs!r} -> {ours!r}: {ours!r} is not a choice of {target!r}.")
            elif question.choices is None and not PCODE.match(ours):
                add("value_maps", f"{source!r}: {theirs!r} -> {ours!r}: {ours!r} is not a P-code.")
    if not isinstance(defaults, dict):
        add("defaults", "Expected an object: our path -> the value when their form does not answer it.")
        defaults = {}
    for target, value in defaults.items():
        question = questions.get(target)
        if question is None:
            add("defaults", f"{target!r} is not a question of the intake form.")
        elif target == MARKER_NAME:
            add("defaults", f"{target!r}: the form marker is set by the profile itself.")
        elif not isinstance(value, str) or not value.strip():
            add("defaults", f"{target!r}: the default must be text, not {value!r}.")
        elif question.choices is not None and any(v not in question.choices for v in value.split()):
            add("defaults", f"{target!r}: {value!r} is not a choice of {target!r}.")
        elif question.is_select and question.choices is None and not PCODE.match(value):
            add("defaults", f"{target!r}: {value!r} is not a P-code.")
    return errors


def pcodes_to_check(*, mappings, value_maps, defaults) -> dict[str, tuple[int, list[str]]]:
    """The P-codes a profile names as our places: code -> (admin level, where it is named)."""
    questions = canonical_questions()
    found: dict[str, tuple[int, list[str]]] = {}

    def note(code, question, where):
        if question is not None and question.list_name in PLACE_LISTS and PCODE.match(code or ""):
            found.setdefault(code, (PLACE_LISTS[question.list_name], []))[1].append(where)

    for source, table in (value_maps or {}).items():
        question = questions.get((mappings or {}).get(source, source) or "")
        for ours in (table or {}).values() if isinstance(table, dict) else ():
            note(ours, question, "value_maps")
    for target, value in (defaults or {}).items():
        note(value, questions.get(target), "defaults")
    return found
