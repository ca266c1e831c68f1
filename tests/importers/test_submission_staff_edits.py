"""A later version of a submission and what staff corrected meanwhile: contact details a
caseworker changed are never overwritten; untouched ones follow the submission."""

import pytest

from displacement.models import ContactDetails, FormSubmission, ReportLevel, Testimony
from displacement.services.households import contact_details_save
from tests.importers.conftest import run_import
from tests.importers.submission_fixtures import NEW_HOUSEHOLD
from tests.importers.test_submission_import import _later, first_only, kobo_page, lines, write

pytestmark = pytest.mark.django_db

CORRECTED, FROM_THE_FIELD = "+380 00 000 0999", "+380 00 000 0555"


def _import_later(ngo, tmp_path, first):
    later, item = _later(first)
    item["household/contact/phone"] = FROM_THE_FIELD
    item["account/summary"] = "Invented test summary, corrected in the field."
    return run_import(ngo, write(tmp_path, later, "later.json"))


def test_a_later_version_keeps_contact_details_a_caseworker_corrected_and_flags_it(ngo, coordinator, tmp_path):
    first = first_only(kobo_page())
    run_import(ngo, write(tmp_path, first))
    household = FormSubmission.objects.get(stable_id=NEW_HOUSEHOLD).household
    contact_details_save(household=household, by=coordinator, phone=CORRECTED)
    run = _import_later(ngo, tmp_path, first)
    assert (run.updated, run.rejected) == (1, 0), lines(run)
    contact = ContactDetails.objects.get(household=household)
    assert (contact.phone, contact.full_name) == (CORRECTED, "Fakeperson Testova")
    assert Testimony.objects.get().summary == "Invented test summary, corrected in the field."  # the rest follows
    flagged = lines(run, ReportLevel.FLAGGED)
    assert "household/contact" in [field for _, field, _ in flagged]
    assert all(CORRECTED not in message and FROM_THE_FIELD not in message for _, _, message in flagged)


def test_contact_details_nobody_changed_here_follow_the_later_version(ngo, tmp_path):
    first = first_only(kobo_page())
    run_import(ngo, write(tmp_path, first))
    run = _import_later(ngo, tmp_path, first)
    assert (run.updated, run.rejected) == (1, 0), lines(run)
    assert "household/contact" not in [field for _, field, _ in lines(run, ReportLevel.FLAGGED)]
    household = FormSubmission.objects.get(stable_id=NEW_HOUSEHOLD).household
    assert ContactDetails.objects.get(household=household).phone == FROM_THE_FIELD


def test_an_unchanged_version_in_between_does_not_let_a_later_one_overwrite_a_correction(ngo, coordinator, tmp_path):
    """The same version reviewed again on the server changes nothing: it must not count as the import
    writing the contact details after the caseworker corrected them."""
    first = first_only(kobo_page())
    run_import(ngo, write(tmp_path, first))
    household = FormSubmission.objects.get(stable_id=NEW_HOUSEHOLD).household
    contact_details_save(household=household, by=coordinator, phone=CORRECTED)
    first["results"][0]["_validation_status"] = {}  # the review undone on the server: the same answers
    again = run_import(ngo, write(tmp_path, first, "approved.json"))
    assert (again.updated, again.unchanged) == (0, 1), lines(again)
    run = _import_later(ngo, tmp_path, first)
    assert run.updated == 1, lines(run)
    assert ContactDetails.objects.get(household=household).phone == CORRECTED
    assert "household/contact" in [field for _, field, _ in lines(run, ReportLevel.FLAGGED)]


def test_a_correction_kept_once_is_kept_by_every_later_version(ngo, coordinator, tmp_path):
    """The version that kept it changed other things (its summary): that must not count as the
    import writing the contact details."""
    first = first_only(kobo_page())
    run_import(ngo, write(tmp_path, first))
    household = FormSubmission.objects.get(stable_id=NEW_HOUSEHOLD).household
    contact_details_save(household=household, by=coordinator, phone=CORRECTED)
    assert _import_later(ngo, tmp_path, first).updated == 1
    third, item = _later(first, instance="uuid:6a1f0c8e-0000-4000-8000-0000000000fe")
    item |= {"meta/deprecatedID": "uuid:6a1f0c8e-0000-4000-8000-0000000000ff", "account/summary": "Invented, third."}
    item["household/contact/phone"] = FROM_THE_FIELD
    run = run_import(ngo, write(tmp_path, third, "third.json"))
    assert run.updated == 1, lines(run)
    assert ContactDetails.objects.get(household=household).phone == CORRECTED
    assert "household/contact" in [field for _, field, _ in lines(run, ReportLevel.FLAGGED)]


def test_contact_details_a_later_version_wrote_follow_the_version_after(ngo, tmp_path):
    first = first_only(kobo_page())
    run_import(ngo, write(tmp_path, first))
    _import_later(ngo, tmp_path, first)
    third, item = _later(first, instance="uuid:6a1f0c8e-0000-4000-8000-0000000000fe")
    item |= {"meta/deprecatedID": "uuid:6a1f0c8e-0000-4000-8000-0000000000ff", "account/summary": "Invented, third."}
    item["household/contact/phone"] = CORRECTED
    run = run_import(ngo, write(tmp_path, third, "third.json"))
    assert "household/contact" not in [field for _, field, _ in lines(run, ReportLevel.FLAGGED)], lines(run)
    household = FormSubmission.objects.get(stable_id=NEW_HOUSEHOLD).household
    assert ContactDetails.objects.get(household=household).phone == CORRECTED
