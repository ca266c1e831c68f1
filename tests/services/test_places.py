"""The gazetteer: Ukraine's units, idempotent loading, bad files, ambiguous names."""

import pytest
from django.core.management import CommandError, call_command

from displacement.models import Place
from displacement.selectors.places import AmbiguousPlace, place_lookup, place_subtree
from displacement.services.places import UKRAINE_FILES, places_load

pytestmark = pytest.mark.django_db


def test_ukraine_has_27_oblasts_139_raions_and_1769_hromadas():
    counts = {level: Place.objects.filter(admin_level=level).count() for level in range(4)}
    assert counts == {0: 1, 1: 27, 2: 139, 3: 1769}
    assert Place.objects.get(pcode="UA12").name_en == "Dnipropetrovska"
    assert Place.objects.get(pcode="UA14").name_uk == "Донецька"
    hromada = Place.objects.get(pcode="UA1416021")
    assert hromada.parent.pcode == "UA1416" and hromada.parent.parent.pcode == "UA14"
    assert "Покровская" in hromada.aliases


def test_loading_again_changes_nothing():
    before = Place.pgh_event_model.objects.count()
    result = places_load(paths=UKRAINE_FILES)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 1936)
    assert Place.pgh_event_model.objects.count() == before


def test_a_name_shared_by_four_hromadas_is_ambiguous():
    with pytest.raises(AmbiguousPlace) as error:
        place_lookup("Pokrovska")
    assert sorted(p.pcode for p in error.value.candidates) == [
        "UA1208009",
        "UA1208011",
        "UA1214025",
        "UA1416021",
    ]
    assert place_lookup("Pokrovska", within="UA14").pcode == "UA1416021"
    assert place_lookup("покровська", within="UA1214").pcode == "UA1214025"


def test_lookup_by_alias_and_unknown_names():
    assert place_lookup("Dnipropetrovsk oblast").pcode == "UA12"
    with pytest.raises(Place.DoesNotExist):
        place_lookup("Atlantis")


def test_subtree_of_an_oblast():
    assert place_subtree("UA12").filter(admin_level=3).count() == 86


def test_a_malformed_file_reports_line_and_reason_and_loads_nothing(tmp_path):
    bad = tmp_path / "cod.csv"
    bad.write_text(
        "ADM1_PCODE,ADM1_EN,ADM0_PCODE,ADM1_LAT_CENTROID\nXY01,Alpha,XY,10.5\nXY02,Beta,XY,north\n,Gamma,XY,1\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as error:
        call_command("load_places", str(bad), verbosity=0)
    message = str(error.value)
    assert "cod.csv, line 3" in message and "'north' is not a number" in message
    assert "cod.csv, line 4" in message and "ADM1_PCODE is empty" in message
    assert not Place.objects.filter(pcode__startswith="XY").exists()


def test_a_file_that_is_not_a_cod_file_is_refused(tmp_path):
    other = tmp_path / "people.csv"
    other.write_text("name,phone\nA,1\n", encoding="utf-8")
    with pytest.raises(CommandError, match="not an OCHA COD tabular file"):
        call_command("load_places", str(other), verbosity=0)


def test_any_country_loads(tmp_path):
    cod = tmp_path / "som.csv"
    cod.write_text(
        "ADM0_EN,ADM0_PCODE,ADM1_EN,ADM1_PCODE,ADM2_EN,ADM2_PCODE\n"
        "Somalia,SO,Banadir,SO22,Mogadishu,SO2201\n"
        "Somalia,SO,Bay,SO24,Baidoa,SO2401\n",
        encoding="utf-8",
    )
    call_command("load_places", str(cod), verbosity=0)
    assert Place.objects.get(pcode="SO2401").parent.parent.name_en == "Somalia"
    call_command("load_places", str(cod), verbosity=0)
    assert Place.objects.filter(pcode__startswith="SO").count() == 5
