"""What an import run wrote: the records it created or last changed, the runs a list may be
filtered by, and which kinds of record a run's page links to.

A record knows the run that created or last changed it: an event and a form submission by
their own ``import_run``; a testimony by its form submission's (testimonies hold no run of
their own). Every read goes through the gate (``access.scoped``): another organisation's run
finds nothing, and only those who may open import runs see which runs there are.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from displacement import models as m
from displacement.selectors.access import Viewer, scoped

#: The runs a list's filter offers: the latest ones (any other is still reached by its id).
RUNS_OFFERED = 50

#: The kinds of record that know their run, in the order a run's page links to them.
WRITTEN_KINDS: tuple[type, ...] = (m.Event, m.Testimony, m.FormSubmission)


def _naming_rows(model: type, run) -> QuerySet:
    """The rows that name ``run`` (an id or an ``OuterRef``) for records of ``model``."""
    if model is m.Testimony:
        return m.FormSubmission.objects.filter(import_run=run, testimony__isnull=False)
    if model in WRITTEN_KINDS:
        return model._default_manager.filter(import_run=run)
    raise ValueError(f"{model.__name__} does not know its import run")


def written_by_q(model: type, run_id: int) -> Q:
    """A filter on ``model``: the records import run ``run_id`` created or last changed."""
    if model is m.Testimony:
        return Q(pk__in=_naming_rows(model, run_id).values("testimony_id"))
    return Q(import_run_id=run_id)


def runs_that_wrote(model: type, who, *, also: int | None = None) -> list[m.ImportRun]:
    """The latest runs ``who`` may see that wrote records of ``model`` (newest first), and run
    ``also`` if ``who`` may see it and it is not among them (the one a list is filtered by)."""
    runs = scoped(m.ImportRun, who).filter(dry_run=False)
    shown = list(runs.filter(Exists(_naming_rows(model, OuterRef("pk"))))[:RUNS_OFFERED])
    if also is not None and all(run.pk != also for run in shown):
        shown += list(runs.filter(pk=also))
    return shown


def kinds_written(run: m.ImportRun, who) -> list[type]:
    """The kinds of record ``run`` created or last changed that ``who`` may open."""
    viewer = Viewer.of(who)
    return [
        model
        for model in WRITTEN_KINDS
        if viewer.may_open(model) and scoped(model, viewer).filter(written_by_q(model, run.pk)).exists()
    ]
