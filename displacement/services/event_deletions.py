"""ACLED's deletions: the events it withdrew are deleted (each leaves a tombstone for partners)
and listed in the run's report. A one-by-one delete, unlike the bulk write of
``services.event_import``: a deletions file names few events, and each delete runs the
event's own rules (tombstone, protected evidence)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import ProtectedError

from displacement import models as m
from displacement.importers.pipeline import Counts, Problem, RowResult
from displacement.models.imports import ReportLevel
from displacement.services.events import event_delete


def events_delete_imported(*, organization, results: Iterable[RowResult], report: list[Problem]) -> Counts:
    """Delete the events ACLED withdrew (``results`` carry their ids); each leaves a tombstone
    for partners (``services.tombstones``) and a line in the report. An event that evidence
    still points to (an attachment) is kept, and the row says why."""
    counts = Counts()
    for result in results:
        event = m.Event.objects.filter(organization=organization, external_id=result.external_id).first()
        if event is None:
            alias = m.EventAlias.objects.filter(organization=organization, external_id=result.external_id).first()
            if alias is None:
                counts.unchanged += 1
                continue
            alias.delete()  # the event it was merged into stands on its own id and other sources
            counts.deleted += 1
            report.append(
                Problem(
                    ReportLevel.DELETED,
                    "event_id_cnty",
                    f"Withdrawn id of an event merged into event {alias.event_id}: id forgotten, event kept.",
                    result.row_number,
                    result.external_id,
                )
            )
            continue
        try:
            event_delete(event=event)
        except ProtectedError:
            counts.rejected += 1
            report.append(
                Problem(
                    ReportLevel.REJECTED,
                    "event_id_cnty",
                    "The event has attachments: kept.",
                    result.row_number,
                    result.external_id,
                )
            )
            continue
        counts.deleted += 1
        report.append(
            Problem(
                ReportLevel.DELETED,
                "event_id_cnty",
                f"Deleted event “{event.title}”.",
                result.row_number,
                result.external_id,
            )
        )
    return counts
