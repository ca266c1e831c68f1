"""PostgreSQL keeps the same keys as the Python helpers, and blanks them with a purge."""

import datetime
import importlib

import pytest
from django.db import connection

from displacement.duplicates.keys import match_keys, match_keys_sql
from displacement.duplicates.labelled import labelled_set
from displacement.duplicates.names import name_key, name_key_sql
from displacement.duplicates.phones import phone_e164, phone_e164_sql
from displacement.models import ContactDetails
from tests.factories import HouseholdFactory

pytestmark = pytest.mark.django_db


def test_the_migration_holds_the_functions_the_helpers_write():
    migration = importlib.import_module("displacement.migrations.0026_household_duplicates")
    for body in (name_key_sql(), phone_e164_sql()):
        assert body.strip() in migration.FUNCTIONS
    # the keys' function was replaced by a PL/pgSQL body of the same rule (0044)
    replaced = importlib.import_module("displacement.migrations.0046_match_keys_plpgsql")
    assert match_keys_sql().strip() in replaced.FUNCTION


def test_the_generated_columns_equal_the_helpers_on_the_labelled_set():
    with connection.cursor() as cursor:
        for record in labelled_set(300, seed=5):
            cursor.execute(
                "SELECT dsp_name_key(%s), dsp_phone_e164(%s), dsp_match_keys(dsp_name_key(%s), dsp_phone_e164(%s))",
                [record.full_name, record.phone, record.full_name, record.phone],
            )
            key, phone, keys = cursor.fetchone()
            assert key == name_key(record.full_name), record.full_name
            assert phone == phone_e164(record.phone), record.phone
            assert set(keys) == match_keys(key, phone), record.full_name


def test_contact_details_keep_their_keys_and_lose_them_with_the_identifiers(ngo):
    details = ContactDetails.objects.create(
        household=HouseholdFactory(organization=ngo),
        full_name="Шевченко Олена",
        phone="050 123 45 67",
        date_of_birth=datetime.date(1980, 1, 1),
    )
    details.refresh_from_db()
    assert (details.name_key, details.phone_e164) == ("olena shevchenko", "+380501234567")
    assert "tel:+380501234567" in details.match_keys
    ContactDetails.objects.filter(pk=details.pk).update(full_name="", phone="")
    details.refresh_from_db()
    assert (details.name_key, details.phone_e164, details.match_keys) == ("", "", [])


def test_the_keys_are_never_copied_into_the_history(ngo):
    from displacement.models.households import ContactDetails as Model

    history = Model.history.rel.related_model
    names = {f.name for f in history._meta.fields}
    assert not names & {"name_key", "phone_e164", "match_keys", "full_name", "phone"}
