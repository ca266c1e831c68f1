"""When an agreement ends or narrows, the partner's mirror is told to drop what it no longer covers."""

import datetime

import pytest
from django.utils import timezone

from displacement.models import SharingAgreement, Tombstone
from displacement.selectors.sharing import MODEL_OF_KIND
from displacement.services.sharing import agreement_delete, agreement_save, agreements_expire
from tests.api.test_sync import Mirror

pytestmark = pytest.mark.django_db


def test_narrowing_an_agreement_tombstones_for_that_partner_only(partner, partner_org, ngo, world):
    mirror = Mirror(partner)
    mirror.sync()
    assert mirror.records["testimonies"]
    agreement = SharingAgreement.objects.get(owner=ngo, partner=partner_org)
    agreement.record_kinds = ["events"]
    dropped = agreement_save(agreement=agreement)
    assert dropped >= 3  # the testimony, its household and its displacement
    assert set(Tombstone.objects.values_list("partner", flat=True)) == {partner_org.pk}
    mirror.sync()
    assert mirror.records == mirror.truth()
    assert mirror.records["testimonies"] == {} and mirror.records["events"]


def test_an_agreement_that_ends_by_date_is_noticed_by_the_daily_job(partner, partner_org, ngo, world):
    mirror = Mirror(partner)
    mirror.sync()
    agreement = SharingAgreement.objects.get(owner=ngo, partner=partner_org)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    SharingAgreement.objects.filter(pk=agreement.pk).update(
        valid_from=yesterday - datetime.timedelta(days=30), valid_until=yesterday
    )
    assert agreements_expire() >= 4  # the event, testimony, household and displacement
    assert agreements_expire() == 0  # once
    mirror.sync()
    assert mirror.records == mirror.truth() == {kind: {} for kind in mirror.records}


def test_deleting_an_agreement_tombstones_everything_it_shared(partner, partner_org, ngo, world):
    mirror = Mirror(partner)
    mirror.sync()
    agreement_delete(agreement=SharingAgreement.objects.get(owner=ngo, partner=partner_org))
    mirror.sync()
    assert mirror.records == {kind: {} for kind in mirror.records}


def test_another_partner_does_not_see_these_tombstones(partner_org, ngo, world):
    from rest_framework.test import APIClient

    from api.models import OrganizationAPIKey
    from displacement.models import Organization

    second = Organization.objects.create(name="Second", slug="second", code="UA-SEC")
    SharingAgreement.objects.create(owner=ngo, partner=second, record_kinds=["testimonies"], purposes=["statistics"])
    agreement = SharingAgreement.objects.get(owner=ngo, partner=partner_org)
    agreement.record_kinds = ["events"]
    agreement_save(agreement=agreement)
    _, key = OrganizationAPIKey.objects.create_key(name="x", organization=second, scopes=["read"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    assert client.get("/api/v1/deletions/?since=2000-01-01T00:00:00Z").json()["results"] == []


def _aged():
    """Every record last changed two hours ago: a sync then brings only what changes next."""
    two_hours_ago = timezone.now() - datetime.timedelta(hours=2)
    for model in MODEL_OF_KIND.values():
        model.objects.update(updated_at=two_hours_ago)


def test_a_partner_syncing_with_a_token_gets_back_a_kind_ticked_back_and_then_coarser_dates(
    partner, partner_org, ngo, world
):
    mirror = Mirror(partner, token=True)
    _aged()
    mirror.sync()
    agreement = SharingAgreement.objects.get(owner=ngo, partner=partner_org)
    kinds = agreement.record_kinds
    agreement.record_kinds = [kind for kind in kinds if kind != "displacements"]
    agreement_save(agreement=agreement)
    mirror.sync()
    assert mirror.records["displacements"] == {}
    agreement.record_kinds = kinds
    agreement_save(agreement=agreement)
    mirror.sync()
    assert mirror.records["displacements"]
    assert mirror.records == mirror.truth()
    _aged()
    agreement.date_precision = "month"
    agreement_save(agreement=agreement)
    mirror.sync()
    assert mirror.records == mirror.truth()
    assert {row["left_on"] for row in mirror.records["displacements"].values()} == {"2025-04"}
    assert {row["recorded_on"][4] for row in mirror.records["testimonies"].values()} == {"-"}
    assert all(len(row["recorded_on"]) == 7 for row in mirror.records["testimonies"].values())
