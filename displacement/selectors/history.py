"""Reads of the trigger-based change history, for people to read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pghistory.models
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from displacement.models.base import choice_labels, is_vocabulary_array

_LABELS = {"insert": _("Created"), "update": _("Changed"), "delete": _("Deleted")}
_HIDDEN = {"updated_at", "created_at"}
_WITHHELD = _("(withheld)")


@dataclass
class HistoryEntry:
    at: datetime
    action: str
    user: str
    url: str
    changes: list[tuple[str, object, object]]


def _actor(context: dict, usernames: dict) -> str:
    if context.get("user") in usernames:
        return usernames[context["user"]]
    if context.get("user"):
        return f"user #{context['user']}"
    if context.get("command"):
        return f"{_('system')} ({context['command']})"
    return str(_("system"))


def history_for(obj, limit: int = 200, hidden: set[str] = frozenset()) -> list[HistoryEntry]:
    """Newest first: who changed what on ``obj``, from the history triggers.

    ``hidden`` names fields whose values the reader may not see (a narrative for an
    analyst); their changes are listed without the values.
    """
    events = list(pghistory.models.Events.objects.tracks(obj).order_by("-pgh_created_at", "-pgh_id")[:limit])
    user_ids = {e.pgh_context.get("user") for e in events if e.pgh_context and e.pgh_context.get("user")}
    usernames = dict(get_user_model().objects.filter(pk__in=user_ids).values_list("pk", "username"))
    fields = {f.attname: f for f in obj._meta.concrete_fields}

    def readable(name, value):
        field = fields.get(name)
        if field is not None and is_vocabulary_array(field) and isinstance(value, list):
            return ", ".join(choice_labels(field, value))
        if field is not None and field.flatchoices and value is not None:
            return dict(field.flatchoices).get(value, value)
        return value

    entries = []
    for event in events:
        context = event.pgh_context or {}  # the Events view exposes the context's metadata
        diff = event.pgh_diff or {}
        changes = [
            (
                str(fields[name].verbose_name) if name in fields else name,
                _WITHHELD if name in hidden else readable(name, old_new[0]),
                _WITHHELD if name in hidden else readable(name, old_new[1]),
            )
            for name, old_new in sorted(diff.items())
            if name not in _HIDDEN
        ]
        entries.append(
            HistoryEntry(
                at=event.pgh_created_at,
                action=str(_LABELS.get(event.pgh_label, event.pgh_label)),
                user=_actor(context, usernames),
                url=context.get("url", ""),
                changes=changes,
            )
        )
    return entries
