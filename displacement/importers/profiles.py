"""Import profiles: submissions of a form not made by ``intake_form``, rewritten into ours.

A profile says, for one organisation's own KoboToolbox or ODK form, which of its answer paths
is which question of the intake form (``mappings``: their path -> our canonical path, as
``intake_spec`` names them; ``None`` to leave a path out on purpose), how their choices are
written in ours (``value_maps``: their path -> {their value: our choice}) and what to assume
when they do not ask (``defaults``: our path -> our value).

``apply_profile(submission_set, profile)`` is pure: it rewrites every submission's answers
(repeat groups included) into canonical paths, so that the set passes ``check_form`` with
the intake form's spec, and returns with it the problems a dry run lists: every path and
every value it could not map, with how many submissions had it and one of them as example.
An unmapped path is left out (FLAGGED); a value that maps to none of our choices is left out
(FLAGGED), or, for a required question, kept as written so that the import's form checks
reject the submission (REJECTED, its rows in the problem). Without a profile the set is
returned as it is. ``report_lines`` gives the problems as lines of the import's report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from .intake_questions import FORM_ID, FORM_REVISION, MARKER, MARKER_NAME
from .pipeline import Problem
from .profile_rules import PCODE, Question, canonical_questions, canonical_repeats
from .submissions import MEDIA_TYPES, Attachment, Submission, SubmissionSet, SubmissionSetError, guess_mimetype

#: ``ImportProfile.source`` values, as ``Submission.platform`` names the platforms.
ANY_SOURCE = "any"
PLATFORM_NAMES = {"kobotoolbox": "KoboToolbox", "odk_central": "ODK Central"}
#: Report levels of the problems (``models.ReportLevel`` values).
FLAGGED, REJECTED = "flagged", "rejected"
CHOICE_NAME = re.compile(r"^[\w.-]{1,60}$")
NOT_A_CHOICE_NAME = "(a text that is no choice's name, not shown)"


@dataclass
class ProfileProblem:
    """A path or a value the profile could not map, over the whole set."""

    level: str  # FLAGGED, or REJECTED: the submissions in ``rows`` will be rejected by the form's checks
    path: str  # the path in their form
    value: str | None  # the value not mapped; None when the path itself is not
    target: str  # the canonical path it would have gone to, when known
    reason: str
    count: int = 0  # submissions that had it
    example: str = ""  # one of them: its stable id
    rows: list[int] = field(default_factory=list)  # their rows in the file

    @property
    def message(self) -> str:
        times = f"{self.count} submission{'s' if self.count != 1 else ''}, e.g. {self.example}"
        if self.value is None:
            return f"The answer at {self.path!r} {self.reason}: left out ({times})."
        outcome = "the submission is rejected" if self.level == REJECTED else "left out"
        return f"The value {self.value!r} at {self.path!r} {self.reason}: {outcome} ({times})."


class _Rules:
    """A profile's rules, ready to apply to many submissions."""

    def __init__(self, profile):
        self.name = profile.name
        self.mappings = dict(profile.mappings or {})
        self.value_maps = {path: dict(table) for path, table in (profile.value_maps or {}).items()}
        self.questions = canonical_questions()
        self.repeats = canonical_repeats()
        self.defaults: dict[str, dict[str, str]] = {}  # repeat ("" for none) -> {relative path: value}
        for target, value in (profile.defaults or {}).items():
            if target not in self.questions:
                continue  # a profile is checked when saved (``profile_errors``)
            repeat = self.questions[target].repeat
            self.defaults.setdefault(repeat, {})[_relative(target, repeat)] = value
        self.problems: dict[tuple, ProfileProblem] = {}
        self._plans: dict[tuple, tuple] = {}
        #: The media answers (our path, file name) of the submission being rewritten.
        self.media: list[tuple[str, str]] = []
        self._choices: dict[str, dict[str, tuple]] = {}

    def target(self, path: str) -> str | None:
        if path in self.mappings:
            return self.mappings[path] or None
        return path if path in self.questions or path in self.repeats else None

    def note(self, submission, seen, level, path, value, target, reason):
        key = (path, value, level)
        problem = self.problems.get(key)
        if problem is None:
            problem = self.problems[key] = ProfileProblem(level, path, value, target, reason)
        if key not in seen:
            seen.add(key)
            problem.count += 1
            problem.example = problem.example or submission.stable_id
            problem.rows.append(submission.row)

    def choice(self, path: str, question: Question, value: str) -> tuple[str, tuple[str, ...]]:
        """``value`` in our choices and the words of it that are none of ours (worked out once
        per path and value: answers repeat their choices)."""
        memo = self._choices.setdefault(path, {})
        found = memo.get(value)
        if found is None:
            table = self.value_maps.get(path) or {}
            words = value.split() if question.kind == "select_multiple" else [value]
            choices, mapped, unknown = question.choices, [], []
            for word in words:
                ours = table.get(word, word)
                if ours in choices if choices is not None else PCODE.match(ours):
                    mapped.append(ours)
                else:
                    unknown.append(word)
            found = memo[value] = (" ".join(mapped), tuple(unknown))
        return found

    def value(self, submission, seen, path: str, value: str, question: Question) -> str | None:
        """``value`` in our choices: a select-multiple keeps the choices it can map; None when
        nothing is left (each choice that could not be mapped noted). A required question's
        value that cannot be mapped stays as written, for the import to reject."""
        mapped, unknown = self.choice(path, question, value)
        if not unknown:
            return mapped
        level = REJECTED if question.required else FLAGGED
        reason = f"is not a choice of {question.path!r} and the profile {self.name!r} maps it to none"
        for word in unknown:
            self.note(submission, seen, level, path, _shown(word), question.path, reason)
        if level == REJECTED:
            return value  # as written: the form's own checks reject the submission, and count it
        return mapped or None

    def plan(self, path: str, repeat: str, is_list: bool) -> tuple:
        """What becomes of an answer at ``path`` inside our ``repeat`` (worked out once):
        ``(None,)`` left out on purpose; ``(reason, target)`` not mapped; else ``("", target,
        question, name, first_of)``: the answer goes under ``name``, in the first item of the
        repeat ``first_of`` when that is set."""
        key = (path, repeat, is_list)
        found = self._plans.get(key)
        if found is not None:
            return found
        target = self.target(path)
        if path in self.mappings and not self.mappings[path]:
            found = (None,)
        elif is_list:
            if target not in self.repeats:
                found = ("is a repeat group the profile does not map to one of ours", target or "")
            elif self.repeats[target] != repeat:
                where = repeat or "the submission"
                found = (f"goes to {target!r}, which is not inside {where!r} as it is here", target)
            else:
                found = ("", target, None, _relative(target, repeat), "")
        else:
            question = self.questions.get(target) if target else None
            if question is None:
                reason = "is not mapped by the profile" if target is None else f"goes to the repeat group {target!r}"
                found = (reason, target or "")
            elif question.repeat == repeat:
                found = ("", target, question, _relative(target, repeat), "")
            elif not repeat and question.repeat and not self.repeats[question.repeat]:
                # A form that asks once what ours asks in a repeat: its answer is the first item.
                found = ("", target, question, _relative(target, question.repeat), question.repeat)
            else:
                found = (f"goes to {target!r}, outside the repeat group it is in here", target)
        self._plans[key] = found
        return found

    def rewrite(self, submission: Submission, seen: set, answers: dict, prefix: str, repeat: str) -> dict:
        """``answers`` (their paths below ``prefix``, inside our repeat ``repeat``) in our paths."""
        out: dict = {}
        plans, choices = self._plans, self._choices
        for key, value in answers.items():
            path = prefix + key
            is_list = type(value) is list
            plan = plans.get((path, repeat, is_list)) or self.plan(path, repeat, is_list)
            reason = plan[0]
            if reason is None:
                continue  # left out on purpose
            if reason:
                self.note(submission, seen, FLAGGED, path, None, plan[1], reason)
                continue
            _reason, target, question, name, first_of = plan
            if is_list:
                items = [self.rewrite(submission, seen, item, f"{path}/", target) for item in value]
                items = [item for item in items if item]
                if items:
                    out.setdefault(name, []).extend(items)
                continue
            if question.list_name:  # a select: its choices in ours
                known = choices.get(path, {}).get(value)
                value = (
                    known[0]
                    if known is not None and not known[1]
                    else self.value(submission, seen, path, value, question)
                )
                if value is None:
                    continue
            place = out
            if first_of:
                items = out.setdefault(first_of, [])
                if not items:
                    items.append({})
                place = items[0]
            if name in place and place[name] != value:
                reason = f"answers {target!r} again, after another of the form's questions"
                self.note(submission, seen, FLAGGED, path, None, target, reason)
                continue
            place[name] = value
            if question.kind in MEDIA_TYPES:
                self.media.append((target, value))
        return out

    def with_defaults(self, answers: dict, repeat: str = "") -> dict:
        """``answers`` (inside ``repeat``) with the defaults of what they leave unanswered,
        in every item of every repeat group too."""
        if not self.defaults:
            return answers
        for name, value in self.defaults.get(repeat, {}).items():
            answers.setdefault(name, value)
        for name, value in answers.items():
            if isinstance(value, list):
                path = f"{repeat}/{name}" if repeat else name
                for item in value:
                    self.with_defaults(item, path)
        return answers

    def attachments(self, submission: Submission) -> list[Attachment]:
        """Each attachment under the question it now answers; one for every media answer
        the platform did not list (ODK's OData names them only in the answers)."""
        found = []
        for attachment in submission.attachments:
            target = self.target(attachment.question_path) if attachment.question_path else ""
            found.append(replace(attachment, question_path=target or attachment.question_path))
        listed = {a.filename for a in found}
        for path, name in self.media:
            if name not in listed:
                found.append(Attachment(name, guess_mimetype(name), "", path))
                listed.add(name)
        return found


