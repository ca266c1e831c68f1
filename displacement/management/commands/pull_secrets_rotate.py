"""python manage.py pull_secrets_rotate: encrypt every connection's token or password again
under the first of PULL_SECRET_KEYS (docs/imports.md, "Live pull")."""

from django.core.management.base import BaseCommand, CommandError

from displacement.services.pulls import connection_secrets_rotate


class Command(BaseCommand):
    help = "Re-encrypt the form server connections' secrets under the first of PULL_SECRET_KEYS."

    def handle(self, **options):
        rotated, unreadable = connection_secrets_rotate()
        self.stdout.write(f"{rotated} secret(s) encrypted under the first key.")
        if unreadable:
            raise CommandError(
                f"No key of PULL_SECRET_KEYS decrypts the secret of connection(s) {', '.join(map(str, unreadable))}: "
                "keep the old passphrase in PULL_SECRET_KEYS, or enter their token or password again in the admin."
            )
