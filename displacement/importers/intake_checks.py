"""The intake form's own rules, read from its questions, applied to one submission's answers.

What the form enforces on a phone (required answers, the choices offered, "not in the future",
ranges, a code's shape) is enforced again here, from the same survey rows (``intake_questions``):
a submission edited on the server, sent from an older form or typed into an export can break any
of them. Each rule is the form's: ``required`` under its ``relevant`` conditions (and those of the
groups around it), ``select_one``/``select_multiple`` against the form's choice lists (our
vocabularies, by slug; places by P-code, checked by the mapper against the gazetteer), dates
through the model's date window (``models.dates.PAST``), and the constraints ``. >= a and . <= b``,
``string-length(.) <= n`` and ``regex(., '…')``.

Messages never repeat a free-text answer (it may be a name or a phone): only the question's path,
and for a choice, date, number, P-code or code the value (at most 40 characters), and only when it
has that shape (``shown``): a name or a phone typed into a choice's, a number's or a place's
column (an export's columns shifted, a profile's mistake) is not repeated either.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from functools import cache, cached_property

from django.core.exceptions import ValidationError

from displacement.models.dates import EARLIEST, PAST

from .intake_form import FORM_LISTS, PLACE_LISTS, VOCABULARY_LISTS
from .intake_questions import SURVEY

_RELEVANT = re.compile(r"^\$\{(\w+)\}\s*(!=|=)\s*'([^']*)'$")
_RANGE = re.compile(r"^\. >= (\d+) and \. <= (\d+)$")
_LENGTH = re.compile(r"^string-length\(\.\) <= (\d+)$")
_REGEX = re.compile(r"^regex\(\., '(.*)'\)$")


@dataclass(frozen=True)
class Question:
    path: str  # inside a repeat: the path inside it (``age``)
    name: str
    kind: str  # "select_one", "integer", "date", "text", ...
    list_name: str  # a select's choice list
    required: bool
    relevant: tuple[str, ...]  # its own and its groups' conditions, outermost first
    repeat: str  # the repeat group's path, or ""
    constraint: str
    #: The form's own message for a broken constraint, in English ("A code looks like ...").
    constraint_message: str = ""

    @cached_property  # read once, not once per answer checked
    def conditions(self) -> tuple[tuple[str, bool, str], ...]:
        """``relevant`` read: (question name, equal?, value) each."""
        return _conditions(self.relevant)


@cache
def _conditions(relevant: tuple[str, ...]) -> tuple[tuple[str, bool, str], ...]:
    read = []
    for condition in relevant:
        match = _RELEVANT.match(condition)
        if not match:  # the survey holds no other shape; a new one must be taught here
            raise ValueError(f"Unreadable relevance {condition!r}")
        name, operator, expected = match.groups()
        read.append((name, operator == "=", expected))
    return tuple(read)


class Problems(list):
    """``(path, message)`` pairs found in one submission."""

    def add(self, path: str, message: str) -> None:
        self.append((path, message))


@cache
def questions() -> tuple[Question, ...]:
    found, stack = [], []  # stack: (name, relevant, is_repeat)
    for row in SURVEY:
        kind = row["type"]
        if kind in ("begin_group", "begin_repeat"):
            stack.append((row["name"], row.get("relevant", ""), kind == "begin_repeat"))
            continue
        if kind in ("end_group", "end_repeat"):
            stack.pop()
            continue
        names = [name for name, _, _ in stack]
        repeat_at = max((i for i, (_, _, is_repeat) in enumerate(stack) if is_repeat), default=-1)
        inner = names[repeat_at + 1 :] if repeat_at >= 0 else names
        parts = kind.split()
        found.append(
            Question(
                path="/".join([*inner, row["name"]]),
                name=row["name"],
                kind=parts[0],
                list_name=parts[1] if len(parts) > 1 else "",
                required=row.get("required") == "yes",
                relevant=tuple(r for _, r, _ in stack if r) + ((row["relevant"],) if row.get("relevant") else ()),
                repeat="/".join(names[: repeat_at + 1]) if repeat_at >= 0 else "",
                constraint=row.get("constraint", ""),
                constraint_message=(row.get("constraint_message") or ("",))[0],
            )
        )
    return tuple(found)


@cache
def _top_paths() -> dict[str, str]:
    """Question name -> path, for questions outside repeats (what ``${name}`` refers to)."""
    return {q.name: q.path for q in questions() if not q.repeat}


@cache
def _place_lists() -> frozenset[str]:
    return frozenset(PLACE_LISTS.values())


@cache
def choices(list_name: str) -> frozenset[str]:
    if list_name in VOCABULARY_LISTS:
        return frozenset(str(v) for v in VOCABULARY_LISTS[list_name].values)
    return frozenset(name for name, _, _ in FORM_LISTS.get(list_name, ()))


def _value_of(name: str, answers: dict, item: dict | None, top: dict[str, str]):
    if item is not None and name in item:
        return item[name]
    path = top.get(name)
    return answers.get(path) if path else None


def is_relevant(question: Question, answers: dict, item: dict | None = None) -> bool:
    top = _top_paths()
    for name, equal, expected in question.conditions:
        value = _value_of(name, answers, item, top) or ""
        if (value == expected) != equal:
            return False
    return True


#: The shapes of the answers a message may repeat (``shown``): our choices' names (ASCII slugs
#: with a letter: a phone number has none), a date, a small number, a P-code, a household code,
#: an event's reference (an ACLED id, three or four capitals and digits, or our number: not a
#: 9-digit ID card's number nor a passport's two letters and six digits).
CHOICE = re.compile(r"(?=[a-z0-9_.-]*[a-z])[a-z0-9_.-]{1,60}")
CHOICES = re.compile(rf"{CHOICE.pattern}(?: {CHOICE.pattern})*")  # a select_multiple's answer
DATE = re.compile(r"\d{4}-\d{2}-\d{2}[0-9T:.+Z-]{0,20}")
NUMBER = re.compile(r"-?\d{1,6}")
CODE = re.compile(r"HH-[2-9A-HJ-NP-Z]{7}")
REFERENCE = re.compile(r"[A-Z]{3,4}\d{1,9}|\d{1,7}")
#: What a message says in place of an answer of another shape.
NOT_SHOWN = "An answer (not shown)"


def shown(value, shape: re.Pattern = CHOICE, *, quoted: bool = True) -> str:
    """``value`` (quoted, at most 40 characters) when it has ``shape``, else ``NOT_SHOWN``: an
    answer of another shape may be a name or a phone in the wrong column."""
    value = str(value)
    if not shape.fullmatch(value):
        return NOT_SHOWN
    value = value if len(value) <= 40 else value[:37] + "..."
    return repr(value) if quoted else value


def parse_date(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _check_value(question: Question, full_path: str, value, problems: Problems, latest: datetime.date) -> None:
    if isinstance(value, list):
        problems.add(full_path, "A repeat group where one answer was expected.")
        return
    if question.kind in ("select_one", "select_multiple") and question.list_name not in _place_lists():
        allowed = choices(question.list_name)
        picked = value.split() if question.kind == "select_multiple" else [value]
        unknown = [v for v in picked if v not in allowed]
        if unknown:
            listed = ", ".join(sorted(allowed))
            problems.add(full_path, f"{shown(' '.join(unknown), CHOICES)} is not a choice here (allowed: {listed}).")
    elif question.kind == "date":
        day = parse_date(value)
        if day is None:
            problems.add(full_path, f"{shown(value, DATE)} is not a day of the calendar (YYYY-MM-DD).")
            return
        if EARLIEST <= day <= latest:  # PAST's window, its end read once a submission (the clock is slow)
            return
        try:
            PAST(day)  # its words for a date out of the window
        except ValidationError as exc:
            problems.add(full_path, f"{day.isoformat()}: {' '.join(exc.messages)}")
    elif question.kind == "integer":
        try:
            number = int(value)
        except ValueError:
            problems.add(full_path, f"{shown(value, NUMBER)} is not a whole number.")
            return
        if match := _RANGE.match(question.constraint):
            low, high = int(match[1]), int(match[2])
            if not low <= number <= high:  # (a phone's digits are a whole number too)
                problems.add(full_path, f"{shown(value.strip(), NUMBER)} is not from {low} to {high}.")
    elif question.kind == "text":
        if (match := _LENGTH.match(question.constraint)) and len(value) > int(match[1]):
            problems.add(full_path, f"At most {match[1]} characters ({len(value)} given).")
        if (match := _REGEX.match(question.constraint)) and not re.fullmatch(match[1], value):
            # Never echoed; the form's own message says what the form is.
            message = f"The answer does not have the form this question asks for. {question.constraint_message}"
            problems.add(full_path, message.strip())


def check_answers(answers: dict) -> Problems:
    """Every rule of the form that ``answers`` (one submission) break."""
    problems = Problems()
    latest = PAST.latest()
    for question in questions():
        if question.repeat:
            items = answers.get(question.repeat) or []
            if not isinstance(items, list):
                problems.add(question.repeat, "One answer where a repeat group was expected.")
                continue
            for index, item in enumerate(items, start=1):
                _check_one(question, answers, item, f"{question.repeat}[{index}]/", problems, latest)
        else:
            _check_one(question, answers, None, "", problems, latest)
    return problems


def _check_one(question, answers: dict, item: dict | None, prefix: str, problems: Problems, latest) -> None:
    value = (item if item is not None else answers).get(question.path)
    if value is None or value == "":
        if question.required and is_relevant(question, answers, item):
            problems.add(prefix + question.path, "This answer is required.")
        return
    if is_relevant(question, answers, item):
        _check_value(question, prefix + question.path, value, problems, latest)
