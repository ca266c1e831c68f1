"""Names meet across alphabets by Ukraine's official transliteration (KMU 2010)."""

import pytest

from displacement.duplicates.names import name_key, transliterate


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [
        ("Олена Шевченко", "olena shevchenko"),
        ("Згурський", "zghurskyi"),  # зг is zgh
        ("Єнакієве", "yenakiieve"),  # є: ye at the start, ie inside
        ("Їжакевич", "yizhakevych"),
        ("Йосипівка", "yosypivka"),
        ("Юрій", "yurii"),  # ю at the start, й at the end
        ("Яготин", "yahotyn"),
        ("Мар'яна", "mariana"),  # an apostrophe is dropped and joins the word
        ("Щербухи", "shcherbukhy"),
        ("Ґудзь", "gudz"),  # the hard g is g (the soft one is h), the soft sign goes
        ("Гайворон", "haivoron"),
    ],
)
def test_cyrillic_names_are_written_as_ukrainian_passports_write_them(cyrillic, latin):
    assert transliterate(cyrillic) == latin


def test_a_name_typed_in_latin_has_the_same_key_as_in_cyrillic():
    assert name_key("Олена Шевченко") == name_key("Olena SHEVCHENKO")


def test_swapped_given_and_family_names_have_the_same_key():
    assert name_key("Шевченко Олена") == name_key("Олена  Шевченко")


def test_a_key_is_lowercase_latin_tokens_in_order():
    assert name_key("Шевченко-Олена, Петрівна") == "olena petrivna shevchenko"
