"""The questions of the testimony intake form (an XLSForm's survey rows), in English and Ukrainian.

Each question's name is the field path the submission readers see (``household/members/age``);
``intake_form`` turns these rows, the vocabularies and the gazetteer into the workbook, and
``intake_spec`` into the paths a submission of this form may carry.
"""

from __future__ import annotations

from displacement.models.vocab import ConsentPurpose

#: What the form is called on a server, and the revision of its questions: bump it when a
#: question is added, renamed or changes meaning (the readers refuse another revision).
FORM_ID = "testimony_intake"
FORM_TITLE = "Testimony intake"
FORM_REVISION = "1"
#: The answer every submission carries (a calculate): the form and revision it was made with.
#: KoboToolbox replaces the form's id and version with its own on deployment; this survives.
MARKER_NAME = "intake_form"
MARKER = f"{FORM_ID} {FORM_REVISION}"

NOT_FUTURE = ". <= today()"
NOT_FUTURE_MESSAGE = ("The date cannot be in the future.", "Дата не може бути в майбутньому.")
HOUSEHOLD_CODE = "regex(., '^HH-[2-9A-HJ-NP-Z]{7}$')"
PHONE = "regex(., '^\\+?[0-9 ()-]{7,20}$')"


def q(kind, name, en, uk, **extra) -> dict:
    """One survey row: a question of ``kind`` called ``name``, labelled in English and Ukrainian."""
    return {"type": kind, "name": name, "label": (en, uk), **extra}


def group(name, en, uk, rows, *, repeat=False, **extra) -> list[dict]:
    kind = "repeat" if repeat else "group"
    return [{"type": f"begin_{kind}", "name": name, "label": (en, uk), **extra}, *rows, {"type": f"end_{kind}"}]


def _place(prefix: str, en: str, uk: str, **oblast) -> list[dict]:
    """Oblast, raion, hromada as cascading selects by P-code (the ``parent`` column of choices);
    ``oblast`` adds to the first (required, relevant)."""
    return [
        q("select_one oblast", f"{prefix}_oblast", f"{en}: oblast", f"{uk}: область", **oblast),
        q(
            "select_one raion",
            f"{prefix}_raion",
            f"{en}: raion",
            f"{uk}: район",
            choice_filter=f"parent=${{{prefix}_oblast}}",
            relevant=f"${{{prefix}_oblast}} != ''",
        ),
        q(
            "select_one hromada",
            f"{prefix}_hromada",
            f"{en}: hromada",
            f"{uk}: громада",
            choice_filter=f"parent=${{{prefix}_raion}}",
            relevant=f"${{{prefix}_raion}} != ''",
        ),
    ]


def _date(name, en, uk, **extra) -> dict:
    return q("date", name, en, uk, **{"constraint": NOT_FUTURE, "constraint_message": NOT_FUTURE_MESSAGE, **extra})


NEW_HOUSEHOLD = "${household_status} = 'new'"
NEW_EVENT = "${event_status} = 'new'"

INTERVIEW = group(
    "interview",
    "Interview",
    "Інтерв'ю",
    [
        _date("recorded_on", "Date of the interview", "Дата інтерв'ю", required="yes", default="today()"),
        q("text", "interviewer", "Interviewer (your user name)", "Інтерв'юер (ваше ім'я користувача)", required="yes"),
        q("select_one language", "language", "Language of the interview", "Мова інтерв'ю", required="yes"),
        q("select_one witness_role", "witness_role", "The witness is", "Свідок", required="yes"),
    ],
)

HOUSEHOLD = group(
    "household",
    "Household",
    "Домогосподарство",
    [
        q(
            "select_one household_status",
            "household_status",
            "Is the household already registered?",
            "Чи домогосподарство вже зареєстроване?",
            required="yes",
        ),
        q(
            "text",
            "household_code",
            "Household code",
            "Код домогосподарства",
            hint=("As on the household's card, e.g. HH-7KQ2M9X.", "Як на картці домогосподарства, напр. HH-7KQ2M9X."),
            required="yes",
            relevant="${household_status} = 'existing'",
            constraint=HOUSEHOLD_CODE,
            constraint_message=("A code looks like HH-7KQ2M9X.", "Код має вигляд HH-7KQ2M9X."),
        ),
        *group(
            "members",
            "Member",
            "Член домогосподарства",
            [
                q(
                    "select_one relationship",
                    "relationship",
                    "Relationship to the head",
                    "Ким доводиться голові",
                    required="yes",
                ),
                q(
                    "integer",
                    "age",
                    "Age in years",
                    "Вік (років)",
                    hint=("Leave empty if unknown.", "Залиште порожнім, якщо невідомо."),
                    constraint=". >= 0 and . <= 120",
                    constraint_message=("An age from 0 to 120.", "Вік від 0 до 120."),
                ),
                q("select_one sex", "sex", "Sex", "Стать", required="yes"),
                q("select_multiple vulnerability", "vulnerabilities", "Vulnerabilities", "Вразливості"),
            ],
            repeat=True,
            relevant=NEW_HOUSEHOLD,
        ),
        *group(
            "contact",
            "Contact details (kept apart, seen only by the caseworker)",
            "Контактні дані (зберігаються окремо, бачить лише соціальний працівник)",
            [
                q("text", "full_name", "Full name of the contact person", "Повне ім'я контактної особи"),
                q(
                    "text",
                    "phone",
                    "Phone",
                    "Телефон",
                    constraint=PHONE,
                    constraint_message=("Digits, spaces, + ( ) and - only.", "Лише цифри, пробіли, + ( ) і -."),
                ),
                q("text", "address", "Current address", "Поточна адреса", appearance="multiline"),
            ],
            relevant=NEW_HOUSEHOLD,
        ),
    ],
)

