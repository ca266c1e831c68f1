"""--org SLUG: a missing or wrong slug is refused with the organisations there are, in every command."""

import re

import pytest
from django.core.management import CommandError, call_command

from displacement.management import organizations
from displacement.management.organizations import organization_from_option
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

BOTH = "dpn (Dnipro Protection Network), kha (Kharkiv Aid)"


def test_without_org_the_only_organisation_is_taken(ngo):
    assert organization_from_option(None) == ngo


def test_without_org_among_several_the_message_lists_their_slugs_and_names(other_ngo, ngo):
    with pytest.raises(CommandError) as refused:
        organization_from_option(None)
    assert str(refused.value) == f"Name the organisation with --org SLUG: {BOTH}."


def test_a_wrong_slug_is_refused_with_the_slugs_there_are(ngo, other_ngo):
    with pytest.raises(CommandError) as refused:
        organization_from_option("dnipro")
    assert str(refused.value) == f"No organisation 'dnipro'. The organisations are: {BOTH}."


def test_a_right_slug_names_its_organisation_among_several(ngo, other_ngo):
    assert organization_from_option("kha") == other_ngo


def test_with_no_organisation_at_all_the_message_says_so(db):
    with pytest.raises(CommandError, match="There is no organisation yet"):
        organization_from_option(None)
    with pytest.raises(CommandError, match=re.escape("No organisation 'dpn'. There is no organisation yet")):
        organization_from_option("dpn")


def test_a_command_that_may_run_on_all_organisations_gets_none_without_org(ngo, other_ngo):
    assert organization_from_option(None, needed=False) is None


def test_a_long_list_is_cut_and_the_rest_counted(monkeypatch, ngo, other_ngo):
    OrganizationFactory(name="Zaporizhzhia Aid", slug="zap", code="UA-ZAP")
    monkeypatch.setattr(organizations, "LISTED", 2)
    with pytest.raises(CommandError) as refused:
        organization_from_option(None)
    assert str(refused.value) == f"Name the organisation with --org SLUG: {BOTH} and 1 more."


@pytest.mark.parametrize(
    "command",
    [
        ["import_acled", "FILE"],
        ["import_submissions", "FILE"],
        ["import_profile", "--export", "anything"],
        ["find_duplicates", "--households"],
        ["create_api_key", "--name", "nightly sync"],
    ],
)
def test_every_command_with_org_lists_the_slugs_for_a_wrong_one(ngo, other_ngo, tmp_path, command):
    given = tmp_path / "file.csv"
    given.write_text("a,b\n")
    arguments = [str(given) if part == "FILE" else part for part in command]
    with pytest.raises(CommandError, match=re.escape(f"No organisation 'dnipro'. The organisations are: {BOTH}.")):
        call_command(*arguments, "--org", "dnipro")


@pytest.mark.parametrize(
    "command", [["import_acled", "FILE"], ["import_submissions", "FILE"], ["import_profile", "--export", "x"]]
)
def test_every_import_command_without_org_among_several_lists_the_slugs(ngo, other_ngo, tmp_path, command):
    given = tmp_path / "file.csv"
    given.write_text("a,b\n")
    arguments = [str(given) if part == "FILE" else part for part in command]
    with pytest.raises(CommandError, match=re.escape(f"Name the organisation with --org SLUG: {BOTH}.")):
        call_command(*arguments)
