"""The staff interface exists in Ukrainian: every vocabulary and model name is translated."""

import inspect
import re
from pathlib import Path

from django.apps import apps
from django.db import models
from django.utils import translation

from displacement.models import vocab

CATALOGUE = Path(__file__).resolve().parent.parent / "displacement/locale/uk/LC_MESSAGES/django.po"


def _empty_translations(text: str) -> list[str]:
    """msgids whose msgstr (or one of its plural forms) is empty."""
    empty = []
    for entry in text.split("\n\n")[1:]:  # the first entry is the header
        lines = entry.strip().splitlines()
        for i, line in enumerate(lines):
            if re.match(r'^msgstr(\[\d\])? ""$', line):
                continued = i + 1 < len(lines) and lines[i + 1].startswith('"')
                if not continued:
                    empty.append(next((x for x in lines if x.startswith("msgid ")), "?"))
    return empty


def test_the_catalogue_has_no_untranslated_or_fuzzy_entry():
    text = CATALOGUE.read_text(encoding="utf-8")
    assert _empty_translations('h\n\nmsgid "x"\nmsgstr ""') == ['msgid "x"']
    assert not _empty_translations(text)
    assert "#, fuzzy" not in text


def test_vocabularies_and_model_names_render_in_ukrainian():
    with translation.override("uk"):
        for _, choices in inspect.getmembers(vocab, inspect.isclass):
            if issubclass(choices, models.Choices) and choices.__module__ == vocab.__name__:
                for member in choices:
                    with translation.override("en"):
                        english = str(member.label)
                    if re.search(r"[A-Za-z]", english):
                        assert str(member.label) != english, f"{choices.__name__}.{member.name}"
        for model in apps.get_app_config("displacement").get_models():
            if model.__name__.endswith("History") or model.__name__ == "CaseSequence":
                continue
            assert re.search(r"[а-яіїєґ]", str(model._meta.verbose_name_plural)), model.__name__