DISPLACEMENTS = group(
    "displacements",
    "Displacement",
    "Переміщення",
    [
        *_place("origin", "Left from", "Звідки", required="yes"),
        *_place("destination", "Went to", "Куди", required="yes"),
        _date("left_on", "Left on", "Дата виїзду", required="yes"),
        q("select_one date_precision", "left_on_precision", "How exact is that date?", "Наскільки точна дата?"),
        _date(
            "arrived_on",
            "Arrived on",
            "Дата прибуття",
            constraint=f"{NOT_FUTURE} and . >= ${{left_on}}",
            constraint_message=(
                "On or after the day they left, and not in the future.",
                "Не раніше дати виїзду і не в майбутньому.",
            ),
        ),
        q("select_one displacement_kind", "kind", "How did they leave?", "Як виїхали?"),
        q("select_one shelter_type", "shelter_type", "Shelter at destination", "Житло на новому місці"),
        q(
            "integer",
            "people_count",
            "Number of people who moved",
            "Кількість людей, що перемістилися",
            constraint=". >= 1 and . <= 500",
            constraint_message=("From 1 to 500.", "Від 1 до 500."),
        ),
    ],
    repeat=True,
)

EVENT = group(
    "event",
    "What happened",
    "Що сталося",
    [
        q("select_one event_status", "event_status", "The event", "Подія", required="yes"),
        q(
            "text",
            "event_reference",
            "Reference of the known event",
            "Посилання на відому подію",
            hint=(
                "Its ACLED id (UKR12345) or its number in our records.",
                "Її ідентифікатор ACLED (UKR12345) або номер у наших записах.",
            ),
            required="yes",
            relevant="${event_status} = 'known'",
        ),
        q("select_one event_category", "category", "Category", "Категорія", required="yes", relevant=NEW_EVENT),
        q("select_one event_type", "event_type", "Event type", "Тип події", relevant=NEW_EVENT),
        q(
            "select_one sub_event_type",
            "sub_event_type",
            "Sub-event type",
            "Підтип події",
            choice_filter="parent=${event_type}",
            relevant="${event_type} != ''",
        ),
        q("select_one weapon", "weapon", "Weapon", "Зброя", relevant=NEW_EVENT),
        q("select_one target", "target", "Target", "Ціль", relevant=NEW_EVENT),
        _date("event_date", "Date of the event", "Дата події", required="yes", relevant=NEW_EVENT),
        q(
            "select_one date_precision",
            "event_date_precision",
            "How exact is that date?",
            "Наскільки точна дата?",
            relevant=NEW_EVENT,
        ),
        *_place("event", "Where", "Де", required="yes", relevant=NEW_EVENT),
        q(
            "select_one testimony_relation",
            "relation",
            "The witness",
            "Свідок",
            required="yes",
            relevant="${event_status} != 'none'",
        ),
    ],
)

ACCOUNT = group(
    "account",
    "The account",
    "Розповідь",
    [
        q("text", "narrative", "Narrative, in the witness's words", "Розповідь словами свідка", appearance="multiline"),
        q(
            "text",
            "summary",
            "Short summary",
            "Короткий підсумок",
            hint=("Name no one and no exact address.", "Не називайте жодних імен і точних адрес."),
            required="yes",
            constraint="string-length(.) <= 500",
            constraint_message=("At most 500 characters.", "Не більше 500 символів."),
        ),
        q("select_one sensitivity", "sensitivity", "Sensitivity", "Чутливість", required="yes", default="internal"),
    ],
)

CONSENT_LABELS = {
    ConsentPurpose.CASE_WORK: ("Consents to casework", "Згода на ведення випадку"),
    ConsentPurpose.STATISTICS: ("Consents to statistics", "Згода на статистику"),
    ConsentPurpose.SHARING: ("Consents to sharing with partners", "Згода на передання партнерам"),
    ConsentPurpose.PUBLIC_ADVOCACY: ("Consents to public advocacy", "Згода на публічну адвокацію"),
}

CONSENT = group(
    "consent",
    "Consent",
    "Згода",
    [
        *[
            q("select_one yes_no", purpose.value, *CONSENT_LABELS[purpose], required="yes")
            for purpose in ConsentPurpose
        ],
        q("select_one consent_method", "method", "How was consent given?", "Як надано згоду?", required="yes"),
    ],
)

MEDIA = group(
    "media",
    "Photos and audio",
    "Фото та аудіо",
    [
        *group(
            "photos",
            "Photo",
            "Фото",
            [q("image", "photo", "Photo", "Фото", parameters="max-pixels=1600")],
            repeat=True,
        ),
        q("audio", "audio", "Audio recording", "Аудіозапис"),
    ],
)

SURVEY: list[dict] = [
    {"type": "start", "name": "start"},
    {"type": "end", "name": "end"},
    {"type": "calculate", "name": MARKER_NAME, "calculation": f"'{MARKER}'"},
    *INTERVIEW,
    *HOUSEHOLD,
    *DISPLACEMENTS,
    *EVENT,
    *ACCOUNT,
    *CONSENT,
    *MEDIA,
]
