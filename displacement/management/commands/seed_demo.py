"""python manage.py seed_demo: load the gazetteer and the demo organisations, users and records.

Idempotent: a second run writes nothing. New users' passwords are printed once, when the
users are created (or taken from DEMO_PASSWORD when it is set).
"""

import os

from django.core.management.base import BaseCommand, CommandError

from displacement.demo import (
    DEFAULT_VOLUME,
    PASSWORD_ENV,
    SUMMARY_MODELS,
    DemoSeedError,
    DemoVolume,
    demo_seed,
)
from displacement.services.acting import acting


class Command(BaseCommand):
    help = (
        "Seed the demo: the Ukraine gazetteer, two organisations, one user per role, "
        "hand-written records and a generated volume. Safe to run again: it changes nothing "
        f"the second time. Passwords come from {PASSWORD_ENV} when set, otherwise new users "
        "get a random password, printed once."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--households",
            type=int,
            default=DEFAULT_VOLUME.households,
            metavar="N",
            help=(
                f"generated households (default {DEFAULT_VOLUME.households}), with their people, moves, "
                "testimonies and cases and about two events for three households"
            ),
        )
        parser.add_argument(
            "--no-volume",
            action="store_true",
            help="only the hand-written records, no generated volume",
        )

    def handle(self, *args, no_volume, **options):
        volume = DemoVolume(0) if no_volume else DemoVolume(households=options["households"])
        verbose = options["verbosity"] > 0
        try:
            with acting(command="seed_demo"):
                result = demo_seed(stdout=self.stdout if verbose else None, volume=volume)
        except DemoSeedError as exc:
            raise CommandError(f"Nothing was written. {exc}") from None

        if verbose:
            self.stdout.write("")
            self.stdout.write(f"  {'':<16}{'created':>9}{'unchanged':>11}")
            for model in SUMMARY_MODELS:
                name = model.__name__
                created, unchanged = result.created[name], result.unchanged[name]
                if created or unchanged:
                    self.stdout.write(f"  {name:<16}{created:>9}{unchanged:>11}")
            if result.generated == "present":
                counts = ", ".join(f"{n} {k}" for k, n in result.generated_present.items())
                self.stdout.write(f"  Generated volume already present ({counts}).")
            self.stdout.write("")

        self.stdout.write("Demo users (log in at /admin/):")
        for login in result.logins:
            if login.password:
                shown = f"password: {login.password}"
            elif login.created:
                shown = f"password: the value of {PASSWORD_ENV}"
            else:
                shown = "unchanged (password not shown again)"
            self.stdout.write(f"  {login.username:<12} {login.where:<45} {shown}")
        if result.api_key:
            self.stdout.write(f"Demo partner API key (Eastern Shelter Alliance, read and write): {result.api_key}")
            address = os.environ.get("RUN_ADDR") or "127.0.0.1:8000"  # where make run serves
            self.stdout.write(f"  Try: curl -H 'Authorization: Api-Key <key>' http://{address}/api/v1/events/")
        if any(login.password for login in result.logins) or result.api_key:
            self.stdout.write(self.style.WARNING("These passwords and keys are shown only once. Note them now."))
        summary = "Demo seeded" if result.changed_anything else "Demo already seeded; nothing changed"
        self.stdout.write(self.style.SUCCESS(f"{summary} in {result.seconds:.1f} s."))