def _shown(word: str) -> str:
    """A value as a problem lists it: as written when it can be a choice's name (XLSForm names
    have no spaces; these are codes), else not at all (free text mapped to a choice question
    by mistake may name a person)."""
    return word if CHOICE_NAME.match(word) else NOT_A_CHOICE_NAME


def _relative(path: str, repeat: str) -> str:
    return path[len(repeat) + 1 :] if repeat else path


def check_source(submission_set: SubmissionSet, profile) -> None:
    """Refuse, as a whole, a file the profile is not for: another platform, another form."""
    source = getattr(profile, "source", ANY_SOURCE) or ANY_SOURCE
    if source != ANY_SOURCE and submission_set.platform != source:
        raise SubmissionSetError(
            f"The import profile {profile.name!r} is for {PLATFORM_NAMES.get(source, source)} files; this file is "
            f"{PLATFORM_NAMES.get(submission_set.platform, submission_set.platform)}'s. Nothing was imported."
        )
    form_id = getattr(profile, "form_id", "")
    if form_id and submission_set.form_id and submission_set.form_id != form_id:
        raise SubmissionSetError(
            f"This file holds submissions of the form {submission_set.form_id!r}; the import profile "
            f"{profile.name!r} is for {form_id!r}. Nothing was imported."
        )


