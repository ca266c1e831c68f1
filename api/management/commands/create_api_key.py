"""python manage.py create_api_key --org SLUG --name NAME [--scope read --scope write] [--expires-in-days N]"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from api.models import OrganizationAPIKey, Scope
from displacement.management.organizations import organization_from_option


class Command(BaseCommand):
    help = "Create an API key for a partner organisation. The key is printed once and stored hashed."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="the organisation's slug")
        parser.add_argument("--name", required=True, help="what the key is for, e.g. 'UNHCR nightly sync'")
        parser.add_argument(
            "--scope",
            action="append",
            choices=Scope.values,
            help="read (default) or write; give it twice (--scope read --scope write) for a key that reads "
            "and writes: a write key without read cannot read",
        )
        parser.add_argument("--expires-in-days", type=int, default=365, help="0 for no expiry (default 365)")

    def handle(self, *args, org, name, scope, expires_in_days, **options):
        organization = organization_from_option(org)
        if expires_in_days < 0:
            raise CommandError("--expires-in-days cannot be negative.")
        expiry = timezone.now() + datetime.timedelta(days=expires_in_days) if expires_in_days else None
        api_key, key = OrganizationAPIKey.objects.create_key(
            name=name,
            organization=organization,
            scopes=sorted(set(scope or [Scope.READ])),
            expiry_date=expiry,
        )
        self.stdout.write(f"API key for {organization.name} ({', '.join(api_key.scopes)}), prefix {api_key.prefix}:")
        self.stdout.write(key)
        self.stdout.write("Store it now: it is not shown again. Send it as 'Authorization: Api-Key <key>'.")
