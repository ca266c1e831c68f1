"""Testimony.sharing_consent, which the partner gate reads, is the database's: every way of
changing consents keeps it, and nothing written into it directly sticks."""

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from displacement.models import Consent, Testimony
from displacement.models.vocab import ConsentPurpose
from tests.factories import TestimonyFactory

pytestmark = pytest.mark.django_db

SHARING = ConsentPurpose.SHARING


def _column(testimony) -> bool:
    return Testimony.objects.values_list("sharing_consent", flat=True).get(pk=testimony.pk)


def test_it_follows_the_active_sharing_consent():
    testimony = TestimonyFactory()
    assert _column(testimony) is False
    Consent.objects.create(testimony=testimony, purpose=ConsentPurpose.STATISTICS)
    assert _column(testimony) is False, "another purpose is not sharing"
    consent = Consent.objects.create(testimony=testimony, purpose=SHARING)
    assert _column(testimony) is True
    consent.withdrawn_at = timezone.now()
    consent.save()
    assert _column(testimony) is False
    again = Consent.objects.create(testimony=testimony, purpose=SHARING)
    assert _column(testimony) is True
    again.delete()
    assert _column(testimony) is False


def test_bulk_updates_raw_sql_and_moves_count_too():
    first, second = TestimonyFactory(), TestimonyFactory()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO displacement_consent (created_at, updated_at, testimony_id, purpose, method, given_on,"
            " scope, withdrawal_reason) VALUES (now(), now(), %s, %s, 'verbal', current_date, '', '')",
            [first.pk, SHARING],
        )
    assert _column(first) is True
    # A consent moved from one testimony to another: both are recomputed.
    Consent.objects.filter(testimony=first).update(testimony=second)
    assert (_column(first), _column(second)) == (False, True)
    Consent.objects.filter(testimony=second).update(withdrawn_at=timezone.now())
    assert _column(second) is False
    Consent.objects.filter(testimony=second).update(withdrawn_at=None)
    assert _column(second) is True
    Consent.objects.filter(testimony=second).delete()
    assert _column(second) is False


def test_a_value_written_into_it_does_not_stick():
    without, with_consent = TestimonyFactory(), TestimonyFactory()
    stale = Testimony.objects.get(pk=with_consent.pk)  # loaded before the consent, saved after it
    Consent.objects.create(testimony=with_consent, purpose=SHARING)
    Testimony.objects.filter(pk=without.pk).update(sharing_consent=True)
    assert _column(without) is False
    assert stale.sharing_consent is False
    stale.summary = "Edited later."
    stale.save()
    assert _column(with_consent) is True
    copied = Testimony.objects.get(pk=with_consent.pk)
    copied.pk, copied.code = None, "T-COPY-0001"  # a copy of a consenting testimony has no consent
    copied.save()
    assert _column(copied) is False


def test_truncating_consents_clears_it():
    testimony = TestimonyFactory()
    Consent.objects.create(testimony=testimony, purpose=SHARING)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE refuses pending key checks
        cursor.execute("TRUNCATE displacement_consent CASCADE")
    assert _column(testimony) is False


def test_it_is_not_history():
    """A consent's history is the consent's: the testimony's records no change of the column."""
    testimony = TestimonyFactory()
    Consent.objects.create(testimony=testimony, purpose=SHARING)
    history = apps.get_model("displacement", "TestimonyHistory")
    before = history.objects.filter(pgh_obj_id=testimony.pk).count()
    Consent.objects.filter(testimony=testimony).update(withdrawn_at=timezone.now())
    assert _column(testimony) is False
    assert history.objects.filter(pgh_obj_id=testimony.pk).count() == before
