"""Pools the generated demo volume is drawn from (``displacement.demo.generated``).

Origins, interim stops and destinations are real P-codes with their English names, checked
against the gazetteer; the rest is phrasing for titles, summaries, narratives and notes.
"""

from displacement.models.vocab import (
    Need,
    SubEventType,
    Target,
    Weapon,
)

# --- Pools for the generated volume --------------------------------------------------------
# Generated records are drawn from these with a seeded random generator (demo/generated.py).

#: Frontline oblasts, their weight as origins, and hromadas people leave from.
GEN_ORIGINS = {
    "UA14": (
        34,
        [
            ("UA1416021", "Pokrovska"),
            ("UA1416015", "Myrnohradska"),
            ("UA1416007", "Dobropilska"),
            ("UA1416003", "Bilozerska"),
            ("UA1416027", "Shakhivska"),
            ("UA1416005", "Hrodivska"),
            ("UA1416017", "Novohrodivska"),
            ("UA1412007", "Kostiantynivska"),
            ("UA1412003", "Druzhkivska"),
            ("UA1412009", "Kramatorska"),
            ("UA1412021", "Slovianska"),
            ("UA1412011", "Lymanska"),
            ("UA1402007", "Siverska"),
            ("UA1412013", "Mykolaivska"),
            ("UA1412005", "Illinivska"),
            ("UA1412017", "Oleksandrivska"),
        ],
    ),
    "UA12": (
        20,
        [
            ("UA1214005", "Velykomykhailivska"),
            ("UA1214015", "Mezhivska"),
            ("UA1214025", "Pokrovska"),
            ("UA1214013", "Malomykhailivska"),
            ("UA1214019", "Novopavlivska"),
            ("UA1214035", "Slovianska"),
            ("UA1214023", "Petropavlivska"),
            ("UA1208005", "Nikopolska"),
            ("UA1208001", "Marhanetska"),
            ("UA1208015", "Chervonohryhorivska"),
            ("UA1208003", "Myrivska"),
            ("UA1208011", "Pokrovska"),
        ],
    ),
    "UA63": (
        17,
        [
            ("UA6308009", "Kupianska"),
            ("UA6304005", "Borivska"),
            ("UA6304009", "Iziumska"),
            ("UA6304001", "Balakliiska"),
            ("UA6308001", "Velykoburlutska"),
            ("UA6308005", "Dvorichanska"),
            ("UA6308015", "Shevchenkivska"),
            ("UA6302005", "Zolochivska"),
            ("UA6312009", "Lypetska"),
            ("UA6312007", "Derhachivska"),
            ("UA6312027", "Kharkivska"),
            ("UA6314017", "Chuhuivska"),
            ("UA6314009", "Pechenizka"),
        ],
    ),
    "UA23": (
        12,
        [
            ("UA2310007", "Huliaipilska"),
            ("UA2310017", "Orikhivska"),
            ("UA2304021", "Stepnohirska"),
            ("UA2306009", "Komyshuvaska"),
            ("UA2310011", "Malynivska"),
            ("UA2306031", "Ternuvatska"),
            ("UA2306007", "Zaporizka"),
            ("UA2306001", "Bilenkivska"),
        ],
    ),
    "UA59": (
        11,
        [
            ("UA5908027", "Sumska"),
            ("UA5908003", "Bilopilska"),
            ("UA5908009", "Krasnopilska"),
            ("UA5908017", "Myropilska"),
            ("UA5908031", "Yunakivska"),
            ("UA5908029", "Khotinska"),
            ("UA5908007", "Vorozhbianska"),
            ("UA5904003", "Velykopysarivska"),
            ("UA5910007", "Esmanska"),
            ("UA5910013", "Seredyno-Budska"),
            ("UA5910015", "Shalyhynska"),
            ("UA5902015", "Putyvlska"),
        ],
    ),
    "UA65": (
        6,
        [
            ("UA6510015", "Khersonska"),
            ("UA6502001", "Beryslavska"),
            ("UA6510001", "Bilozerska"),
            ("UA6510013", "Stanislavska"),
            ("UA6502021", "Tiahynska"),
            ("UA6510009", "Muzykivska"),
            ("UA6510007", "Darivska"),
            ("UA6502015", "Novovorontsovska"),
        ],
    ),
}

