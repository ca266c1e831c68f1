"""python manage.py find_duplicates --households | --events: the duplicate passes, by hand."""

from django.core.management.base import BaseCommand, CommandError

from displacement.management.organizations import organization_from_option
from displacement.services.event_duplicates import event_duplicates_find
from displacement.services.household_duplicates import household_duplicates_find


class Command(BaseCommand):
    help = "Find candidate duplicates now (as the nightly passes do) and print how many there are."

    def add_arguments(self, parser):
        parser.add_argument("--households", action="store_true", help="Candidate duplicate households.")
        parser.add_argument("--events", action="store_true", help="Candidate duplicate events (the whole pass).")
        parser.add_argument("--org", help="Only this organisation (its slug).")

    def handle(self, households, events, org, **options):
        if not households and not events:
            raise CommandError("Say what to look for: --households, --events or both.")
        organization = organization_from_option(org, needed=False)
        if households:
            result = household_duplicates_find(organization=organization)
            self.stdout.write(f"{result.found} candidate duplicate household pair(s), {result.new} new.")
        if events:
            result = event_duplicates_find(organization=organization)
            self.stdout.write(f"{result.found} candidate duplicate event pair(s), {result.new} new.")
