"""factory_boy factories for the domain; places come from the gazetteer loaded once per session."""

import datetime

import factory
from factory.django import DjangoModelFactory

from displacement import models as m
from displacement.models.vocab import (
    AgeBand,
    EventCategory,
    EventType,
    Role,
    Sex,
    SubEventType,
    WitnessRole,
)


def place(pcode: str) -> m.Place:
    return m.Place.objects.get(pcode=pcode)


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = m.Organization
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")
    code = factory.Sequence(lambda n: f"UA-O{n:03d}")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = m.User
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    is_staff = True
    password = factory.django.Password("correct-horse-battery-staple")


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = m.Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Role.CASEWORKER


class SourceFactory(DjangoModelFactory):
    class Meta:
        model = m.Source

    organization = factory.SubFactory(OrganizationFactory)
    kind = "media"
    title = factory.Sequence(lambda n: f"Report {n}")


class EventFactory(DjangoModelFactory):
    class Meta:
        model = m.Event

    organization = factory.SubFactory(OrganizationFactory)
    title = factory.Sequence(lambda n: f"Drone strike {n}")
    category = EventCategory.VIOLENCE
    event_type = EventType.EXPLOSIONS
    sub_event_type = SubEventType.AIR_DRONE_STRIKE
    start = datetime.date(2025, 5, 2)
    place = factory.LazyFunction(lambda: place("UA1214025"))


class HouseholdFactory(DjangoModelFactory):
    class Meta:
        model = m.Household

    organization = factory.SubFactory(OrganizationFactory)


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = m.Person

    household = factory.SubFactory(HouseholdFactory)
    age_band = AgeBand.AGE_18_59
    sex = Sex.FEMALE


class DisplacementFactory(DjangoModelFactory):
    class Meta:
        model = m.Displacement

    household = factory.SubFactory(HouseholdFactory)
    organization = factory.SelfAttribute("household.organization")
    origin = factory.LazyFunction(lambda: place("UA1416021"))
    destination = factory.LazyFunction(lambda: place("UA1202001"))
    left_on = datetime.date(2025, 4, 20)


class CaseFactory(DjangoModelFactory):
    class Meta:
        model = m.Case

    household = factory.SubFactory(HouseholdFactory)
    organization = factory.SelfAttribute("household.organization")
    reference = factory.Sequence(lambda n: f"UA-TST-2025-{n:05d}")
    status = "new"
    # The services date a closure (Case.save does not): a closed case made here is dated too.
    closed_on = factory.LazyAttribute(lambda case: datetime.date.today() if case.status == "closed" else None)


class TestimonyFactory(DjangoModelFactory):
    __test__ = False  # not a test class, despite its name

    class Meta:
        model = m.Testimony

    organization = factory.SubFactory(OrganizationFactory)
    witness_role = WitnessRole.DISPLACED_CIVILIAN
    summary = "A mother of two left after a drone hit the school."
    narrative = "Narrative text."