#: First stops near home for people who move again later, by origin oblast.
GEN_INTERIM = {
    "UA14": [
        ("UA1412009", "Kramatorska"),
        ("UA1412021", "Slovianska"),
        ("UA1412003", "Druzhkivska"),
        ("UA1214005", "Velykomykhailivska"),
        ("UA1214015", "Mezhivska"),
        ("UA1214025", "Pokrovska"),
        ("UA1212007", "Pavlohradska"),
        ("UA1202001", "Dniprovska"),
    ],
    "UA12": [
        ("UA1202001", "Dniprovska"),
        ("UA1212007", "Pavlohradska"),
        ("UA1214031", "Synelnykivska"),
        ("UA1204015", "Kamianska"),
    ],
    "UA63": [
        ("UA6312027", "Kharkivska"),
        ("UA6314017", "Chuhuivska"),
        ("UA6310005", "Lozivska"),
        ("UA6312015", "Merefianska"),
    ],
    "UA23": [
        ("UA2306007", "Zaporizka"),
        ("UA2306003", "Vilnianska"),
        ("UA1202001", "Dniprovska"),
    ],
    "UA59": [
        ("UA5908027", "Sumska"),
        ("UA5906011", "Romenska"),
        ("UA5902007", "Konotopska"),
        ("UA5908011", "Lebedynska"),
    ],
    "UA65": [
        ("UA6510015", "Khersonska"),
        ("UA4806015", "Mykolaivska"),
        ("UA5110027", "Odeska"),
    ],
}

#: Safer destinations with their weight.
GEN_DESTINATIONS = [
    ("UA1202001", "Dniprovska", 18),
    ("UA8000000", "Kyiv", 16),
    ("UA4606025", "Lvivska", 9),
    ("UA5308037", "Poltavska", 7),
    ("UA0502003", "Vinnytska", 6),
    ("UA2604019", "Ivano-Frankivska", 5),
    ("UA5110027", "Odeska", 5),
    ("UA6804047", "Khmelnytska", 4),
    ("UA7108049", "Cherkaska", 4),
    ("UA5302011", "Kremenchutska", 4),
    ("UA2110023", "Uzhhorodska", 3),
    ("UA7306061", "Chernivetska", 3),
    ("UA5606047", "Rivnenska", 3),
    ("UA3202001", "Bilotserkivska", 3),
    ("UA6104049", "Ternopilska", 3),
    ("UA1804019", "Zhytomyrska", 3),
    ("UA1204015", "Kamianska", 3),
    ("UA1206017", "Kryvorizka", 3),
    ("UA0708017", "Lutska", 2),
    ("UA2104015", "Mukachivska", 2),
    ("UA3208015", "Irpinska", 2),
    ("UA3206005", "Brovarska", 2),
]

#: Kinds of violent events: weight, sub-event type, weapons, targets, title, description.
GEN_VIOLENCE = [
    (
        30,
        SubEventType.SHELLING_ARTILLERY_MISSILE,
        [Weapon.ARTILLERY, Weapon.MLRS, Weapon.MORTAR],
        [
            Target.RESIDENTIAL_BUILDING,
            Target.RESIDENTIAL_BUILDING,
            Target.INFRASTRUCTURE,
            Target.MARKET,
            Target.HEALTH_FACILITY,
        ],
        "Shelling of {target} in {place}",
        "Artillery and rocket fire on {target}; damage to houses and power lines reported.",
    ),
    (
        20,
        SubEventType.AIR_DRONE_STRIKE,
        [Weapon.GLIDE_BOMB],
        [Target.RESIDENTIAL_BUILDING, Target.INFRASTRUCTURE, Target.SCHOOL],
        "Glide bomb strike on {target} in {place}",
        "Guided aerial bombs dropped from beyond the front line hit {target}.",
    ),
    (
        20,
        SubEventType.AIR_DRONE_STRIKE,
        [Weapon.FPV_DRONE],
        [Target.EVACUATION_ROUTE, Target.EVACUATION_ROUTE, Target.HUMANITARIAN, Target.AGRICULTURE],
        "FPV drone attack on {target} near {place}",
        "A first-person-view drone attacked {target}; people on the road were targeted.",
    ),
    (
        12,
        SubEventType.AIR_DRONE_STRIKE,
        [Weapon.LOITERING_MUNITION],
        [Target.INFRASTRUCTURE, Target.RESIDENTIAL_BUILDING, Target.SCHOOL, Target.HEALTH_FACILITY],
        "Kamikaze drone strike on {target} in {place}",
        "A loitering munition hit {target} at night; fires put out by the rescue service.",
    ),
    (
        8,
        SubEventType.AIR_DRONE_STRIKE,
        [Weapon.DRONE_DROPPED],
        [Target.AGRICULTURE, Target.RESIDENTIAL_BUILDING, Target.MARKET],
        "Munitions dropped from a drone on {target} in {place}",
        "A drone dropped explosives on {target} during the day.",
    ),
    (
        6,
        SubEventType.SHELLING_ARTILLERY_MISSILE,
        [Weapon.MISSILE],
        [Target.RESIDENTIAL_BUILDING, Target.INFRASTRUCTURE],
        "Missile strike on {target} in {place}",
        "A missile hit {target}; rescue work lasted through the night.",
    ),
    (
        3,
        SubEventType.REMOTE_EXPLOSIVE,
        [Weapon.LANDMINE],
        [Target.AGRICULTURE],
        "Civilian tractor hits a landmine near {place}",
        "A tractor working a field hit an explosive remnant.",
    ),
]

