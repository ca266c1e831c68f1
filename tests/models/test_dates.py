"""Dates lie in their window (``models.dates``): from 1900-01-01 to today for dates about the
past, to a short horizon for an agreement's start and end. One validator, on the model field,
is what the API, the admin and the database each hold to."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from displacement import models as m
from displacement.models.dates import AGREEMENT_END, EARLIEST, PAST
from tests.factories import EventFactory, HouseholdFactory, OrganizationFactory, TestimonyFactory

pytestmark = pytest.mark.django_db
ABSURD = ["0001-01-01", "1899-12-31", "9999-12-31"]


def test_the_validator_takes_the_window_and_refuses_either_side():
    today = timezone.localdate()
    PAST(EARLIEST)
    PAST(today)
    for day in (EARLIEST - datetime.timedelta(days=1), datetime.date.min, datetime.date.max):
        with pytest.raises(ValidationError):
            PAST(day)
    with pytest.raises(ValidationError, match="future"):
        PAST(today + datetime.timedelta(days=1))
    AGREEMENT_END(today + datetime.timedelta(days=4 * 365))
    with pytest.raises(ValidationError):
        AGREEMENT_END(today + datetime.timedelta(days=6 * 365))


@pytest.mark.parametrize("day", ABSURD)
def test_the_admin_answers_an_absurd_date_with_a_form_error(client, caseworker, day):
    household = HouseholdFactory(organization=caseworker.organization)
    client.force_login(caseworker)
    response = client.post(
        reverse("admin:displacement_case_add"),
        {
            "household": household.pk,
            "priority": "low",
            "opened_on": day,
            "notes-TOTAL_FORMS": 0,
            "notes-INITIAL_FORMS": 0,
            "referrals-TOTAL_FORMS": 0,
            "referrals-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "opened_on" in response.context["adminform"].form.errors
    assert not m.Case.objects.filter(household=household).exists()


@pytest.mark.parametrize(
    ("factory", "field"),
    [
        (EventFactory, "start"),
        (EventFactory, "end"),
        (TestimonyFactory, "recorded_on"),
    ],
)
@pytest.mark.parametrize("day", [datetime.date(1, 1, 1), datetime.date(1899, 12, 31), datetime.date(9999, 12, 31)])
def test_the_database_refuses_a_date_outside_its_window(factory, field, day):
    record = factory(organization=OrganizationFactory())
    with pytest.raises(IntegrityError), transaction.atomic():
        type(record).objects.filter(pk=record.pk).update(**{field: day})


def test_the_database_counts_an_agreements_horizon_from_the_day_it_is_saved(ngo):
    partner = OrganizationFactory()
    today = timezone.localdate()
    agreement = m.SharingAgreement.objects.create(
        owner=ngo,
        partner=partner,
        record_kinds=["events"],
        purposes=["statistics"],
        valid_until=today + datetime.timedelta(days=4 * 365),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        m.SharingAgreement.objects.filter(pk=agreement.pk).update(valid_until=today + datetime.timedelta(days=6 * 365))
    # A record saved long ago keeps a date that was in its window then; full_clean judges the
    # date against today, not against the day of the previous save.
    m.Testimony.objects.filter(pk=TestimonyFactory(organization=ngo).pk).update(
        updated_at=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC), recorded_on=datetime.date(2023, 12, 31)
    )
    testimony = m.Testimony.objects.get(organization=ngo)
    testimony.recorded_on = today
    testimony.full_clean()
