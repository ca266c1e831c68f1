"""python manage.py find_duplicates --households runs the nightly pass and prints the count."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from displacement.models import HouseholdDuplicateCandidate
from tests.support.duplicates import register

pytestmark = pytest.mark.django_db


def test_the_command_lists_the_candidates_and_says_how_many(ngo):
    register(ngo, "Олена Шевченко", born=1980)
    register(ngo, "Olena Shevchenko", born=1980)
    out = StringIO()
    call_command("find_duplicates", "--households", stdout=out)
    assert out.getvalue().startswith("1 candidate duplicate household pair(s), 1 new.")
    assert HouseholdDuplicateCandidate.objects.count() == 1


def test_the_command_asks_what_to_look_for(db):
    with pytest.raises(CommandError):
        call_command("find_duplicates")


def test_an_unknown_organisation_is_an_error(db):
    with pytest.raises(CommandError):
        call_command("find_duplicates", "--households", "--org", "nowhere")


def test_the_command_runs_the_event_pass_and_says_how_many(ngo):
    from displacement.models import EventDuplicateCandidate
    from tests.support.events import strike

    strike(ngo)
    strike(ngo, km_north=1)
    strike(ngo, days=20)
    out = StringIO()
    call_command("find_duplicates", "--events", stdout=out)
    assert out.getvalue() == "1 candidate duplicate event pair(s), 1 new.\n"
    assert EventDuplicateCandidate.objects.count() == 1
    out = StringIO()
    call_command("find_duplicates", "--events", "--org", ngo.slug, stdout=out)
    assert out.getvalue() == "1 candidate duplicate event pair(s), 0 new.\n"
