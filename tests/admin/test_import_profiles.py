"""Import profiles in the admin: coordinators of the organisation edit, download and load them;
caseworkers, analysts and other organisations never see them."""

import io
import json
import zipfile

import pytest
from django.urls import reverse

from displacement.models import ImportProfile
from displacement.models.vocab import Role
from displacement.services.import_profiles import import_profile_load
from tests.factories import MembershipFactory, UserFactory
from tests.importers.submission_fixtures import fixture_bytes, fixture_json

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:displacement_importprofile_changelist"


def _change(profile):
    return reverse("admin:displacement_importprofile_change", args=[profile.pk])


def _form(**changes):
    document = fixture_json("profile_other_form.json")
    data = {name: document[name] for name in ("name", "description", "source", "form_id")}
    for name in ("mappings", "value_maps", "defaults"):
        data[name] = json.dumps(document[name])
    return {**data, **changes}


@pytest.fixture
def profile(ngo):
    return import_profile_load(organization=ngo, data=fixture_bytes("profile_other_form.json"))


@pytest.fixture
def other_coordinator(other_ngo):
    user = UserFactory(username="other-coordinator")
    MembershipFactory(user=user, organization=other_ngo, role=Role.COORDINATOR)
    return user


def test_a_coordinator_adds_a_profile_for_their_organisation(client, coordinator, ngo):
    client.force_login(coordinator)
    response = client.post(reverse("admin:displacement_importprofile_add"), _form())
    assert response.status_code == 302, response.context["adminform"].form.errors
    saved = ImportProfile.objects.get()
    assert (saved.organization, saved.created_by) == (ngo, coordinator)
    assert saved.value_maps["hh/member/gender"] == {"f": "female", "m": "male"}
    assert saved.history.filter(pgh_label="insert").exists()


def test_a_coordinator_changes_it_and_a_wrong_target_is_a_field_error_that_changes_nothing(
    client, coordinator, profile
):
    client.force_login(coordinator)
    mappings = {**profile.mappings, "hh/member/gender": "household/members/gender"}
    response = client.post(_change(profile), _form(mappings=json.dumps(mappings), description="Changed."))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "'household/members/gender' is not a question of the intake form" in " ".join(errors["mappings"])
    value_maps = {**profile.value_maps, "hh/member/gender": {"f": "woman"}}
    response = client.post(_change(profile), _form(value_maps=json.dumps(value_maps)))
    assert "'woman' is not a choice of 'household/members/sex'" in " ".join(
        response.context["adminform"].form.errors["value_maps"]
    )
    profile.refresh_from_db()
    assert profile.description != "Changed." and profile.value_maps["hh/member/gender"]["f"] == "female"

    response = client.post(_change(profile), _form(description="Changed."))
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.description == "Changed."


def test_a_second_profile_of_the_same_name_is_refused_on_the_form(client, coordinator, profile):
    client.force_login(coordinator)
    response = client.post(reverse("admin:displacement_importprofile_add"), _form())
    assert response.status_code == 200
    assert "already has an import profile of this name" in " ".join(
        response.context["adminform"].form.non_field_errors()
    )
    assert ImportProfile.objects.count() == 1


def test_a_coordinator_downloads_a_profile_as_json_and_several_as_a_zip(client, coordinator, profile, ngo):
    client.force_login(coordinator)
    one = client.get(reverse("admin:displacement_importprofile_download_one", args=[profile.pk]))
    assert one["Content-Disposition"] == 'attachment; filename="import-profile-family-needs-survey-2026.json"'
    assert json.loads(one.content) == fixture_json("profile_other_form.json")
    second = ImportProfile.objects.create(organization=ngo, name="Second")
    both = client.post(reverse(CHANGELIST), {"action": "download_json", "_selected_action": [profile.pk, second.pk]})
    names = zipfile.ZipFile(io.BytesIO(both.content)).namelist()
    assert sorted(names) == ["import-profile-family-needs-survey-2026.json", "import-profile-second.json"]


def test_a_coordinator_loads_a_profile_file_and_a_bad_one_is_a_form_error(client, coordinator, ngo):
    client.force_login(coordinator)
    url = reverse("admin:displacement_importprofile_load_json")
    assert client.get(url).status_code == 200
    bad = io.BytesIO(b'{"format": "displacement-import-profile", "version": 1, "name": "x", "mappings": []}')
    bad.name = "bad.json"
    response = client.post(url, {"file": bad})
    assert response.status_code == 200
    assert "mappings: [] is not of type 'object'" in " ".join(response.context["form"].errors["file"])
    assert not ImportProfile.objects.exists()
    good = io.BytesIO(fixture_bytes("profile_other_form.json"))
    good.name = "profile.json"
    response = client.post(url, {"file": good})
    saved = ImportProfile.objects.get()
    assert response.url == _change(saved) and saved.organization == ngo


@pytest.mark.parametrize("role", ["caseworker", "analyst"])
def test_caseworkers_and_analysts_cannot_open_change_or_load_profiles(client, request, role, profile):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse(CHANGELIST)).status_code == 403
    assert client.get(_change(profile)).status_code == 403
    assert client.post(_change(profile), _form(description="Changed.")).status_code == 403
    assert client.get(reverse("admin:displacement_importprofile_download_one", args=[profile.pk])).status_code == 403
    good = io.BytesIO(fixture_bytes("profile_other_form.json"))
    good.name = "profile.json"
    response = client.post(reverse("admin:displacement_importprofile_load_json"), {"file": good, "replace": "on"})
    assert response.status_code == 403
    profile.refresh_from_db()
    assert profile.description != "Changed." and ImportProfile.objects.count() == 1


def test_another_organisations_coordinator_never_sees_the_profile(client, other_coordinator, profile):
    client.force_login(other_coordinator)
    listing = client.get(reverse(CHANGELIST))
    assert listing.status_code == 200 and profile.name not in listing.content.decode()
    assert client.get(_change(profile)).status_code == 404
    assert client.post(_change(profile), _form(description="Changed.")).status_code == 404
    assert client.get(reverse("admin:displacement_importprofile_download_one", args=[profile.pk])).status_code == 404
    download = client.post(reverse(CHANGELIST), {"action": "download_json", "_selected_action": [profile.pk]})
    assert download.status_code == 302 and profile.name.encode() not in download.content
    client.post(reverse("admin:displacement_importprofile_delete", args=[profile.pk]), {"post": "yes"})
    profile.refresh_from_db()
    assert profile.description != "Changed."
