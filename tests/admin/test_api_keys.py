"""The API key form: scopes are checkboxes that say what each allows (read by default), and the
organisation is chosen already when there is only one to choose."""

import re

import pytest
from django.urls import reverse

from api.models import OrganizationAPIKey

pytestmark = pytest.mark.django_db

ADD = reverse("admin:api_organizationapikey_add")


def _inputs(page: str, name: str) -> dict[str, str]:
    """The checkbox (or option) tags of field ``name``, by value."""
    tags = re.findall(rf'<input[^>]*name="{name}"[^>]*>', page)
    return {re.search(r'value="([^"]*)"', tag).group(1): tag for tag in tags}


def _has(tag: str, attribute: str) -> bool:
    """Whether the tag has the bare ``attribute`` (not a class name such as "checked:bg-…")."""
    return re.search(rf"\s{attribute}(?=[\s>/=])", tag) is not None


def _options(page: str, name: str) -> list[str]:
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return re.findall(r"<option[^>]*>", select)


def test_scopes_are_checkboxes_saying_what_each_allows_read_checked(client, coordinator):
    client.force_login(coordinator)
    page = client.get(ADD).content.decode()
    boxes = _inputs(page, "scopes")
    assert set(boxes) == {"read", "write"}
    assert all('type="checkbox"' in tag for tag in boxes.values())
    assert _has(boxes["read"], "checked") and not _has(boxes["write"], "checked")
    assert "Read: the key lists and fetches" in page and "Write: the key also creates" in page


def test_a_coordinator_finds_their_organisation_chosen_and_the_key_gets_the_scopes_ticked(
    client, coordinator, ngo, other_ngo
):
    client.force_login(coordinator)
    options = _options(client.get(ADD).content.decode(), "organization")
    assert len(options) == 1 and f'value="{ngo.pk}"' in options[0] and _has(options[0], "selected")
    response = client.post(ADD, {"name": "Partner sync", "organization": ngo.pk, "scopes": ["read", "write"]})
    assert response.status_code == 302
    key = OrganizationAPIKey.objects.get(name="Partner sync")
    assert (key.organization, sorted(key.scopes)) == (ngo, ["read", "write"])


def test_a_key_needs_a_scope(client, coordinator, ngo):
    client.force_login(coordinator)
    response = client.post(ADD, {"name": "Nothing allowed", "organization": ngo.pk})
    assert response.status_code == 200 and not OrganizationAPIKey.objects.exists()


def test_an_operator_with_several_organisations_chooses_one(client, superuser, ngo, other_ngo):
    client.force_login(superuser)
    options = _options(client.get(ADD).content.decode(), "organization")
    assert len(options) == 3 and 'value=""' in options[0]
    assert not any(_has(option, "selected") for option in options[1:])
