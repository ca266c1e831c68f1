"""The sync recipe from docs/api.md, end to end: a partner's mirror converges."""

import pytest
from django.utils import timezone

from displacement.models import Consent
from displacement.models.vocab import ConsentPurpose
from displacement.services.testimonies import consent_withdraw
from tests.api.conftest import shared_testimony
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db
KINDS = ["events", "testimonies", "households", "displacements"]


def _pull(client, path, params):
    rows, url = [], path
    while url:
        page = client.get(url, params).json()
        rows += page["results"]
        url, params = page["next"], None
    return rows


class Mirror:
    """What a partner keeps: records by id, refreshed with updated_since and deletions."""

    def __init__(self, client):
        self.client, self.records, self.since = client, {kind: {} for kind in KINDS}, None

    def sync(self):
        started = timezone.now()
        for kind in KINDS:
            params = {"page_size": 2, **({"updated_since": self.since.isoformat()} if self.since else {})}
            for row in _pull(self.client, f"/api/v1/{kind}/", params):
                self.records[kind][row["id"]] = row
        if self.since:
            for stone in _pull(self.client, "/api/v1/deletions/", {"since": self.since.isoformat(), "page_size": 2}):
                self.records.get(stone["record_kind"], {}).pop(stone["id"], None)
        self.since = started

    def truth(self):
        return {kind: {row["id"]: row for row in _pull(self.client, f"/api/v1/{kind}/", {})} for kind in KINDS}


def test_the_mirror_converges_through_creates_updates_and_withdrawals(partner, ngo, world):
    mirror = Mirror(partner)
    mirror.sync()
    assert mirror.records == mirror.truth()

    event = EventFactory(organization=ngo, killed=1)
    new = shared_testimony(ngo)
    mirror.sync()
    assert mirror.records == mirror.truth()

    event.killed = 3
    event.save()
    late = shared_testimony(ngo)
    late.consents.filter(purpose=ConsentPurpose.SHARING).delete()
    mirror.sync()
    before = len(mirror.records["testimonies"])
    Consent.objects.create(testimony=late, purpose=ConsentPurpose.SHARING)  # consent given later
    consent_withdraw(consent=new.consents.get(purpose=ConsentPurpose.SHARING), by=None)
    event.delete()
    mirror.sync()
    assert mirror.records == mirror.truth()
    assert len(mirror.records["testimonies"]) == before
    assert not any(row["killed"] == 3 for row in mirror.records["events"].values())
