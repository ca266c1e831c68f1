"""Import an ACLED file (CSV export of either layout, API JSON, or deletions) into an organisation."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from displacement.management.organizations import organization_from_option
from displacement.models import ImportStatus
from displacement.services.imports import earlier_import, failure_message, import_run_execute, import_run_start


class Command(BaseCommand):
    help = "Import ACLED events (or deletions) from FILE; all or nothing per file. See docs/imports.md."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--org", help="the organisation's slug (needed when there are several)")
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")

    def handle(self, *args, file, org, dry_run, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        organization = organization_from_option(org)
        try:
            with path.open("rb") as handle:
                run = import_run_start(
                    organization=organization,
                    by=None,
                    handle=handle,
                    file_name=path.name,
                    dry_run=dry_run,
                    keep_file=False,
                )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        if earlier := earlier_import(run):
            self.stdout.write(
                self.style.WARNING(
                    f"This file (SHA-256 {run.sha256[:12]}…) was imported before: run {earlier.pk} "
                    f"on {earlier.created_at:%Y-%m-%d %H:%M}."
                )
            )
        run = import_run_execute(run_id=run.pk, path=path)
        if run.status == ImportStatus.FAILED:
            raise CommandError(failure_message(run))
        dry = " (dry run: nothing written)" if dry_run else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"Import run {run.pk}{dry}: {run.created} created, {run.updated} updated, {run.unchanged} unchanged, "
                f"{run.deleted} deleted, {run.rejected} rejected, {run.flagged} flagged."
            )
        )
        if run.ignored_columns:
            self.stdout.write(f"Columns ignored: {', '.join(run.ignored_columns)}")
        for line in run.report_rows.exclude(level="deleted")[:20]:
            self.stdout.write(f"  row {line.row_number} {line.external_id} [{line.level}] {line.field}: {line.message}")
