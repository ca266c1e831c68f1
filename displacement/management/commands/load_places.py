"""python manage.py load_places FILE [FILE ...]: load OCHA COD tabular files into the gazetteer."""

from django.core.management.base import BaseCommand, CommandError

from displacement.importers.cod import CodFileError
from displacement.services.places import UKRAINE_FILES, places_load


class Command(BaseCommand):
    help = (
        "Load administrative units (P-codes, names, aliases, centroids) from OCHA COD tabular CSV "
        "files, for any country. Idempotent; all or nothing. With --ukraine, load the shipped "
        "Ukraine files (OCHA, State Statistics Service of Ukraine; CC BY-IGO)."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", help="COD tabular CSV files, e.g. ukr_adminboundaries_tabulardata.csv")
        parser.add_argument("--ukraine", action="store_true", help="load the Ukraine files shipped with the app")
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")

    def handle(self, *args, files, ukraine, dry_run, **options):
        paths = list(files) + (UKRAINE_FILES if ukraine else [])
        if not paths:
            raise CommandError("Name at least one FILE, or pass --ukraine.")
        verbose = options["verbosity"] > 0

        def progress(done, total):
            if verbose:
                self.stdout.write(f"\r  {done}/{total} places", ending="")
                self.stdout.flush()

        try:
            result = places_load(paths=paths, dry_run=dry_run, progress=progress)
        except CodFileError as exc:
            raise CommandError(f"Nothing was loaded. {exc}") from None
        if verbose:
            self.stdout.write("")
            prefix = "Dry run: would have " if dry_run else ""
            self.stdout.write(self.style.SUCCESS(f"{prefix}{result}"))
