"""python manage.py run_report SLUG: produce a report now, outside its schedule."""

import uuid

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from displacement.models import ReportDefinition, RunStatus
from displacement.services.reports import report_run_execute, report_run_fail, report_run_open


class Command(BaseCommand):
    help = "Run a scheduled report now (as a manual run for the current minute) and print where its file is."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The report definition's slug.")
        parser.add_argument(
            "--queue", action="store_true", help="Queue it for a Celery worker instead of running it in this process."
        )

    def handle(self, slug, queue, **options):
        definition = ReportDefinition.objects.filter(slug=slug).first()
        if definition is None:
            known = ", ".join(ReportDefinition.objects.values_list("slug", flat=True)) or "none yet"
            raise CommandError(f"No report '{slug}'. Known reports: {known}.")
        slot = timezone.now().replace(second=0, microsecond=0)
        if queue:
            from displacement.tasks.reports import report_run_task

            report_run_task.delay(definition.pk, slot=slot.isoformat(), manual=True)
            self.stdout.write(f"Queued {slug} for {slot:%Y-%m-%d %H:%M} UTC.")
            return
        run = report_run_open(definition, slot, manual=True)
        token = f"cli-{uuid.uuid4()}"
        try:
            status = report_run_execute(run.pk, token=token)
        except Exception as exc:
            report_run_fail(run.pk, token, f"{type(exc).__name__}: {exc}")
            raise CommandError(f"{slug} failed: {exc}") from None
        run.refresh_from_db()
        if status != RunStatus.SUCCEEDED:
            raise CommandError(f"The run of {slug} for this minute is {status} (another process has it).")
        where = run.file.path if hasattr(run.file, "path") else run.file.name
        self.stdout.write(self.style.SUCCESS(f"{slug}: {run.rows} rows, sha256 {run.sha256}"))
        self.stdout.write(where)
