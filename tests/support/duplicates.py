"""Households registered with contact details and a first displacement, for the duplicate tests."""

import datetime

from displacement.models import ContactDetails
from tests.factories import DisplacementFactory, HouseholdFactory, place


def register(organization, full_name, *, phone="", born=None, origin="UA1416021"):
    household = HouseholdFactory(organization=organization)
    ContactDetails.objects.create(
        household=household,
        full_name=full_name,
        phone=phone,
        date_of_birth=datetime.date(born, 5, 1) if born else None,
    )
    DisplacementFactory(household=household, origin=place(origin))
    return household
