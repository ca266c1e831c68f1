"""Abstract bases, a multiple-choice array field and the history decorator every model uses."""

import pghistory
import pgtrigger
from django import forms
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _


def refuse_truncate() -> pgtrigger.Trigger:
    """The trigger of an append-only table that refuses TRUNCATE, which row triggers (those
    refusing UPDATE and DELETE) never see: a statement trigger."""
    return pgtrigger.Trigger(
        name="refuse_truncate",
        level=pgtrigger.Statement,
        when=pgtrigger.Before,
        operation=pgtrigger.Truncate,
        func="RAISE EXCEPTION 'Cannot truncate %: it is append-only', TG_TABLE_NAME;",
    )


def _unindexed_copy(model_class, name: str) -> models.ForeignKey:
    """The history's copy of ``model_class``'s foreign key ``name`` as pghistory makes it (no
    constraint, no related name), without the index pghistory gives every foreign key."""
    field = model_class._meta.get_field(name)
    return models.ForeignKey(
        field.remote_field.model,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=field.null,
        blank=field.blank,
        editable=field.editable,
        related_name="+",
        related_query_name="+",
        verbose_name=field.verbose_name,
    )


def tracked(model_class=None, *, exclude=None, unrecorded=(), per_statement=False, unindexed=()):
    """Record every insert, update and delete of ``model_class`` with database triggers.

    Triggers see bulk ``update()`` and raw SQL too. The history table is append-only (UPDATE,
    DELETE and TRUNCATE are refused), and each row carries the pghistory context (acting user,
    URL and request id, set by the middleware). ``exclude`` names fields whose values must not
    be copied into the history (direct identifiers: a purge must not leave them behind in an
    append-only table, or secrets); ``unrecorded`` names fields whose change alone is not an
    event (a key's time of last use, written by requests). ``per_statement`` writes a
    statement's history rows with one statement-level trigger (transition tables, the context
    attached once) rather than a trigger a row: for tables written in bulk (imports), where
    the per-row context upsert cost more than the row itself. ``unindexed`` names foreign keys
    the history is never read by (it is read by its object and context): their copies in the
    history table get no index, one less to update a row written.
    """
    if model_class is None:
        return lambda cls: tracked(
            cls, exclude=exclude, unrecorded=unrecorded, per_statement=per_statement, unindexed=unindexed
        )
    changed = pgtrigger.AnyChange(exclude=list(unrecorded)) if unrecorded else pgtrigger.AnyChange()
    return pghistory.track(
        pghistory.InsertEvent(),
        pghistory.UpdateEvent(condition=changed),
        pghistory.DeleteEvent(),
        obj_field=pghistory.ObjForeignKey(related_name="history"),
        model_name=f"{model_class.__name__}History",
        append_only=True,
        exclude=exclude,
        meta={"triggers": [refuse_truncate()]},
        attrs={name: _unindexed_copy(model_class, name) for name in unindexed},
        level=pghistory.Statement if per_statement else pghistory.Row,
    )(model_class)


def is_vocabulary_array(field) -> bool:
    """Is ``field`` an array of vocabulary words (its items have choices, ``models.vocab``)?"""
    return isinstance(field, ArrayField) and bool(field.base_field.choices)


def choice_labels(field, values) -> list[str]:
    """The labels of ``values``, words of the array ``field``, in the active language (what people
    read: the admin, its exports, the history); a word no longer in the vocabulary shows as stored."""
    labels = dict(field.base_field.flatchoices)
    return [str(labels.get(value, value)) for value in values or ()]


class ChoiceArrayField(ArrayField):
    """An array of choices edited as a group of checkboxes rather than a comma-separated string."""

    def formfield(self, **kwargs):
        # The admin theme overrides ArrayField's widget with a textarea; keep checkboxes.
        widget = kwargs.pop("widget", None)
        if widget is not None and not isinstance(widget, forms.CheckboxSelectMultiple):
            widget = None
        defaults = {
            "form_class": forms.TypedMultipleChoiceField,
            "choices": self.base_field.choices,
            "coerce": self.base_field.to_python,
            "widget": widget or forms.CheckboxSelectMultiple,
        }
        defaults.update(kwargs)
        # Skip ArrayField.formfield, which would force its own SimpleArrayField.
        return super(ArrayField, self).formfield(**defaults)


def page_index(*, name: str, column: str) -> models.Index:
    """The index of an API list filtered by a range on ``column``.

    Pages are read in (updated_at, id) order, and ``column`` (a date) goes with updated_at,
    so the first match of a range on it can lie far into that order. As a key of this index
    the range is tested on index entries (an Index Cond), without visiting the rows it skips.
    The model's ``updated_at`` then needs no index of its own (``updated_at_field``).
    """
    return models.Index(fields=["updated_at", "id", column], name=name)


def updated_at_field() -> models.DateTimeField:
    """``updated_at`` without an index, for a model whose ``page_index`` leads with it."""
    return models.DateTimeField(_("updated at"), auto_now=True)


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    class Meta:
        abstract = True


class Owned(TimeStamped):
    """A record that belongs to the organisation that created it."""

    organization = models.ForeignKey(
        "displacement.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation"),
    )

    class Meta:
        abstract = True
