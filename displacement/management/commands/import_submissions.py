"""Import form submissions (KoboToolbox JSON/CSV/XLSX, ODK Central OData) of the intake form."""

from contextlib import ExitStack
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from displacement.management.organizations import organization_from_option
from displacement.models import ImportStatus
from displacement.services.imports import earlier_import, failure_message, import_run_execute, import_run_start


class Command(BaseCommand):
    help = "Import intake-form submissions from FILE (and their media from a ZIP). See docs/imports.md."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--org", help="the organisation's slug (needed when there are several)")
        parser.add_argument("--profile", default="", help="an import profile, for forms not made by intake_form")
        parser.add_argument("--media", help="the export's media ZIP (photos, recordings)")
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
        parser.add_argument(
            "--odk-table",
            action="append",
            default=[],
            dest="odk_tables",
            metavar="TABLE",
            help="an ODK Central repeat table downloaded apart (Submissions.household.members.json); repeatable",
        )

    def handle(self, *args, file, org, profile, media, dry_run, odk_tables, **options):
        path, media_path = Path(file), Path(media) if media else None
        for given in (path, media_path, *map(Path, odk_tables)):
            if given is not None and not given.is_file():
                raise CommandError(f"{given}: no such file")
        organization = organization_from_option(org)
        try:
            with ExitStack() as stack:
                run = import_run_start(
                    organization=organization,
                    by=None,
                    handle=stack.enter_context(path.open("rb")),
                    file_name=path.name,
                    dry_run=dry_run,
                    keep_file=False,
                    profile=profile,
                )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        if earlier := earlier_import(run):
            self.stdout.write(
                self.style.WARNING(
                    f"This file was imported before: run {earlier.pk} on {earlier.created_at:%Y-%m-%d %H:%M}."
                )
            )
        run = import_run_execute(run_id=run.pk, path=path, media_path=media_path, odk_tables=odk_tables)
        if run.status == ImportStatus.FAILED:
            raise CommandError(failure_message(run))
        dry = " (dry run: nothing written)" if dry_run else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"Import run {run.pk}{dry}: {run.created} created, {run.updated} updated, {run.unchanged} unchanged, "
                f"{run.rejected} rejected, {run.flagged} flagged."
            )
        )
        for line in run.report_rows.all()[:50]:
            self.stdout.write(f"  row {line.row_number} {line.external_id} [{line.level}] {line.field}: {line.message}")