GEN_TARGET_PHRASES = {
    Target.RESIDENTIAL_BUILDING: "apartment blocks",
    Target.INFRASTRUCTURE: "energy infrastructure",
    Target.MARKET: "a market",
    Target.HEALTH_FACILITY: "a hospital",
    Target.SCHOOL: "a school",
    Target.EVACUATION_ROUTE: "an evacuation vehicle",
    Target.HUMANITARIAN: "an aid distribution point",
    Target.AGRICULTURE: "farmers in the fields",
}

GEN_NOTES = [
    "",
    "",
    "Registered at the transit centre.",
    "Contacted through the hotline.",
    "Prefers calls in the afternoon.",
    "Referred by the hromada social services.",
]

#: Testimony summaries; {place} is the hromada's English name.
GEN_SUMMARIES = [
    "Household left {place} hromada after strikes on the neighbourhood.",
    "Family describes shelling of their street in {place} hromada and the journey out.",
    "Account of an evacuation from {place} hromada under drone threat.",
    "Older resident of {place} hromada describes leaving with neighbours.",
    "Mother describes leaving {place} hromada with the children after attacks nearby.",
]

GEN_WITNESS_SUMMARIES = [
    "Volunteer describes an attack near {place} during an evacuation run.",
    "Local official describes damage and departures in {place} hromada.",
    "Journalist's account of the aftermath of a strike in {place} hromada.",
]

#: First-person narratives: {place} is the English name, {place_uk} the Ukrainian one.
GEN_NARRATIVES_UK = [
    "Ми жили в {place_uk} громаді до останнього. Коли почали бити по будинках, забрали дітей "
    "і виїхали з тим, що могли донести.",
    "Світла не було тижнями, вода — тільки з колодязя. Після удару по сусідній вулиці ми "
    "зрозуміли, що чекати більше не можна.",
    "Дорогою нас супроводжував гул дронів. Водій вимкнув фари, і ми їхали майже навпомацки.",
    "Я не хотіла їхати, бо там могили батьків. Але онуки плакали щоночі в підвалі.",
    "Нам сказали, що фронт далеко. А за тиждень снаряд влучив у школу.",
]
GEN_NARRATIVES_EN = [
    "We stayed in {place} hromada as long as we could. When the strikes reached our street we "
    "took the children and left with what we could carry.",
    "There was no power for weeks and water only from the well. After the next street was hit "
    "we knew we could not wait any longer.",
    "Drones followed the road all the way. The driver switched off the lights and we drove almost blind.",
    "I did not want to leave my parents' graves. But the grandchildren cried every night in the basement.",
]

GEN_CASE_NOTES = [
    "Initial call made; household asked for a visit at the collective centre.",
    "Assessment done with the head of household; documents checked.",
    "Household moved to rented accommodation; new phone number recorded in contact details.",
    "Follow-up call: children enrolled in school, cash assistance received.",
    "Потрібна допомога з оформленням довідки ВПО.",
    "Родина отримала зимовий одяг; наступний дзвінок через два тижні.",
]

GEN_CLOSURE_REASONS = [
    "Needs met.",
    "Household moved abroad.",
    "Household could not be reached after three attempts.",
    "Duplicate registration.",
    "Household returned to the place of origin.",
]

GEN_WITHDRAWAL_REASONS = [
    "Asked that the account stay within the organisation.",
    "Worried that relatives who stayed could be identified.",
]

GEN_PROVIDERS = {
    Need.SHELTER: "Eastern Shelter Alliance",
    Need.FOOD: "Food assistance programme",
    Need.CASH: "Multipurpose cash programme",
    Need.HEALTH: "Primary health care centre",
    Need.MENTAL_HEALTH: "Mobile psychosocial support team",
    Need.LEGAL: "Free legal aid centre",
    Need.DOCUMENTATION: "Administrative services centre (TsNAP)",
    Need.EDUCATION: "Municipal education department",
    Need.PROTECTION: "Child protection services",
    Need.NON_FOOD_ITEMS: "Non-food items distribution",
    Need.WASH: "Hygiene kit distribution",
    Need.LIVELIHOOD: "Regional employment centre",
    Need.TRANSPORT: "Volunteer transport network",
}
