"""A labelled synthetic set: households, some registered twice with the usual differences.

Names are drawn with skewed frequencies (a few given names and family names are common, as in
life) in Cyrillic; a duplicate is the same household written again with one to three of:
a typo, the name in Latin (KMU 2010, as in a passport), given and family names swapped, a
patronymic added or dropped, a new phone number or none, the birth year off by one. Each
record carries its ``cluster``: two records are duplicates when their clusters are equal.
Pure and seeded: the test and the bench get the same set for the same seed.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from .names import transliterate

GIVEN_F = [
    "Олена",
    "Ольга",
    "Наталія",
    "Тетяна",
    "Ірина",
    "Світлана",
    "Юлія",
    "Оксана",
    "Марія",
    "Людмила",
    "Анна",
    "Галина",
    "Валентина",
    "Катерина",
    "Ніна",
    "Вікторія",
    "Алла",
    "Лариса",
    "Надія",
    "Любов",
    "Інна",
    "Дарина",
    "Софія",
    "Анастасія",
    "Яна",
    "Євгенія",
    "Лілія",
    "Зоя",
    "Раїса",
    "Віра",
    "Тамара",
    "Ганна",
    "Ярослава",
    "Христина",
    "Мирослава",
    "Соломія",
    "Уляна",
    "Богдана",
    "Зінаїда",
    "Алевтина",
    "Жанна",
    "Олександра",
    "Маргарита",
    "Поліна",
    "Діана",
    "Валерія",
    "Аліна",
    "Єлизавета",
    "Емілія",
    "Злата",
]
GIVEN_M = [
    "Олександр",
    "Сергій",
    "Володимир",
    "Андрій",
    "Іван",
    "Микола",
    "Юрій",
    "Олег",
    "Віктор",
    "Василь",
    "Дмитро",
    "Петро",
    "Михайло",
    "Ігор",
    "Роман",
    "Богдан",
    "Тарас",
    "Євген",
    "Ярослав",
    "Максим",
    "Артем",
    "Віталій",
    "Анатолій",
    "Григорій",
    "Степан",
    "Павло",
    "Костянтин",
    "Леонід",
    "Валерій",
    "Федір",
    "Денис",
    "Назар",
    "Остап",
    "Ілля",
    "Матвій",
    "Данило",
    "Кирило",
    "Антон",
    "Вадим",
    "Руслан",
    "Геннадій",
    "Борис",
    "Олексій",
    "Захар",
    "Тимофій",
    "Гліб",
    "Семен",
    "Яків",
    "Орест",
    "Зиновій",
]
_ROOTS = [
    "Шевч",
    "Коваль",
    "Бонд",
    "Ткач",
    "Кравч",
    "Олійн",
    "Шевчук",
    "Поліщ",
    "Лисен",
    "Мельн",
    "Бойк",
    "Савч",
    "Руден",
    "Мороз",
    "Марч",
    "Петр",
    "Клим",
    "Павл",
    "Левч",
    "Харч",
    "Гончар",
    "Кузьм",
    "Мазур",
    "Сидор",
    "Романен",
    "Голуб",
    "Литвин",
    "Дячен",
    "Заїч",
    "Юрч",
    "Гриц",
    "Кушн",
    "Костен",
    "Щерб",
    "Василен",
    "Панч",
    "Білик",
    "Жук",
    "Карпен",
    "Демч",
    "Гуменюк",
    "Остап",
    "Федор",
    "Гаврил",
    "Прокоп",
    "Назар",
    "Яков",
    "Зінч",
    "Хоменк",
    "Тимош",
    "Сем",
    "Григор",
    "Ярош",
    "Ємел",
    "Онищ",
    "Степан",
    "Вовк",
    "Лук",
    "Бабич",
    "Гуцал",
    "Згур",
]
_SUFFIXES = ["енко", "ук", "юк", "ишин", "ко", "ів", "ський", "ець", "чук", "ар"]
_PATRONYMIC_ROOTS = ["Петр", "Іван", "Миколай", "Олександр", "Сергій", "Василь", "Михайл", "Андрій", "Юрій", "Степан"]
_KEYBOARD = "абвгдежзиіїйклмнопрстуфхцчшщьюяє"


@dataclass(frozen=True)
class Labelled:
    id: int
    cluster: int
    full_name: str
    phone: str
    date_of_birth: datetime.date | None
    raion: int


def _skewed(rng: random.Random, items: list[str]) -> str:
    # Zipf-like: the first given names are the common ones (the first, about 8%, as "Олена"
    # among women); family names are drawn evenly from about 600 (each about 0.16%).
    if rng.random() < 0.1:
        return items[min(int(rng.paretovariate(1.5)) - 1, len(items) - 1)]
    return items[rng.randrange(len(items))]


def _family(rng: random.Random, female: bool) -> str:
    name = rng.choice(_ROOTS) + rng.choice(_SUFFIXES)
    if female and name.endswith("ський"):
        name = name[:-5] + "ська"
    return name


def _patronymic(rng: random.Random, female: bool) -> str:
    root = rng.choice(_PATRONYMIC_ROOTS)
    stem = root[:-1] + "ї" if root.endswith("й") else root
    return stem + ("вна" if female else "ович")


def _phone(rng: random.Random) -> str:
    operator = rng.choice(["050", "066", "067", "068", "093", "095", "096", "097", "098", "099", "063", "073"])
    digits = f"{rng.randrange(10**7):07d}"
    return rng.choice(
        [
            f"{operator} {digits[:3]} {digits[3:5]} {digits[5:]}",
            f"+38{operator}{digits}",
            f"38 ({operator}) {digits[:3]}-{digits[3:5]}-{digits[5:]}",
        ]
    )


def _typo(rng: random.Random, name: str) -> str:
    words = name.split(" ")
    w = rng.randrange(len(words))
    word = words[w]
    if len(word) < 4:
        return name
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(["swap", "drop", "add", "replace"])
    letters = _KEYBOARD if "а" <= word[1].lower() <= "я" or word[1] in "іїєґ" else "abcdefghiklmnoprstuvyz"
    if kind == "swap":
        word = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    elif kind == "drop":
        word = word[:i] + word[i + 1 :]
    elif kind == "add":
        word = word[:i] + rng.choice(letters) + word[i:]
    else:
        word = word[:i] + rng.choice(letters) + word[i + 1 :]
    words[w] = word
    return " ".join(words)


def _again(rng: random.Random, given: str, family: str, patronymic: str, base: Labelled, pk: int) -> Labelled:
    changes = rng.sample(["typo", "latin", "swap", "patronymic", "phone", "year"], rng.choice([1, 2, 2, 3]))
    parts = [family, given, patronymic] if "patronymic" in changes else [given, family]
    if "swap" in changes:
        parts[0], parts[1] = parts[1], parts[0]
    name = " ".join(parts)
    if "latin" in changes:
        name = transliterate(name).title()
    if "typo" in changes:
        name = _typo(rng, name)
    phone = base.phone
    if "phone" in changes:
        phone = rng.choice([_phone(rng), ""])
    born = base.date_of_birth
    if "year" in changes and born is not None:
        born = born.replace(year=born.year + rng.choice([-1, 1]), day=min(born.day, 28))
    return Labelled(pk, base.cluster, name, phone, born, base.raion)


def labelled_set(households: int, *, seed: int = 21, duplicate_share: float = 0.1, raions: int = 136) -> list[Labelled]:
    """``households`` distinct households, plus a duplicate of ``duplicate_share`` of them."""
    rng = random.Random(seed)
    records: list[Labelled] = []
    for cluster in range(households):
        female = rng.random() < 0.6
        given = _skewed(rng, GIVEN_F if female else GIVEN_M)
        family = _family(rng, female)
        patronymic = _patronymic(rng, female)
        born = datetime.date(rng.randrange(1940, 2006), rng.randrange(1, 13), rng.randrange(1, 29))
        phone = _phone(rng) if rng.random() < 0.9 else ""
        base = Labelled(len(records), cluster, f"{given} {family}", phone, born, rng.randrange(raions))
        records.append(base)
        if rng.random() < duplicate_share:
            records.append(_again(rng, given, family, patronymic, base, len(records)))
    return records
