"""The API's part of the demo (``displacement.demo``): a key for the partner's machine, so that
the API can be tried at once. Connected to ``demo_seeded`` when the app is ready."""

from __future__ import annotations

from django.dispatch import receiver

from api.models import OrganizationAPIKey
from displacement.demo.seed import demo_seeded

DEMO_KEY_NAME = "Demo partner sync"


@receiver(demo_seeded)
def seed_api_key(sender, *, organizations, result, **kwargs) -> None:
    partner = organizations["esa"]
    if OrganizationAPIKey.objects.filter(organization=partner, name=DEMO_KEY_NAME).exists():
        result.unchanged[OrganizationAPIKey.__name__] += 1
        return
    _, key = OrganizationAPIKey.objects.create_key(name=DEMO_KEY_NAME, organization=partner, scopes=["read", "write"])
    result.api_key = key
    result.created[OrganizationAPIKey.__name__] += 1
