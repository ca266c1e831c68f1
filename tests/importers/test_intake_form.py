"""The intake XLSForm: pyxform converts it cleanly, it asks what the import needs, in English and
Ukrainian, from our vocabularies and gazetteer; the copy in docs/ is what the command writes."""

import io
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from pyxform.xls2xform import convert

from displacement.importers import intake_form
from displacement.importers.intake_form import (
    VOCABULARY_LISTS,
    FormPlace,
    build_intake_form,
    intake_form_sheets,
    intake_spec,
)
from displacement.importers.intake_questions import FORM_ID, MARKER
from displacement.models.vocab import ConsentPurpose
from displacement.selectors.places import form_places

pytestmark = pytest.mark.django_db

DOCS_FORM = Path(__file__).resolve().parents[2] / "docs" / "testimony_intake.xlsx"


def _xlsx(places) -> bytes:
    out = io.BytesIO()
    build_intake_form(places).save(out)
    return out.getvalue()


def _sheet_rows(workbook) -> dict[str, list[list[str]]]:
    return {
        sheet.title: [["" if value is None else value for value in row] for row in sheet.iter_rows(values_only=True)]
        for sheet in workbook.worksheets
    }


def _choices(sheets, list_name) -> list[list[str]]:
    return [row for row in sheets["choices"][1:] if row[0] == list_name]


def test_pyxform_converts_the_form_without_an_error_or_a_warning():
    warnings = []
    result = convert(xlsform=io.BytesIO(_xlsx(form_places())), file_type=".xlsx", warnings=warnings)
    assert warnings == []
    assert '<translation lang="English (en)" default="true()">' in result.xform
    assert '<translation lang="Українська (uk)">' in result.xform
    # Cascading selects: the raions offered are those of the oblast chosen.
    assert "instance('raion')/root/item[parent= current()/../origin_oblast ]" in result.xform
    assert "instance('hromada')/root/item[parent= current()/../destination_raion ]" in result.xform
    assert f"calculate=\"'{MARKER}'\"" in result.xform


def _leaf_paths(element, prefix=""):
    paths = set()
    for child in element:
        path = prefix + child.tag.split("}")[-1]
        paths |= _leaf_paths(child, f"{path}/") if len(child) else {path}
    return paths


def test_the_readers_know_every_path_the_form_s_submissions_carry():
    places = [
        FormPlace("UA14", 1, "UA", "Donetska", "Донецька"),
        FormPlace("UA1416", 2, "UA14", "Pokrovskyi", "Покровський"),
        FormPlace("UA1416021", 3, "UA1416", "Pokrovska", "Покровська"),
    ]
    generated = convert(xlsform=io.BytesIO(_xlsx(places)), file_type=".xlsx").xform
    xform = ElementTree.fromstring(generated)  # noqa: S314 (the form we just generated)
    model = "{http://www.w3.org/2002/xforms}"
    instance = next(xform.iter(f"{model}instance"))[0]
    assert instance.get("id") == FORM_ID
    assert instance.get("version") == intake_form_sheets(places)["settings"][1][2]
    paths = {path for path in _leaf_paths(instance) if not path.startswith("meta/")}
    assert paths == set(intake_spec().fields)


def test_the_form_in_docs_is_what_the_command_writes_today(tmp_path):
    out = tmp_path / "testimony_intake.xlsx"
    call_command("intake_form", "--out", str(out), verbosity=0)
    written = _sheet_rows(openpyxl.load_workbook(out))
    assert written == intake_form_sheets(form_places())
    assert _sheet_rows(openpyxl.load_workbook(DOCS_FORM)) == written, (
        "docs/testimony_intake.xlsx is stale: run python manage.py intake_form --out docs/testimony_intake.xlsx"
    )


def test_the_form_asks_every_question_the_import_needs():
    paths = set(intake_spec().fields)
    needed = {
        "interview/recorded_on",
        "interview/interviewer",
        "interview/language",
        "interview/witness_role",
        "household/household_status",
        "household/household_code",
        "household/members/age",
        "household/members/sex",
        "household/contact/full_name",
        "household/contact/phone",
        "household/contact/address",
        "displacements/origin_oblast",
        "displacements/origin_raion",
        "displacements/origin_hromada",
        "displacements/destination_hromada",
        "displacements/left_on",
        "displacements/left_on_precision",
        "event/event_reference",
        "event/category",
        "event/event_type",
        "event/sub_event_type",
        "event/weapon",
        "event/target",
        "event/event_date",
        "event/event_hromada",
        "account/narrative",
        "account/summary",
        "account/sensitivity",
        "media/photos/photo",
        "media/audio",
        *(f"consent/{purpose}" for purpose in ConsentPurpose.values),
    }
    assert needed <= paths
    assert intake_spec().repeats == {"household/members", "displacements", "media/photos"}
    assert intake_spec().media == {"media/photos/photo", "media/audio"}


def test_every_word_of_our_vocabularies_is_a_choice_labelled_in_both_languages():
    sheets = intake_form_sheets([])
    for list_name, vocabulary in VOCABULARY_LISTS.items():
        rows = _choices(sheets, list_name)
        assert [row[1] for row in rows] == [str(value) for value in vocabulary.values], list_name
        for row, member in zip(rows, vocabulary, strict=True):
            with translation.override("uk"):
                assert row[3] == str(member.label)
            with translation.override("en"):
                assert row[2] == str(member.label)
    sub_types = {row[1]: row[4] for row in _choices(sheets, "sub_event_type")}
    assert sub_types["air_drone_strike"] == "explosions_remote_violence"


def test_places_are_listed_by_p_code_under_their_parent():
    sheets = intake_form_sheets(form_places())
    oblasts, raions, hromadas = (_choices(sheets, name) for name in ("oblast", "raion", "hromada"))
    assert (len(oblasts), len(raions), len(hromadas)) == (27, 139, 1769)
    assert ["hromada", "UA1416021", "Pokrovska (UA1416021)", "Покровська (UA1416021)", "UA1416"] in hromadas
    assert {row[4] for row in raions} == {row[1] for row in oblasts}
    assert {row[4] for row in hromadas} <= {row[1] for row in raions}


def test_event_questions_are_asked_only_without_a_known_event():
    survey = {row[1]: row for row in intake_form_sheets([])["survey"][1:]}
    relevant = intake_form_sheets([])["survey"][0].index("relevant")
    assert survey["event_reference"][relevant] == "${event_status} = 'known'"
    for name in ("category", "event_type", "weapon", "target", "event_date", "event_oblast"):
        assert survey[name][relevant] == "${event_status} = 'new'", name


def test_the_version_changes_when_a_choice_changes_and_only_then():
    place = FormPlace("UA14", 1, "UA", "Donetska", "Донецька")
    renamed = FormPlace("UA14", 1, "UA", "Donetska", "Донецька область")

    def version(places):
        return intake_form_sheets(places)["settings"][1][2]

    assert version([place]) == version([place])
    assert version([place]) != version([renamed])
    assert version([place]).startswith(f"{intake_form.FORM_REVISION}.")


def test_the_command_refuses_an_empty_gazetteer_and_a_file_that_is_not_xlsx(tmp_path, monkeypatch):
    with pytest.raises(CommandError, match=r"\.xlsx"):
        call_command("intake_form", "--out", str(tmp_path / "form.csv"), verbosity=0)
    monkeypatch.setattr("displacement.management.commands.intake_form.form_places", list)
    with pytest.raises(CommandError, match="load_places"):
        call_command("intake_form", "--out", str(tmp_path / "form.xlsx"), verbosity=0)
    assert not (tmp_path / "form.xlsx").exists()
