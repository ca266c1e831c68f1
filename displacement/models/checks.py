"""Database CHECKs generated from the fields, so that each rule is written once: in the field.

``@checked`` on a model adds, for every column whose field has choices (a vocabulary of
``vocab.py``, or a model's own ``TextChoices``), a CHECK that it holds one of them
(``<model>_<field>_known``; an array column: only them), and for every date whose field has a
``dates.DateWindow`` validator, a CHECK that it lies in the window (``<model>_<field>_in_window``).
A test walks every model and fails on a vocabulary column without its CHECK.
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Func, Q

from .dates import EARLIEST, DateWindow


class SavedDay(Func):
    """The UTC day of a timestamp plus ``days`` (an integer): what a CHECK may compare a date with."""

    template = "((%(expressions)s AT TIME ZONE 'UTC')::date + %(days)d)"
    output_field = models.DateField()

    def __init__(self, expression, *, days: int = 0, **extra):
        super().__init__(expression, days=days, **extra)


class FieldCheck(models.CheckConstraint):
    """A CHECK generated from a field, which ``full_clean`` does not evaluate again: the field's
    own validation (its choices, its ``DateWindow`` validator) checks the same rule in Python,
    where Django would ask the database once per CHECK (a dozen queries to save an event). A
    date's window in particular would be compared with the time of the previous save, and refuse
    a correct date on a record not saved since; the validator compares with today."""

    def validate(self, *args, **kwargs):
        return None


def vocabulary_check(model, field) -> FieldCheck:
    base = field.base_field if isinstance(field, ArrayField) else field
    words = [value for value, _label in base.flatchoices]
    if base.blank and isinstance(field, models.CharField) and "" not in words:
        words.append("")  # "none given", as the forms allow
    lookup = "contained_by" if isinstance(field, ArrayField) else "in"
    return FieldCheck(
        condition=Q(**{f"{field.name}__{lookup}": words}), name=f"{model._meta.model_name}_{field.name}_known"
    )


def date_window_check(model, field, window: DateWindow) -> FieldCheck:
    ceiling = SavedDay(F("updated_at"), days=window.horizon_days + 1)
    return FieldCheck(
        condition=Q(**{f"{field.name}__gte": EARLIEST}) & Q(**{f"{field.name}__lte": ceiling}),
        name=f"{model._meta.model_name}_{field.name}_in_window",
    )


def generated_checks(model) -> list[FieldCheck]:
    found = []
    for field in model._meta.local_concrete_fields:
        base = field.base_field if isinstance(field, ArrayField) else field
        if base.choices:
            found.append(vocabulary_check(model, field))
        windows = [v for v in field.validators if isinstance(v, DateWindow)]
        if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField) and windows:
            found.append(date_window_check(model, field, windows[0]))
    return found


def checked(model):
    """Add the generated CHECKs to ``model`` (a class decorator, like ``tracked``)."""
    meta = model._meta
    names = {constraint.name for constraint in meta.constraints}
    added = [check for check in generated_checks(model) if check.name not in names]
    meta.constraints = [*meta.constraints, *added]
    # Migrations read a model's constraints only when its Meta declared some.
    meta.original_attrs["constraints"] = meta.constraints
    return model
