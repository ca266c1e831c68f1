"""Arrays of vocabulary words shown read-only show their labels, in the user's language.

A person's vulnerabilities, a case's needs, what an agreement shares and an API key's scopes are
stored as slugs (``models.vocab``). Django shows a read-only array as its stored words joined
("single_caregiver, trauma"); here such a field is shown by ``labels_display`` instead wherever it
is read-only: a list column, a page its viewer may not change, an inline whose rows they may not
change (``VocabularyLabels``), a field an admin makes read-only (``labelled``); the CSV export
and the history use the same words (``models.base.choice_labels``).
"""

from __future__ import annotations

from functools import cache

from django.contrib import admin
from django.contrib.admin.options import InlineModelAdmin
from django.contrib.admin.utils import flatten_fieldsets

from displacement.models.base import choice_labels, is_vocabulary_array


@cache
def labels_display(field):
    """A read-only display of ``field``'s labels, named and titled as the field."""

    @admin.display(description=field.verbose_name)
    def display(obj):
        return ", ".join(choice_labels(field, getattr(obj, field.name))) or "—"

    display.__name__ = field.name  # the page's CSS class, "field-<name>", stays the field's
    return display


def labelled(names, model) -> list:
    """``names`` (field names, callables) with each vocabulary array of ``model`` among them
    replaced by its ``labels_display``, each shown once."""
    fields = {field.name: field for field in model._meta.fields if is_vocabulary_array(field)}
    shown = []
    for name in names:
        item = labels_display(fields[name]) if isinstance(name, str) and name in fields else name
        if item not in shown:
            shown.append(item)
    return shown


class VocabularyLabels:
    """For model admins and inlines: their list columns, and their pages and rows shown
    read-only as a whole, show vocabulary arrays by their labels."""

    def _read_only(self, request, obj) -> bool:
        if isinstance(self, InlineModelAdmin):  # ``obj`` is the parent: no row may be changed or added
            return not (self.has_change_permission(request, obj) or self.has_add_permission(request, obj))
        return obj is not None and not self.has_change_permission(request, obj)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not self._read_only(request, obj):
            return fieldsets
        return [(name, {**options, "fields": labelled(options["fields"], self.model)}) for name, options in fieldsets]

    def get_formset(self, request, obj=None, **kwargs):
        # The form holds no display (Django's readonly callables are left out by name).
        if "fields" not in kwargs and self._read_only(request, obj):
            fields = flatten_fieldsets(self.get_fieldsets(request, obj))
            kwargs["fields"] = [name for name in fields if isinstance(name, str)]
        return super().get_formset(request, obj, **kwargs)

    def get_list_display(self, request):
        return labelled(super().get_list_display(request), self.model)
