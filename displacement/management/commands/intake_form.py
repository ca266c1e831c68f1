"""python manage.py intake_form --out testimony_intake.xlsx: the XLSForm for KoboToolbox and ODK."""

from django.core.management.base import BaseCommand, CommandError

from displacement.importers.intake_form import build_intake_form
from displacement.selectors.places import form_places


class Command(BaseCommand):
    help = (
        "Write the testimony intake XLSForm (our vocabularies, the gazetteer's oblasts, raions and "
        "hromadas as cascading selects; English and Ukrainian), ready to upload to KoboToolbox or "
        "ODK Central. Its submissions import without a profile."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="the .xlsx file to write")

    def handle(self, *args, out, **options):
        if not out.lower().endswith(".xlsx"):
            raise CommandError("--out must name an .xlsx file.")
        places = form_places()
        if not any(place.admin_level == 1 for place in places):
            raise CommandError(
                "The gazetteer is empty: run `python manage.py load_places --ukraine` (or your COD files) first."
            )
        try:
            build_intake_form(places).save(out)
        except OSError as exc:
            raise CommandError(f"Cannot write {out}: {exc.strerror}") from None
        if options["verbosity"] > 0:
            self.stdout.write(self.style.SUCCESS(f"Wrote {out} ({len(places)} places)."))