def apply_profile(submission_set: SubmissionSet, profile) -> tuple[SubmissionSet, list[ProfileProblem]]:
    """``submission_set`` in the intake form's paths and choices, and what could not be mapped.

    ``profile`` is an ``ImportProfile`` (or anything with its ``name``, ``source``, ``form_id``,
    ``mappings``, ``value_maps`` and ``defaults``); None gives the set back as it is. A
    submission with a REJECTED problem stays in the set with that answer as written (none of
    our choices), so that the import's form checks reject it, with its reason, and count it;
    the problem lists its rows.
    """
    if profile is None:
        return submission_set, []
    check_source(submission_set, profile)
    rules = _Rules(profile)
    mapped = []
    for submission in submission_set.submissions:
        seen: set = set()
        rules.media = []
        answers = rules.with_defaults(rules.rewrite(submission, seen, submission.answers, "", ""))
        answers[MARKER_NAME] = MARKER
        version = submission.form_version
        mapped.append(
            replace(
                submission,
                answers=answers,
                attachments=rules.attachments(submission),
                # ODK's form version is their form's; the set is now of our revision.
                form_version=f"{FORM_REVISION}.{version}" if submission.platform == "odk_central" else version,
                flags=list(submission.flags),
                source_digest=b"",  # what the profile made of it is what its digest must cover
            )
        )
    problems = sorted(rules.problems.values(), key=lambda p: (p.level != REJECTED, p.path, p.value or ""))
    return SubmissionSet(submission_set.platform, mapped, form_id=FORM_ID), problems


def report_lines(problems: list[ProfileProblem]) -> list[Problem]:
    """The problems as lines of an import's report: one a path or value, at its first row,
    with its example submission's id (the count is in the message)."""
    return [
        Problem(problem.level, problem.path[-60:], problem.message, problem.rows[0], problem.example[:60])
        for problem in problems
    ]
