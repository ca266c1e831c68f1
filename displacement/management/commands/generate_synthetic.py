"""python manage.py generate_synthetic --households N --seed S: fake people, for benchmarks only."""

from django.core.management.base import BaseCommand, CommandError

from displacement.services.summaries import summaries_rebuild
from displacement.synthetic import (
    SLUG,
    Progress,
    SyntheticRefused,
    expected_rows,
    generate_synthetic,
    synthetic_delete,
)


class Command(BaseCommand):
    help = (
        "Fill the database with a synthetic, skewed dataset through COPY (deterministic for a seed), "
        "for benchmarks and load tests. Refuses a database that holds real casework unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--households", type=int, required=True, help="300000 gives about 1M testimonies.")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--force", action="store_true", help="Even if the database holds real casework.")
        parser.add_argument("--replace", action="store_true", help="Delete earlier synthetic data first.")
        parser.add_argument("--no-summaries", action="store_true", help="Do not rebuild the summary tables after.")
        parser.add_argument("--quiet", action="store_true", help="No progress bar.")

    def handle(self, households, seed, force, replace, no_summaries, quiet, **options):
        import time

        from displacement.models import Organization

        if replace:
            deleted = synthetic_delete()
            self.stdout.write(f"Deleted {deleted:,} synthetic rows.")
        progress = None if quiet else Progress(total=expected_rows(households), out=self.stderr)
        try:
            result = generate_synthetic(households=households, seed=seed, force=force, progress=progress)
        except SyntheticRefused as exc:
            raise CommandError(str(exc)) from None
        for table, rows in result.rows.items():
            self.stdout.write(f"  {table:<32} {rows:>12,}")
        self.stdout.write(
            self.style.SUCCESS(f"{result.total:,} rows in {result.seconds:.1f} s: {result.rate:,.0f} rows/s (COPY)")
        )
        if not no_summaries:
            started = time.monotonic()
            summaries_rebuild(organization_id=Organization.objects.get(slug=SLUG).pk)
            self.stdout.write(f"Summary tables rebuilt in {time.monotonic() - started:.1f} s.")
