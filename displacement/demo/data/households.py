"""Demo households: their members, (fictional) contact details and moves.

Households refer to places and to the events that caused their moves by the keys used in
``places`` and ``events``.
"""

from datetime import date

from displacement.models.vocab import (
    AgeBand,
    DatePrecision,
    Relationship,
    Sex,
    ShelterType,
    Vulnerability,
)

# --- Households, their members, contact details and moves --------------------------------
# Person codes are P-DEMO<household number><member number>. Contact details are obviously
# fictional. Displacements are listed in date order; their natural key is (household, left_on).

F, M = Sex.FEMALE, Sex.MALE
HEAD, SPOUSE, CHILD, PARENT, GRANDCHILD = (
    Relationship.HEAD,
    Relationship.SPOUSE,
    Relationship.CHILD,
    Relationship.PARENT,
    Relationship.GRANDCHILD,
)
V = Vulnerability

HOUSEHOLDS = [
    {
        # The mother of two, displaced for the second time after the drone hit the school.
        "code": "HH-DEMO0001",
        "org": "dpn",
        "current_place": "dnipro",
        "notes": "Second displacement in three months. The younger child is frightened by engine and drone noise.",
        "members": [
            (HEAD, AgeBand.AGE_18_59, F, [V.SINGLE_CAREGIVER, V.TRAUMA]),
            (CHILD, AgeBand.AGE_5_11, F, []),
            (CHILD, AgeBand.AGE_0_4, M, []),
        ],
        "displacements": [
            {
                "origin": "pokrovsk",
                "destination": "velykomykhailivka",
                "left_on": date(2025, 2, 8),
                "arrived_on": date(2025, 2, 8),
                "cause": "pokrovsk_shelling_feb",
                "shelter_type": ShelterType.HOST_FAMILY,
            },
            {
                "origin": "velykomykhailivka",
                "destination": "dnipro",
                "left_on": date(2025, 4, 27),
                "arrived_on": date(2025, 4, 28),
                "cause": "school_drone",
                "shelter_type": ShelterType.COLLECTIVE_CENTRE,
            },
        ],
    },
    {
        # Grandmother and grandson, under the mandatory evacuation of children.
        "code": "HH-DEMO0002",
        "org": "dpn",
        "current_place": "dnipro",
        "notes": "Grandmother is the grandson's guardian; parents work abroad.",
        "members": [
            (HEAD, AgeBand.AGE_60_PLUS, F, [V.CHRONIC_ILLNESS]),
            (GRANDCHILD, AgeBand.AGE_12_17, M, []),
        ],
        "displacements": [
            {
                "origin": "pokrovsk",
                "destination": "dnipro",
                "left_on": date(2025, 4, 23),
                "arrived_on": date(2025, 4, 23),
                "cause": "pokrovsk_children",
                "shelter_type": ShelterType.TRANSIT_CENTRE,
            },
        ],
    },
    {
        "code": "HH-DEMO0003",
        "org": "dpn",
        "current_place": "poltava",
        "members": [
            (HEAD, AgeBand.AGE_60_PLUS, F, []),
            (SPOUSE, AgeBand.AGE_60_PLUS, M, [V.CHRONIC_ILLNESS, V.DISABILITY]),
        ],
        "displacements": [
            {
                "origin": "kupiansk",
                "destination": "kharkiv",
                "left_on": date(2025, 3, 9),
                "arrived_on": date(2025, 3, 9),
                "cause": "kupiansk_evacuation",
                "shelter_type": ShelterType.HOST_FAMILY,
            },
            {
                "origin": "kharkiv",
                "destination": "poltava",
                "left_on": date(2025, 4, 14),
                "arrived_on": date(2025, 4, 15),
                "shelter_type": ShelterType.RENTED,
            },
        ],
    },
    {
        "code": "HH-DEMO0004",
        "org": "dpn",
        "current_place": "lviv",
        "members": [
            (HEAD, AgeBand.AGE_18_59, F, []),
            (SPOUSE, AgeBand.AGE_18_59, M, []),
            (CHILD, AgeBand.AGE_12_17, F, []),
            (CHILD, AgeBand.AGE_5_11, M, []),
            (CHILD, AgeBand.AGE_0_4, F, []),
        ],
        "displacements": [
            {
                "origin": "myrnohrad",
                "destination": "dnipro",
                "left_on": date(2025, 3, 18),
                "arrived_on": date(2025, 3, 18),
                "cause": "myrnohrad_glide",
                "shelter_type": ShelterType.TRANSIT_CENTRE,
            },
            {
                "origin": "dnipro",
                "destination": "lviv",
                "left_on": date(2025, 4, 2),
                "arrived_on": date(2025, 4, 3),
                "shelter_type": ShelterType.COLLECTIVE_CENTRE,
            },
        ],
    },
    {
        "code": "HH-DEMO0005",
        "org": "dpn",
        "current_place": "vinnytsia",
        "members": [
            (HEAD, AgeBand.AGE_18_59, M, [V.DISABILITY]),
            (SPOUSE, AgeBand.AGE_18_59, F, [V.PREGNANT_OR_LACTATING]),
        ],
        "displacements": [
            {
                "origin": "nikopol",
                "destination": "vinnytsia",
                "left_on": date(2025, 3, 25),
                "left_on_precision": DatePrecision.WEEK,
                "arrived_on": date(2025, 3, 27),
                "cause": "nikopol_shelling",
                "shelter_type": ShelterType.RENTED,
            },
        ],
    },
    {
        "code": "HH-DEMO0006",
        "org": "dpn",
        "current_place": "kyiv",
        "members": [
            (HEAD, AgeBand.AGE_18_59, F, [V.SINGLE_CAREGIVER]),
            (CHILD, AgeBand.AGE_12_17, M, []),
            (CHILD, AgeBand.AGE_5_11, F, []),
            (CHILD, AgeBand.AGE_5_11, M, [V.DISABILITY]),
        ],
        "displacements": [
            {
                "origin": "mezhova",
                "destination": "pavlohrad",
                "left_on": date(2025, 4, 12),
                "arrived_on": date(2025, 4, 12),
                "cause": "mezhova_fpv",
                "shelter_type": ShelterType.HOST_FAMILY,
            },
            {
                "origin": "pavlohrad",
                "destination": "kyiv",
                "left_on": date(2025, 6, 20),
                "arrived_on": date(2025, 6, 21),
                "shelter_type": ShelterType.RENTED,
            },
        ],
    },
    {
        "code": "HH-DEMO0007",
        "org": "dpn",
        "current_place": "ivano_frankivsk",
        "members": [
            (HEAD, AgeBand.AGE_18_59, F, []),
            (CHILD, AgeBand.AGE_5_11, F, [V.TRAUMA]),
            (PARENT, AgeBand.AGE_60_PLUS, F, []),
        ],
        "displacements": [
            {
                "origin": "orikhiv",
                "destination": "zaporizhzhia",
                "left_on": date(2025, 4, 22),
                "arrived_on": date(2025, 4, 22),
                "cause": "orikhiv_fpv",
                "shelter_type": ShelterType.RENTED,
            },
            {
                "origin": "zaporizhzhia",
                "destination": "ivano_frankivsk",
                "left_on": date(2025, 9, 15),
                "arrived_on": date(2025, 9, 16),
                "shelter_type": ShelterType.COLLECTIVE_CENTRE,
            },
        ],
    },
    {
        "code": "HH-DEMO0008",
        "org": "dpn",
        "current_place": "sumy",
        "members": [
            (HEAD, AgeBand.AGE_18_59, F, []),
            (CHILD, AgeBand.AGE_0_4, M, []),
            (CHILD, AgeBand.AGE_5_11, M, []),
        ],
        "displacements": [
            {
                "origin": "bilopillia",
                "destination": "sumy",
                "left_on": date(2025, 5, 4),
                "arrived_on": date(2025, 5, 4),
                "cause": "bilopillia_children",
                "shelter_type": ShelterType.COLLECTIVE_CENTRE,
                "people_count": 3,
            },
        ],
    },
    {
        "code": "HH-DEMO0009",
        "org": "dpn",
        "current_place": "odesa",
        "members": [
            (HEAD, AgeBand.AGE_18_59, F, []),
            (PARENT, AgeBand.AGE_60_PLUS, F, [V.DISABILITY, V.OLDER_PERSON_ALONE]),
        ],
        "displacements": [
            {
                "origin": "kherson",
                "destination": "odesa",
                "left_on": date(2025, 4, 21),
                "arrived_on": date(2025, 4, 21),
                "cause": "kherson_fpv",
                "shelter_type": ShelterType.HOST_FAMILY,
            },
        ],
    },
    {
        "code": "HH-DEMO0010",
        "org": "dpn",
        "current_place": "dnipro",
        "members": [(HEAD, AgeBand.AGE_60_PLUS, M, [V.OLDER_PERSON_ALONE, V.NO_DOCUMENTS])],
        "displacements": [
            {
                "origin": "pokrovske",
                "destination": "dnipro",
                "left_on": date(2025, 5, 5),
                "arrived_on": date(2025, 5, 6),
                "cause": "pokrovske_glide",
                "shelter_type": ShelterType.COLLECTIVE_CENTRE,
            },
        ],
    },
    {
        "code": "HH-DEMO0011",
        "org": "dpn",
        "current_place": "kyiv",
        "members": [
            (HEAD, AgeBand.AGE_18_59, M, []),
            (SPOUSE, AgeBand.AGE_18_59, F, []),
            (PARENT, AgeBand.AGE_60_PLUS, M, [V.CHRONIC_ILLNESS]),
        ],
        "displacements": [
            {
                "origin": "kostiantynivka",
                "destination": "kyiv",
                "left_on": date(2025, 4, 10),
                "arrived_on": date(2025, 4, 11),
                "cause": "kostiantynivka_glide",
                "shelter_type": ShelterType.RENTED,
            },
        ],
    },
    {
        # The partner's own household: the partner user sees it, the NGO's staff do not.
        "code": "HH-DEMO0101",
        "org": "esa",
        "current_place": "dnipro",
        "members": [
            (HEAD, AgeBand.AGE_60_PLUS, F, [V.OLDER_PERSON_ALONE]),
        ],
        "displacements": [
            {
                "origin": "druzhkivka",
                "destination": "dnipro",
                "left_on": date(2025, 4, 30),
                "arrived_on": date(2025, 4, 30),
                "shelter_type": ShelterType.COLLECTIVE_CENTRE,
            },
        ],
    },
]
