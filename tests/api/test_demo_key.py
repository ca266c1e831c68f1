"""The API adds its part to the demo (``api.demo``) through ``demo_seeded``: the demo itself
(``displacement.demo``) knows nothing of API keys."""

import pytest

from api.models import OrganizationAPIKey
from displacement.demo.seed import DemoSeedResult, demo_seeded

pytestmark = pytest.mark.django_db


def test_the_demo_gives_its_partner_one_key_shown_once(partner_org):
    first = DemoSeedResult(places=None)
    demo_seeded.send(sender=None, organizations={"esa": partner_org}, result=first)
    key = OrganizationAPIKey.objects.get(organization=partner_org)
    assert first.api_key and OrganizationAPIKey.objects.get_from_key(first.api_key) == key
    assert first.created["OrganizationAPIKey"] == 1
    again = DemoSeedResult(places=None)
    demo_seeded.send(sender=None, organizations={"esa": partner_org}, result=again)
    assert again.api_key is None and again.unchanged["OrganizationAPIKey"] == 1
    assert OrganizationAPIKey.objects.filter(organization=partner_org).count() == 1
