"""Demo testimonies: first-person accounts that name no one, with their consents.

Testimonies refer to households by code and to events and sources by key.
"""

from datetime import date

from displacement.models.vocab import (
    ConsentPurpose,
    Language,
    Sensitivity,
    TestimonyRelation,
    WitnessRole,
)

# --- Testimonies -------------------------------------------------------------------------
# Consents are given on the day of the interview; "withdraw" lists purposes withdrawn later.

TESTIMONIES = [
    {
        "code": "T-DEMO0001",
        "org": "dpn",
        "household": "HH-DEMO0001",
        "recorded_on": date(2025, 5, 3),
        "language": Language.UKRAINIAN,
        "witness_role": WitnessRole.DISPLACED_CIVILIAN,
        "sensitivity": Sensitivity.RESTRICTED,
        "summary": "Mother of two displaced a second time after a kamikaze drone hit the "
        "village school while the family was working in the garden.",
        "narrative": "Ми вже один раз тікали — з Покровська, у лютому, коли обстріли дійшли до "
        "нашого району. Оселилися в селі в родичів, думали, тут перечекаємо. Нам казали, що "
        "фронт відсунули. А потім, коли ми садили картоплю, над городом низько пролетів дрон — "
        "було чути, як він дзижчить. За кілька хвилин вибух біля школи, куди старша мала піти "
        "восени. Менша досі прокидається вночі від кожного звуку. Наступного ранку ми взяли "
        "дві сумки й документи і поїхали до Дніпра. Удруге за три місяці починаємо все "
        "спочатку.",
        "events": [
            ("school_drone", TestimonyRelation.CAUSED_MY_DISPLACEMENT),
            ("pokrovsk_shelling_feb", TestimonyRelation.CAUSED_MY_DISPLACEMENT),
        ],
        "consents": [ConsentPurpose.CASE_WORK, ConsentPurpose.STATISTICS],
        "sources": ["interviews_dnipro"],
    },
    {
        "code": "T-DEMO0002",
        "org": "dpn",
        "household": "HH-DEMO0002",
        "recorded_on": date(2025, 4, 25),
        "language": Language.RUSSIAN,
        "witness_role": WitnessRole.DISPLACED_CIVILIAN,
        "sensitivity": Sensitivity.INTERNAL,
        "summary": "Older woman evacuated with her teenage grandson under the mandatory "
        "evacuation of children from Pokrovsk.",
        "narrative": "[Translated from Russian] I did not want to leave. I have lived in that "
        "flat for forty years. But in April they said families with children must go, and my "
        "grandson is fourteen. The police came twice. The building across the road had no "
        "windows left after the shelling, and at night we slept in the corridor. They took us "
        "in a van with other families; on the road we heard drones and the driver switched "
        "off the lights. Now we are in Dnipro, in a dormitory. I worry about the neighbours "
        "who stayed.",
        "events": [
            ("pokrovsk_shelling_apr", TestimonyRelation.CAUSED_MY_DISPLACEMENT),
            ("pokrovsk_children", TestimonyRelation.WITNESSED),
        ],
        "consents": [
            ConsentPurpose.CASE_WORK,
            ConsentPurpose.STATISTICS,
            ConsentPurpose.SHARING,
        ],
        "withdraw": [
            (
                ConsentPurpose.SHARING,
                "Asked that her account not be shared outside the organisation: worried that "
                "neighbours who stayed could be identified.",
            )
        ],
        "sources": ["interviews_dnipro"],
    },
    {
        "code": "T-DEMO0003",
        "org": "dpn",
        "household": None,
        "recorded_on": date(2025, 4, 28),
        "language": Language.UKRAINIAN,
        "witness_role": WitnessRole.VOLUNTEER,
        "sensitivity": Sensitivity.INTERNAL,
        "summary": "Volunteer evacuation driver describes FPV drone attacks on civilian cars "
        "on the road out of Pokrovsk.",
        "narrative": "Я вожу евакуаційний бус із весни. На дорозі з Покровська до Добропілля "
        "FPV-дрони полюють на все, що рухається, — і на цивільні машини теж. Ми їздимо "
        "вдосвіта, без фар, із сіткою на даху. У середині квітня дрон влучив у легковик попереду "
        "нас: двоє поранених, ми забрали їх до стабпункту. Під Межовою так само підбили бус "
        "наших колег. Люди все одно просять вивезти — бо лишатися ще страшніше.",
        "events": [
            ("route_fpv", TestimonyRelation.WITNESSED),
            ("mezhova_fpv", TestimonyRelation.HEARD_ABOUT),
        ],
        "consents": [ConsentPurpose.STATISTICS, ConsentPurpose.PUBLIC_ADVOCACY],
        "sources": ["interviews_dnipro"],
    },
    {
        "code": "T-DEMO0004",
        "org": "dpn",
        "household": "HH-DEMO0003",
        "recorded_on": date(2025, 4, 18),
        "language": Language.ENGLISH,
        "witness_role": WitnessRole.DISPLACED_CIVILIAN,
        "sensitivity": Sensitivity.INTERNAL,
        "summary": "Older couple evacuated from Kupiansk, moved on from Kharkiv to Poltava.",
        "narrative": "We stayed through two winters. In March the shelling became constant, "
        "the bridge was hit and the gas was gone. When the evacuation buses came we took only "
        "the medicines and the cat. We spent a month in Kharkiv with a friend, but there were "
        "strikes there too, and my husband's heart is weak. Now we rent a room in Poltava.",
        "events": [
            ("kupiansk_shelling", TestimonyRelation.CAUSED_MY_DISPLACEMENT),
            ("kupiansk_evacuation", TestimonyRelation.WITNESSED),
        ],
        "consents": [
            ConsentPurpose.CASE_WORK,
            ConsentPurpose.STATISTICS,
            ConsentPurpose.SHARING,
        ],
    },
    {
        "code": "T-DEMO0005",
        "org": "dpn",
        "household": None,
        "recorded_on": date(2025, 5, 7),
        "language": Language.UKRAINIAN,
        "witness_role": WitnessRole.OFFICIAL,
        "sensitivity": Sensitivity.INTERNAL,
        "summary": "Village council staff member on families leaving on their own after the "
        "drone strike on the school.",
        "narrative": "Я працюю в старостаті. Після удару по школі люди почали виїжджати самі, "
        "без жодних оголошень: за тиждень із трьох сіл поїхало понад сотню людей, переважно "
        "сім'ї з дітьми. Самого удару я не бачив — був у сусідньому селі, — але бачив школу "
        "наступного дня: дах пробитий, вікна вибиті. Автобусів не вистачає, люди їдуть своїми "
        "машинами або з сусідами.",
        "events": [
            ("school_drone", TestimonyRelation.HEARD_ABOUT),
            ("velykomykhailivka_exodus", TestimonyRelation.WITNESSED),
        ],
        "consents": [ConsentPurpose.STATISTICS, ConsentPurpose.SHARING],
        "sources": ["interviews_dnipro"],
    },
    {
        "code": "T-DEMO0006",
        "org": "dpn",
        "household": "HH-DEMO0004",
        "recorded_on": date(2025, 4, 8),
        "language": Language.UKRAINIAN,
        "witness_role": WitnessRole.DISPLACED_CIVILIAN,
        "sensitivity": Sensitivity.INTERNAL,
        "summary": "Family of five left Myrnohrad after a glide bomb hit their block, then "
        "moved on from Dnipro to Lviv.",
        "narrative": "Керована авіабомба впала за два будинки від нас. У квартирі вилетіли всі "
        "вікна, у сусідів обвалився балкон. Ми з чоловіком і трьома дітьми ще тиждень ночували "
        "в підвалі, поки волонтери не вивезли нас до Дніпра. Звідти поїхали до Львова: у Дніпрі "
        "не змогли знайти житло, яке можемо оплатити.",
        "events": [("myrnohrad_glide", TestimonyRelation.CAUSED_MY_DISPLACEMENT)],
        "consents": [ConsentPurpose.CASE_WORK, ConsentPurpose.STATISTICS],
    },
    {
        "code": "T-DEMO0007",
        "org": "dpn",
        "household": "HH-DEMO0007",
        "recorded_on": date(2025, 9, 22),
        "language": Language.ENGLISH,
        "witness_role": WitnessRole.DISPLACED_CIVILIAN,
        "sensitivity": Sensitivity.INTERNAL,
        "summary": "Mother, daughter and grandmother left Orikhiv after drone attacks on the "
        "road, then left Zaporizhzhia after repeated strikes.",
        "narrative": "The road out of Orikhiv is watched by drones. A car ahead of ours was hit "
        "in April, so we waited for the volunteers' van. We lived in Zaporizhzhia for a few "
        "months, but there were strikes almost every night and my daughter stopped sleeping. "
        "In September we came to Ivano-Frankivsk.",
        "events": [
            ("orikhiv_fpv", TestimonyRelation.CAUSED_MY_DISPLACEMENT),
            ("zaporizhzhia_glide", TestimonyRelation.HEARD_ABOUT),
        ],
        "consents": [
            ConsentPurpose.CASE_WORK,
            ConsentPurpose.STATISTICS,
            ConsentPurpose.SHARING,
            ConsentPurpose.PUBLIC_ADVOCACY,
        ],
    },
    {
        "code": "T-DEMO0008",
        "org": "dpn",
        "household": "HH-DEMO0008",
        "recorded_on": date(2025, 5, 9),
        "language": Language.UKRAINIAN,
        "witness_role": WitnessRole.DISPLACED_CIVILIAN,
        "sensitivity": Sensitivity.RESTRICTED,
        "summary": "Mother and two young sons evacuated from a border village under the "
        "mandatory evacuation of children.",
        "narrative": "Бомби на Білопілля падали майже щодня. Коли оголосили обов'язкову "
        "евакуацію дітей із прикордонних сіл, ми поїхали до Сум — тут хоча б є укриття. "
        "Чоловік лишився доглядати господарство і свою маму. Малий питає, коли ми поїдемо "
        "додому, а я не знаю, що відповісти.",
        "events": [
            ("bilopillia_bombs", TestimonyRelation.CAUSED_MY_DISPLACEMENT),
            ("bilopillia_children", TestimonyRelation.WITNESSED),
        ],
        "consents": [ConsentPurpose.CASE_WORK, ConsentPurpose.STATISTICS],
    },
    {
        "code": "T-DEMO0009",
        "org": "dpn",
        "household": "HH-DEMO0009",
        "recorded_on": date(2025, 4, 30),
        "language": Language.ENGLISH,
        "witness_role": WitnessRole.DISPLACED_CIVILIAN,
        "sensitivity": Sensitivity.INTERNAL,
        "summary": "Daughter took her mother with a disability from Kherson to Odesa after "
        "drone attacks in their district.",
        "narrative": "In our district drones chase people on bicycles and on buses. I stopped "
        "going to the market. After a drone dropped something next to the bus stop by our "
        "house, I decided to take my mother to Odesa. She cannot walk to the shelter, so at "
        "home we just sat in the corridor.",
        "events": [("kherson_fpv", TestimonyRelation.CAUSED_MY_DISPLACEMENT)],
        "consents": [
            ConsentPurpose.CASE_WORK,
            ConsentPurpose.STATISTICS,
            ConsentPurpose.SHARING,
        ],
        "withdraw": [
            (
                ConsentPurpose.SHARING,
                "Changed her mind after a relative's story appeared online.",
            )
        ],
    },
    {
        "code": "T-DEMO0010",
        "org": "dpn",
        "household": "HH-DEMO0010",
        "recorded_on": date(2025, 5, 8),
        "language": Language.UKRAINIAN,
        "witness_role": WitnessRole.DISPLACED_CIVILIAN,
        "sensitivity": Sensitivity.INTERNAL,
        "summary": "Older man living alone left Pokrovske after a glide bomb hit his street; his documents were lost.",
        "narrative": "Усі чекали, що це скінчиться, а воно не скінчується. Тиснуть з усіх "
        "боків і просто все руйнують. Коли бомба впала на нашу вулицю, в мене згоріла хата "
        "разом із паспортом. Сусіди довезли до Дніпра, тепер живу в гуртожитку для "
        "переселенців. Пенсію оформлюю вже вдруге, без документів ніхто нічого не дає.",
        "events": [("pokrovske_glide", TestimonyRelation.CAUSED_MY_DISPLACEMENT)],
        "consents": [ConsentPurpose.CASE_WORK, ConsentPurpose.STATISTICS],
        "sources": ["interviews_dnipro"],
    },
]
