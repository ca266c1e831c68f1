"""Import profiles written through their service: checked against the intake form and the
gazetteer, round-tripped through their JSON document, loaded by the command."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from displacement.importers import kobo
from displacement.importers.profile_documents import profile_document, profile_json
from displacement.importers.profiles import apply_profile
from displacement.models import ImportProfile
from displacement.selectors.import_profiles import import_profile_named, import_profiles
from displacement.services.import_profiles import (
    import_profile_delete,
    import_profile_load,
    import_profile_read,
    import_profile_save,
)
from tests.importers.submission_fixtures import FIXTURES, fixture_bytes, fixture_json

pytestmark = pytest.mark.django_db


def _document(**changes):
    return {**fixture_json("profile_other_form.json"), **changes}


def test_a_profile_loaded_from_json_writes_the_same_json_back(ngo, coordinator):
    profile = import_profile_load(organization=ngo, data=fixture_bytes("profile_other_form.json"), by=coordinator)
    assert (profile.organization, profile.created_by, profile.source) == (ngo, coordinator, "kobotoolbox")
    assert profile_document(ImportProfile.objects.get()) == fixture_json("profile_other_form.json")
    # ... and that document loads again, elsewhere, to the same profile.
    again = import_profile_load(organization=ngo, data=profile_json(profile).encode(), replace=True)
    assert again.pk == profile.pk and profile_document(again) == profile_document(profile)


def test_a_saved_profile_maps_as_its_document_does(ngo):
    profile = import_profile_load(organization=ngo, data=fixture_bytes("profile_other_form.json"))
    ours = kobo.read(fixture_bytes("kobo_data.json"))
    mapped, _ = apply_profile(kobo.read(fixture_bytes("kobo_other_form.json")), ImportProfile.objects.get())
    assert [s.answers for s in mapped.submissions] == [s.answers for s in ours.submissions]
    assert import_profile_named(organization=ngo, name=profile.name) == profile


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"{not json", "not JSON"),
        (b"\xff\xfe", "not UTF-8"),
        (b"[1, 2]", 'expected a JSON object with "format"'),
        (json.dumps({"name": "x", "mappings": {}}).encode(), 'expected a JSON object with "format"'),
        (json.dumps(_document(mappings=[])).encode(), "mappings: [] is not of type 'object'"),
        (json.dumps(_document(value_maps={"a": {"b": 1}})).encode(), "value_maps/a/b: 1 is not of type 'string'"),
        (json.dumps(_document(source="excel")).encode(), "source: 'excel' is not one of"),
        (json.dumps(_document(colour="red")).encode(), "Additional properties are not allowed ('colour'"),
        (json.dumps(_document(name="")).encode(), "name: '' should be non-empty"),
    ],
)
def test_a_bad_profile_file_gives_a_clear_error_and_saves_nothing(ngo, data, fragment):
    with pytest.raises(ValidationError) as refused:
        import_profile_load(organization=ngo, data=data)
    assert any(fragment in message for message in refused.value.messages), refused.value.messages
    assert not ImportProfile.objects.exists()


def test_a_profile_whose_rules_are_wrong_is_refused_by_field(ngo):
    document = _document(
        mappings={**_document()["mappings"], "hh/member/gender": "household/members/gender"},
        defaults={"displacements/destination_oblast": "UA99"},
    )
    with pytest.raises(ValidationError) as refused:
        import_profile_load(organization=ngo, data=json.dumps(document))
    errors = refused.value.message_dict
    assert "'household/members/gender' is not a question of the intake form" in " ".join(errors["mappings"])
    assert not ImportProfile.objects.exists()


def test_value_maps_and_defaults_name_places_of_the_gazetteer_at_the_questions_level(ngo):
    document = _document(
        mappings={**_document()["mappings"], "move/from_obl": "displacements/origin_oblast"},
        value_maps={"move/from_obl": {"kharkiv": "UA63", "nowhere": "UA6312"}},  # UA6312 is a raion
        defaults={"event/event_oblast": "UA99"},
    )
    with pytest.raises(ValidationError) as refused:
        import_profile_load(organization=ngo, data=json.dumps(document))
    errors = refused.value.message_dict
    assert errors["value_maps"] == ["'UA6312' is no place of admin level 1 in the gazetteer."]
    assert errors["defaults"] == ["'UA99' is no place of admin level 1 in the gazetteer."]
    document["value_maps"]["move/from_obl"]["nowhere"] = "UA14"
    document["defaults"] = {"event/event_oblast": "UA12"}
    assert import_profile_load(organization=ngo, data=json.dumps(document)).value_maps["move/from_obl"] == {
        "kharkiv": "UA63",
        "nowhere": "UA14",
    }


def test_a_name_is_unique_in_its_organisation_only(ngo, other_ngo):
    import_profile_load(organization=ngo, data=fixture_bytes("profile_other_form.json"))
    with pytest.raises(ValidationError, match="already has a profile called"):
        import_profile_load(organization=ngo, data=fixture_bytes("profile_other_form.json"))
    duplicate = ImportProfile(organization=ngo, name="Family needs survey 2026")
    with pytest.raises(ValidationError) as refused:
        import_profile_save(profile=duplicate)
    assert refused.value.message_dict == {"__all__": ["The organisation already has an import profile of this name."]}
    assert import_profile_load(organization=other_ngo, data=fixture_bytes("profile_other_form.json")).pk
    assert ImportProfile.objects.count() == 2


def test_reading_a_profile_file_checks_it_and_saves_nothing(ngo):
    profile = import_profile_read(organization=ngo, data=fixture_bytes("profile_other_form.json"))
    assert profile.pk is None and profile.mappings["hh/member"] == "household/members"
    with pytest.raises(ValidationError, match="is not a choice of"):
        import_profile_read(organization=ngo, data=json.dumps(_document(defaults={"interview/language": "xx"})))
    assert not ImportProfile.objects.exists()


def test_profiles_are_read_by_their_organisations_coordinators(ngo, coordinator, caseworker, other_ngo):
    own = import_profile_load(organization=ngo, data=fixture_bytes("profile_other_form.json"))
    import_profile_load(organization=other_ngo, data=fixture_bytes("profile_other_form.json"))
    assert list(import_profiles(coordinator)) == [own]
    assert not import_profiles(caseworker).exists()
    with pytest.raises(ImportProfile.DoesNotExist, match=r"has no import profile 'Other'.*'Family needs survey 2026'"):
        import_profile_named(organization=ngo, name="Other")


def test_a_change_and_a_deletion_are_in_the_history(ngo, coordinator):
    profile = import_profile_load(organization=ngo, data=fixture_bytes("profile_other_form.json"), by=coordinator)
    profile.description = "Revised."
    import_profile_save(profile=profile, by=coordinator)
    history = list(profile.history.order_by("pgh_id").values_list("pgh_label", "description"))
    assert history[-1] == ("update", "Revised.")
    import_profile_delete(profile=profile, by=coordinator)
    assert not ImportProfile.objects.exists()


# --- the command --------------------------------------------------------------------------------


def test_the_command_loads_a_profile_file_and_writes_it_out(ngo, tmp_path, capsys):
    call_command("import_profile", "--profile-file", str(FIXTURES / "profile_other_form.json"))
    assert "saved for" in capsys.readouterr().out
    out = tmp_path / "profile.json"
    call_command("import_profile", "--org", "dpn", "--export", "Family needs survey 2026", "--out", str(out))
    assert json.loads(out.read_text()) == fixture_json("profile_other_form.json")
    with pytest.raises(CommandError, match="already has a profile"):
        call_command("import_profile", "--profile-file", str(FIXTURES / "profile_other_form.json"))
    call_command("import_profile", "--profile-file", str(out), "--replace")
    assert ImportProfile.objects.count() == 1


def test_the_command_says_what_is_wrong_with_a_profile_file(ngo, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(_document(defaults={"interview/language": "xx"})))
    with pytest.raises(CommandError, match="not saved:\n  defaults: 'interview/language': 'xx' is not a choice"):
        call_command("import_profile", "--profile-file", str(bad))
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_profile", "--profile-file", str(tmp_path / "missing.json"))
    with pytest.raises(CommandError, match="has no import profile"):
        call_command("import_profile", "--export", "Missing")
    assert not ImportProfile.objects.exists()
