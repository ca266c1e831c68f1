"""Load an import profile from its JSON file into an organisation, or write one out as JSON."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from displacement.importers.profile_documents import profile_json
from displacement.management.organizations import organization_from_option
from displacement.models import ImportProfile
from displacement.selectors.import_profiles import import_profile_named
from displacement.services.import_profiles import import_profile_load


class Command(BaseCommand):
    help = (
        "Load an import profile (--profile-file FILE, as the admin's 'Download as JSON' writes it) into an "
        "organisation, or write one out (--export NAME). See docs/imports.md, 'Forms not made by intake_form'."
    )

    def add_arguments(self, parser):
        parser.add_argument("--org", help="the organisation's slug (needed when there are several)")
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--profile-file", help="the profile's JSON file to load")
        action.add_argument("--export", metavar="NAME", help="write the profile called NAME as JSON")
        parser.add_argument("--replace", action="store_true", help="rewrite the profile of the same name")
        parser.add_argument("--out", help="with --export: the file to write (default: standard output)")

    def handle(self, *args, org, profile_file, export, replace, out, **options):
        organization = organization_from_option(org)
        if export:
            try:
                document = profile_json(import_profile_named(organization=organization, name=export))
            except ImportProfile.DoesNotExist as exc:
                raise CommandError(str(exc)) from None
            if out:
                Path(out).write_text(document, encoding="utf-8")
            else:
                self.stdout.write(document, ending="")
            return
        path = Path(profile_file)
        if not path.is_file():
            raise CommandError(f"{profile_file}: no such file")
        try:
            profile = import_profile_load(organization=organization, data=path.read_bytes(), replace=replace)
        except ValidationError as exc:
            raise CommandError(_described(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"Import profile {profile.name!r} saved for {organization}."))


def _described(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        lines = [f"{name}: {message}" for name, messages in error.message_dict.items() for message in messages]
    else:
        lines = list(error.messages)
    return "The profile was not saved:\n  " + "\n  ".join(lines)
