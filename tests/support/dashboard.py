"""The dashboard tests' data: each week two events (Dnipropetrovska, Kharkivska), one household
with a child displaced twice, one testimony and one case; then the summary tables."""

import datetime

from displacement.models import Case, Place
from displacement.services.summaries import summaries_rebuild
from tests.factories import DisplacementFactory, EventFactory, HouseholdFactory, PersonFactory, TestimonyFactory


def seed_dashboard(organization, *, weeks: int, killed: int, second_move_after_days: int) -> None:
    kharkiv = Place.objects.get(pcode="UA6312027")
    for week in range(weeks):
        day = datetime.date(2025, 3, 3) + datetime.timedelta(weeks=week)
        EventFactory(organization=organization, start=day, killed=killed)
        EventFactory(
            organization=organization, start=day, place=kharkiv, event_type="battles", sub_event_type="armed_clash"
        )
        household = HouseholdFactory(organization=organization)
        PersonFactory(household=household, age_band="5-11")
        DisplacementFactory(household=household, left_on=day)
        DisplacementFactory(household=household, left_on=day + datetime.timedelta(days=second_move_after_days))
        TestimonyFactory(organization=organization, household=household, recorded_on=day)
        Case.objects.create(household=household, reference=f"UA-DNP-2025-{week:05d}")
    summaries_rebuild(organization_id=organization.pk)
