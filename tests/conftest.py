"""Fixtures shared by the suite: the gazetteer, two organisations and one user per role."""

import pytest
from django.core.management import call_command

from displacement.models.vocab import Role
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load Ukraine's gazetteer once; every test sees it, inside its own transaction."""
    with django_db_blocker.unblock():
        call_command("load_places", "--ukraine", verbosity=0)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Production hashing costs ~0.25 s a user; tests create hundreds of users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def ngo(db):
    return OrganizationFactory(name="Dnipro Protection Network", slug="dpn", code="UA-DNP")


@pytest.fixture
def other_ngo(db):
    return OrganizationFactory(name="Kharkiv Aid", slug="kha", code="UA-KHA")


def _member(organization, role, username):
    user = UserFactory(username=username)
    MembershipFactory(user=user, organization=organization, role=role)
    return user


@pytest.fixture
def caseworker(ngo):
    return _member(ngo, Role.CASEWORKER, "caseworker")


@pytest.fixture
def coordinator(ngo):
    return _member(ngo, Role.COORDINATOR, "coordinator")


@pytest.fixture
def analyst(ngo):
    return _member(ngo, Role.ANALYST, "analyst")


@pytest.fixture
def other_caseworker(other_ngo):
    return _member(other_ngo, Role.CASEWORKER, "other-caseworker")


@pytest.fixture
def superuser(db):
    return UserFactory(username="ops", is_superuser=True)
