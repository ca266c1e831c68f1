"""Hand-written demo records, as plain data; ``services/demo.py`` writes them.

Everything here is fictional. No record names a private person: contacts are
"Demo Contact NNN" with "+380 00 000 NNNN" phones, testimonies are in the first person
and name no one. Events are modelled on the kind of reports published in spring 2025
(the push towards the Dnipropetrovsk oblast border before 9 May) but their figures are
invented. Places are real OCHA P-codes; each is listed with its English name, and the
seeding checks the gazetteer agrees, so that a typo cannot misplace anyone.

Records refer to each other by the keys used here (``"dpn"``, ``"school_drone"``...).
"""

from datetime import date

from displacement.models.vocab import (
    AgeBand,
    CaseStatus,
    ConsentPurpose,
    DatePrecision,
    DisplacementKind,
    EventCategory,
    EventType,
    GeoPrecision,
    Language,
    Need,
    OrganizationKind,
    Priority,
    ReferralStatus,
    Relationship,
    Reliability,
    Role,
    Sensitivity,
    Sex,
    ShelterType,
    SourceKind,
    SubEventType,
    Target,
    TestimonyRelation,
    VerificationStatus,
    Vulnerability,
    Weapon,
    WitnessRole,
)

# --- Organisations and users -------------------------------------------------------------

ORGANIZATIONS = {
    "dpn": {
        "name": "Dnipro Protection Network",
        "slug": "dpn",
        "code": "UA-DNP",
        "kind": OrganizationKind.NGO,
    },
    "esa": {
        "name": "Eastern Shelter Alliance",
        "slug": "esa",
        "code": "UA-ESA",
        "kind": OrganizationKind.NGO,
    },
}

#: username, organisation key (None: operations, no membership), role, superuser.
USERS = [
    ("caseworker", "dpn", Role.CASEWORKER, False),
    ("coordinator", "dpn", Role.COORDINATOR, False),
    ("analyst", "dpn", Role.ANALYST, False),
    ("partner", "esa", Role.PARTNER, False),
    ("admin", None, None, True),
]

# --- Places: key -> (P-code, English name in the gazetteer) ------------------------------

PLACES = {
    # Donetska (UA14)
    "pokrovsk": ("UA1416021", "Pokrovska"),
    "myrnohrad": ("UA1416015", "Myrnohradska"),
    "dobropillia": ("UA1416007", "Dobropilska"),
    "kostiantynivka": ("UA1412007", "Kostiantynivska"),
    "druzhkivka": ("UA1412003", "Druzhkivska"),
    # Dnipropetrovska (UA12): frontline hromadas and destinations
    "velykomykhailivka": ("UA1214005", "Velykomykhailivska"),
    "mezhova": ("UA1214015", "Mezhivska"),
    "pokrovske": ("UA1214025", "Pokrovska"),
    "nikopol": ("UA1208005", "Nikopolska"),
    "pavlohrad": ("UA1212007", "Pavlohradska"),
    "dnipro": ("UA1202001", "Dniprovska"),
    # Kharkivska (UA63)
    "kupiansk": ("UA6308009", "Kupianska"),
    "kharkiv": ("UA6312027", "Kharkivska"),
    # Zaporizka (UA23)
    "orikhiv": ("UA2310017", "Orikhivska"),
    "zaporizhzhia": ("UA2306007", "Zaporizka"),
    # Sumska (UA59)
    "bilopillia": ("UA5908003", "Bilopilska"),
    "sumy": ("UA5908027", "Sumska"),
    # Khersonska (UA65)
    "kherson": ("UA6510015", "Khersonska"),
    # Safer destinations
    "kyiv": ("UA8000000", "Kyiv"),
    "lviv": ("UA4606025", "Lvivska"),
    "vinnytsia": ("UA0502003", "Vinnytska"),
    "poltava": ("UA5308037", "Poltavska"),
    "ivano_frankivsk": ("UA2604019", "Ivano-Frankivska"),
    "odesa": ("UA5110027", "Odeska"),
}

RUSSIA = "Military Forces of Russia (2000-)"
CIVILIANS = "Civilians (Ukraine)"

# --- Sources (owned by the organisation named in "org") -----------------------------------

SOURCES = {
    "media_victory_day": {
        "org": "dpn",
        "kind": SourceKind.MEDIA,
        "title": "Russia pushes towards the Dnipropetrovsk oblast border ahead of Victory Day",
        "publisher": "International news site (citing Digi24)",
        "published_on": date(2025, 5, 5),
        "reliability": Reliability.RELIABLE,
        "notes": "Quotes military spokespeople and displaced residents; residents are not "
        "named in our records.",
    },
    "official_pokrovsk": {
        "org": "dpn",
        "kind": SourceKind.OFFICIAL_STATEMENT,
        "title": "Mandatory evacuation of families with children from Pokrovsk",
        "publisher": "Regional military administration",
        "published_on": date(2025, 4, 21),
        "reliability": Reliability.SOMEWHAT_RELIABLE,
        "notes": "Figures for evacuated children are the administration's own.",
    },
    "official_kupiansk": {
        "org": "dpn",
        "kind": SourceKind.OFFICIAL_STATEMENT,
        "title": "Kupiansk hromada: evacuation update",
        "publisher": "City military administration",
        "published_on": date(2025, 3, 8),
        "reliability": Reliability.SOMEWHAT_RELIABLE,
    },
    "interviews_dnipro": {
        "org": "dpn",
        "kind": SourceKind.INTERVIEW,
        "title": "Intake interviews at the Dnipro transit centre, spring 2025",
        "publisher": "Dnipro Protection Network field team",
        "published_on": date(2025, 5, 3),
        "reliability": Reliability.RELIABLE,
        "notes": "First-hand accounts recorded by caseworkers with consent.",
    },
    "social_fpv": {
        "org": "dpn",
        "kind": SourceKind.SOCIAL_MEDIA,
        "title": "Video: FPV drone attack on a civilian car on the Dobropillia road",
        "publisher": "Local Telegram channel",
        "published_on": date(2025, 4, 16),
        "reliability": Reliability.UNKNOWN,
        "notes": "Location matched to the road by landmarks; date not independently confirmed.",
    },
    "satellite_school": {
        "org": "dpn",
        "kind": SourceKind.SATELLITE,
        "title": "Satellite imagery: roof damage to a village school, Velykomykhailivka hromada",
        "publisher": "Commercial imagery provider",
        "published_on": date(2025, 4, 30),
        "reliability": Reliability.HIGHLY_RELIABLE,
    },
    "esa_bulletin": {
        "org": "dpn",
        "kind": SourceKind.PARTNER_REPORT,
        "title": "Weekly collective-centre occupancy bulletin",
        "publisher": "Eastern Shelter Alliance",
        "published_on": date(2025, 5, 6),
        "reliability": Reliability.RELIABLE,
    },
    "esa_monitoring": {
        "org": "esa",
        "kind": SourceKind.PARTNER_REPORT,
        "title": "Shelter monitoring visit report, Dnipro collective centres",
        "publisher": "Eastern Shelter Alliance",
        "published_on": date(2025, 5, 12),
        "reliability": Reliability.RELIABLE,
    },
}

# --- Events ------------------------------------------------------------------------------
# Natural key: (organisation, title, start). "caused_by" names earlier events.

_EXPLOSION = {"category": EventCategory.VIOLENCE, "event_type": EventType.EXPLOSIONS}
_AIR = {**_EXPLOSION, "sub_event_type": SubEventType.AIR_DRONE_STRIKE}
_SHELLING = {**_EXPLOSION, "sub_event_type": SubEventType.SHELLING_ARTILLERY_MISSILE}
_AGAINST_CIVILIANS = {"actor1": RUSSIA, "actor2": CIVILIANS, "civilian_targeting": True}

EVENTS = {
    "pokrovsk_shelling_feb": {
        **_SHELLING,
        **_AGAINST_CIVILIANS,
        "org": "dpn",
        "title": "Shelling of apartment blocks in Pokrovsk",
        "description": "Rocket and artillery fire hit five-storey apartment blocks in the city "
        "centre over three days. Heating and water supply were cut in several districts.",
        "weapon": Weapon.MLRS,
        "target": Target.RESIDENTIAL_BUILDING,
        "start": date(2025, 2, 3),
        "end": date(2025, 2, 5),
        "place": "pokrovsk",
        "killed": 2,
        "injured": 11,
        "sources": ["official_pokrovsk"],
        "verification": VerificationStatus.CORROBORATED,
    },
    "pokrovsk_evacuation_feb": {
        "category": EventCategory.DISPLACEMENT,
        "displacement_kind": DisplacementKind.ORGANISED_EVACUATION,
        "org": "dpn",
        "title": "Organised evacuation of families from Pokrovsk",
        "description": "Evacuation buses from the railway-station area to Dnipropetrovsk oblast, "
        "after the trains stopped running.",
        "start": date(2025, 2, 6),
        "end": date(2025, 2, 20),
        "date_precision": DatePrecision.WEEK,
        "place": "pokrovsk",
        "affected": 640,
        "caused_by": ["pokrovsk_shelling_feb"],
        "sources": ["official_pokrovsk"],
        "verification": VerificationStatus.VERIFIED,
    },
    "myrnohrad_glide": {
        **_AIR,
        **_AGAINST_CIVILIANS,
        "org": "dpn",
        "title": "Glide bomb strike on a residential area of Myrnohrad",
        "description": "A guided aerial bomb hit between two apartment blocks; windows blown out "
        "in neighbouring buildings, one balcony collapsed.",
        "weapon": Weapon.GLIDE_BOMB,
        "target": Target.RESIDENTIAL_BUILDING,
        "start": date(2025, 3, 11),
        "place": "myrnohrad",
        "killed": 0,
        "injured": 4,
        "sources": ["interviews_dnipro"],
        "verification": VerificationStatus.CORROBORATED,
    },
    "kupiansk_shelling": {
        **_SHELLING,
        **_AGAINST_CIVILIANS,
        "org": "dpn",
        "title": "Shelling of residential districts of Kupiansk",
        "description": "Daily artillery fire on the left-bank districts; the remaining bridge "
        "damaged, gas supply cut.",
        "weapon": Weapon.ARTILLERY,
        "target": Target.RESIDENTIAL_BUILDING,
        "start": date(2025, 3, 3),
        "end": date(2025, 3, 6),
        "place": "kupiansk",
        "killed": 1,
        "injured": 3,
        "sources": ["official_kupiansk"],
        "verification": VerificationStatus.CORROBORATED,
    },
    "kupiansk_evacuation": {
        "category": EventCategory.DISPLACEMENT,
        "displacement_kind": DisplacementKind.ORGANISED_EVACUATION,
        "org": "dpn",
        "title": "Organised evacuation from Kupiansk hromada",
        "description": "Evacuation of residents, priority to families with children and people "
        "with limited mobility, to Kharkiv and onwards.",
        "start": date(2025, 3, 7),
        "end": date(2025, 3, 31),
        "date_precision": DatePrecision.MONTH,
        "place": "kupiansk",
        "affected": 350,
        "caused_by": ["kupiansk_shelling"],
        "sources": ["official_kupiansk"],
        "verification": VerificationStatus.VERIFIED,
    },
    "nikopol_shelling": {
        **_SHELLING,
        **_AGAINST_CIVILIANS,
        "org": "dpn",
        "title": "Artillery fire on Nikopol from across the Dnipro",
        "description": "Shells and drones launched from the occupied left bank hit a substation "
        "and private houses.",
        "weapon": Weapon.ARTILLERY,
        "target": Target.INFRASTRUCTURE,
        "start": date(2025, 3, 22),
        "place": "nikopol",
        "killed": 0,
        "injured": 2,
        "verification": VerificationStatus.REPORTED,
    },
    "zaporizhzhia_glide": {
        **_AIR,
        **_AGAINST_CIVILIANS,
        "org": "dpn",
        "title": "Glide bomb strike on a residential district of Zaporizhzhia",
        "description": "Two guided bombs hit a residential district in the evening; private "
        "houses and a kindergarten damaged.",
        "weapon": Weapon.GLIDE_BOMB,
        "target": Target.RESIDENTIAL_BUILDING,
        "start": date(2025, 4, 4),
        "place": "zaporizhzhia",
        "killed": 1,
        "injured": 12,
        "sources": ["media_victory_day"],
        "verification": VerificationStatus.CORROBORATED,
    },
    "kostiantynivka_glide": {
        **_AIR,
        **_AGAINST_CIVILIANS,
        "org": "dpn",
        "title": "Glide bombs on Kostiantynivka city centre",
        "description": "Several guided bombs in one morning; a market and apartment blocks hit.",
        "weapon": Weapon.GLIDE_BOMB,
        "target": Target.MARKET,
        "start": date(2025, 4, 8),
        "place": "kostiantynivka",
        "killed": 1,
        "injured": 6,
        "verification": VerificationStatus.REPORTED,
    },
    "mezhova_fpv": {
        **_AIR,
        **_AGAINST_CIVILIANS,
        "org": "dpn",
        "title": "FPV drone hits an evacuation van near Mezhova",
        "description": "A first-person-view drone struck a volunteer van carrying residents out "
        "of a frontline village; the driver and one passenger injured.",
        "weapon": Weapon.FPV_DRONE,
        "target": Target.EVACUATION_ROUTE,
        "start": date(2025, 4, 10),
        "place": "mezhova",
        "geo_precision": GeoPrecision.NEAR,
        "killed": 0,
        "injured": 2,
        "verification": VerificationStatus.CORROBORATED,
    },
    "kherson_fpv": {
        **_AIR,
        **_AGAINST_CIVILIANS,
        "org": "dpn",
        "title": "FPV drones target pedestrians and buses in Kherson's riverside districts",
        "description": "Repeated drone attacks on people in the street, cyclists and a bus stop over a week.",
        "weapon": Weapon.FPV_DRONE,
        "target": Target.OTHER,
        "start": date(2025, 4, 12),
        "end": date(2025, 4, 19),
        "date_precision": DatePrecision.WEEK,
        "place": "kherson",
        "killed": 2,
        "injured": 9,
        "verification": VerificationStatus.CORROBORATED,
    },
    "route_fpv": {
        **_AIR,
        **_AGAINST_CIVILIANS,
        "org": "dpn",
        "title": "FPV drone attacks on the Pokrovsk–Dobropillia evacuation road",
        "description": "Drones attacked civilian cars and evacuation vehicles on the road out "
        "of Pokrovsk for over a week; crews now drive before dawn without lights.",
        "weapon": Weapon.FPV_DRONE,
        "target": Target.EVACUATION_ROUTE,
        "start": date(2025, 4, 14),
        "end": date(2025, 4, 25),
        "date_precision": DatePrecision.WEEK,
        "place": "dobropillia",
        "killed": 0,
        "injured": 3,
        "sources": ["social_fpv", "interviews_dnipro"],
        "verification": VerificationStatus.CORROBORATED,
    },
    "orikhiv_fpv": {
        **_AIR,
        **_AGAINST_CIVILIANS,
        "org": "dpn",
        "title": "FPV drone strikes a civilian car on the Orikhiv road",
        "weapon": Weapon.FPV_DRONE,
        "target": Target.EVACUATION_ROUTE,
        "start": date(2025, 4, 17),
        "place": "orikhiv",
        "killed": 0,
        "injured": 2,
        "verification": VerificationStatus.REPORTED,
    },
    "pokrovsk_shelling_apr": {
        **_SHELLING,
        **_AGAINST_CIVILIANS,
        "org": "dpn",
        "title": "Shelling of apartment blocks in Pokrovsk",
        "description": "Apartment blocks in the northern districts hit by artillery and rockets; "
        "black smoke over the city for two days.",
        "weapon": Weapon.ARTILLERY,
        "target": Target.RESIDENTIAL_BUILDING,
        "start": date(2025, 4, 19),
        "end": date(2025, 4, 20),
        "place": "pokrovsk",
        "killed": 3,
        "injured": 8,
        "sources": ["media_victory_day"],
        "verification": VerificationStatus.VERIFIED,
    },
    "pokrovsk_children": {
        "category": EventCategory.DISPLACEMENT,
        "displacement_kind": DisplacementKind.ORGANISED_EVACUATION,
        "org": "dpn",
        "title": "Mandatory evacuation of children from Pokrovsk",
        "description": "Families with children ordered to leave. Police and volunteer crews "
        "collected children, with a parent or guardian, from the remaining neighbourhoods; "
        "many families were reluctant and left only after repeated visits.",
        "start": date(2025, 4, 21),
        "end": date(2025, 5, 6),
        "date_precision": DatePrecision.WEEK,
        "place": "pokrovsk",
        "affected": 190,
        "caused_by": ["pokrovsk_shelling_apr", "pokrovsk_shelling_feb"],
        "sources": ["official_pokrovsk", "media_victory_day"],
        "verification": VerificationStatus.CORROBORATED,
    },
    "school_drone": {
        **_AIR,
        **_AGAINST_CIVILIANS,
        "org": "dpn",
        "title": "Kamikaze drone hits a school near a frontline village, Velykomykhailivka hromada",
        "description": "A loitering munition struck the village school in the afternoon. Classes "
        "had moved online, so no children were inside; residents working in their gardens "
        "nearby ran for cover. Reported a few days after local officials said the front had "
        "been pushed back.",
        "weapon": Weapon.LOITERING_MUNITION,
        "target": Target.SCHOOL,
        "start": date(2025, 4, 26),
        "place": "velykomykhailivka",
        "geo_precision": GeoPrecision.NEAR,
        "killed": 0,
        "injured": 0,
        "sources": ["media_victory_day", "satellite_school", "interviews_dnipro"],
        "verification": VerificationStatus.VERIFIED,
    },
    "velykomykhailivka_exodus": {
        "category": EventCategory.DISPLACEMENT,
        "displacement_kind": DisplacementKind.SELF_EVACUATION,
        "org": "dpn",
        "title": "Families leave villages of Velykomykhailivka hromada on their own",
        "description": "Mostly families with children, by their own cars and with neighbours, "
        "towards Dnipro and Pavlohrad. No evacuation had been announced.",
        "start": date(2025, 4, 27),
        "end": date(2025, 5, 8),
        "date_precision": DatePrecision.WEEK,
        "place": "velykomykhailivka",
        "affected": 120,
        "caused_by": ["school_drone"],
        "sources": ["interviews_dnipro"],
        "verification": VerificationStatus.REPORTED,
    },
    "bilopillia_bombs": {
        **_AIR,
        **_AGAINST_CIVILIANS,
        "org": "dpn",
        "title": "Guided aerial bombs on Bilopillia",
        "description": "Near-daily bombing of the border town; the hospital and private houses damaged.",
        "weapon": Weapon.GLIDE_BOMB,
        "target": Target.HEALTH_FACILITY,
        "start": date(2025, 4, 29),
        "place": "bilopillia",
        "killed": 0,
        "injured": 5,
        "verification": VerificationStatus.REPORTED,
    },
    "bilopillia_children": {
        "category": EventCategory.DISPLACEMENT,
        "displacement_kind": DisplacementKind.ORGANISED_EVACUATION,
        "org": "dpn",
        "title": "Mandatory evacuation of children from border villages of Bilopillia hromada",
        "start": date(2025, 5, 2),
        "end": date(2025, 5, 16),
        "date_precision": DatePrecision.WEEK,
        "place": "bilopillia",
        "affected": 85,
        "caused_by": ["bilopillia_bombs"],
        "verification": VerificationStatus.REPORTED,
    },
    "pokrovske_glide": {
        **_AIR,
        **_AGAINST_CIVILIANS,
        "org": "dpn",
        "title": "Glide bomb strike on Pokrovske, Dnipropetrovsk oblast",
        "description": "A guided bomb hit a residential street of the settlement; five people "
        "injured. Not to be confused with Pokrovsk in Donetsk oblast.",
        "weapon": Weapon.GLIDE_BOMB,
        "target": Target.RESIDENTIAL_BUILDING,
        "start": date(2025, 5, 3),
        "place": "pokrovske",
        "killed": 0,
        "injured": 5,
        "sources": ["media_victory_day"],
        "verification": VerificationStatus.CORROBORATED,
    },
    "dobropillia_glide": {
        **_AIR,
        **_AGAINST_CIVILIANS,
        "org": "dpn",
        "title": "Glide bombs on Dobropillia",
        "weapon": Weapon.GLIDE_BOMB,
        "target": Target.RESIDENTIAL_BUILDING,
        "start": date(2025, 8, 12),
        "place": "dobropillia",
        "killed": 2,
        "injured": 7,
        "verification": VerificationStatus.REPORTED,
    },
    "esa_centre_drone": {
        **_AIR,
        **_AGAINST_CIVILIANS,
        "org": "esa",
        "title": "Drone debris damages a collective centre in Dnipro",
        "description": "Windows broken in a dormitory used as a collective centre during a "
        "night drone attack; residents moved to the basement.",
        "weapon": Weapon.LOITERING_MUNITION,
        "target": Target.SHELTER,
        "start": date(2025, 5, 10),
        "place": "dnipro",
        "killed": 0,
        "injured": 1,
        "sources": ["esa_monitoring"],
        "verification": VerificationStatus.REPORTED,
    },
}

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
        "notes": "Second displacement in three months. The younger child is frightened by "
        "engine and drone noise.",
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
        "summary": "Older man living alone left Pokrovske after a glide bomb hit his street; "
        "his documents were lost.",
        "narrative": "Усі чекали, що це скінчиться, а воно не скінчується. Тиснуть з усіх "
        "боків і просто все руйнують. Коли бомба впала на нашу вулицю, в мене згоріла хата "
        "разом із паспортом. Сусіди довезли до Дніпра, тепер живу в гуртожитку для "
        "переселенців. Пенсію оформлюю вже вдруге, без документів ніхто нічого не дає.",
        "events": [("pokrovske_glide", TestimonyRelation.CAUSED_MY_DISPLACEMENT)],
        "consents": [ConsentPurpose.CASE_WORK, ConsentPurpose.STATISTICS],
        "sources": ["interviews_dnipro"],
    },
]

# --- Cases -------------------------------------------------------------------------------
# "path" is walked through case_change_status from "new", so it must follow CASE_TRANSITIONS.

CASES = [
    {
        "household": "HH-DEMO0001",
        "opened_on": date(2025, 5, 3),
        "priority": Priority.HIGH,
        "needs": [Need.SHELTER, Need.CASH, Need.EDUCATION, Need.MENTAL_HEALTH],
        "path": [CaseStatus.ASSESSMENT, CaseStatus.CASE_PLAN],
        "notes": [
            "Intake at the Dnipro transit centre. Mother and two children, second displacement "
            "in three months. Needs a place beyond the two-week transit limit, a school place "
            "for the older child and support for the younger one.",
            "Психолог мобільної команди погодив першу зустріч на наступному тижні. Старшу "
            "дитину зараховано до школи в Дніпрі (навчання змішане).",
            "Case plan agreed: collective centre place through ESA, multipurpose cash for three "
            "months, follow-up call every two weeks.",
        ],
        "referrals": [
            {
                "service": Need.SHELTER,
                "referred_to": "Eastern Shelter Alliance",
                "referred_on": date(2025, 5, 5),
                "status": ReferralStatus.ACCEPTED,
            },
            {
                "service": Need.MENTAL_HEALTH,
                "referred_to": "Mobile psychosocial support team",
                "referred_on": date(2025, 5, 6),
                "status": ReferralStatus.PENDING,
            },
            {
                "service": Need.EDUCATION,
                "referred_to": "Municipal education department, Dnipro",
                "referred_on": date(2025, 5, 6),
                "status": ReferralStatus.COMPLETED,
                "outcome": "School place confirmed for the autumn term.",
            },
        ],
    },
    {
        "household": "HH-DEMO0002",
        "opened_on": date(2025, 4, 25),
        "priority": Priority.HIGH,
        "needs": [Need.HEALTH, Need.SHELTER, Need.EDUCATION],
        "path": [CaseStatus.ASSESSMENT, CaseStatus.CASE_PLAN, CaseStatus.REFERRED],
        "notes": [
            "Бабуся — опікунка онука. Потребує постійних ліків від тиску, запас на тиждень.",
            "Referred for a GP appointment and a guardianship certificate; the grandson needs "
            "the certificate to enrol in school.",
        ],
        "referrals": [
            {
                "service": Need.HEALTH,
                "referred_to": "Primary health care centre, Dnipro",
                "referred_on": date(2025, 4, 28),
                "status": ReferralStatus.ACCEPTED,
            },
            {
                "service": Need.LEGAL,
                "referred_to": "Free legal aid centre",
                "referred_on": date(2025, 4, 28),
                "status": ReferralStatus.PENDING,
            },
        ],
    },
    {
        "household": "HH-DEMO0003",
        "opened_on": date(2025, 4, 18),
        "priority": Priority.MEDIUM,
        "needs": [Need.CASH, Need.HEALTH],
        "path": [CaseStatus.ASSESSMENT, CaseStatus.REFERRED, CaseStatus.CLOSED],
        "closure_reason": "Needs met: cash assistance paid, husband registered with a cardiologist.",
        "notes": ["Couple renting a room in Poltava; rent covered by their son until June."],
        "referrals": [
            {
                "service": Need.CASH,
                "referred_to": "Multipurpose cash programme",
                "referred_on": date(2025, 4, 22),
                "status": ReferralStatus.COMPLETED,
                "outcome": "Three monthly payments made.",
            },
        ],
    },
    {
        "household": "HH-DEMO0004",
        "opened_on": date(2025, 4, 8),
        "priority": Priority.MEDIUM,
        "needs": [Need.SHELTER, Need.LIVELIHOOD, Need.NON_FOOD_ITEMS],
        "path": [CaseStatus.ASSESSMENT, CaseStatus.REFERRED],
        "notes": ["Родина у колективному центрі у Львові, шукають житло та роботу для батька."],
        "referrals": [
            {
                "service": Need.LIVELIHOOD,
                "referred_to": "Regional employment centre",
                "referred_on": date(2025, 4, 15),
                "status": ReferralStatus.ACCEPTED,
            },
        ],
    },
    {
        "household": "HH-DEMO0005",
        "opened_on": date(2025, 4, 2),
        "priority": Priority.HIGH,
        "needs": [Need.HEALTH, Need.CASH],
        "path": [CaseStatus.ASSESSMENT],
        "notes": ["Assessment visit planned; the wife is expecting in the summer."],
    },
    {
        "household": "HH-DEMO0006",
        "opened_on": date(2025, 6, 23),
        "priority": Priority.MEDIUM,
        "needs": [Need.EDUCATION, Need.CASH],
        "path": [],
        "notes": ["Registered by phone after arrival in Kyiv; assessment to be scheduled."],
    },
    {
        "household": "HH-DEMO0007",
        "opened_on": date(2025, 9, 22),
        "priority": Priority.MEDIUM,
        "needs": [Need.MENTAL_HEALTH, Need.SHELTER],
        "path": [CaseStatus.ASSESSMENT, CaseStatus.CLOSED, CaseStatus.REOPENED],
        "closure_reason": "Family could not be reached for a month.",
        "notes": [
            "Closed after repeated unanswered calls.",
            "Mother called back: phone was lost on the move. Case reopened.",
        ],
    },
    {
        "household": "HH-DEMO0008",
        "opened_on": date(2025, 5, 9),
        "priority": Priority.HIGH,
        "needs": [Need.NON_FOOD_ITEMS, Need.CASH, Need.PROTECTION],
        "path": [CaseStatus.ASSESSMENT, CaseStatus.CASE_PLAN],
        "notes": [
            "Mother with two small children in a collective centre in Sumy; father remained in the village."
        ],
    },
    {
        "household": "HH-DEMO0009",
        "opened_on": date(2025, 4, 30),
        "priority": Priority.LOW,
        "needs": [Need.HEALTH],
        "path": [CaseStatus.CLOSED],
        "closure_reason": "Duplicate registration: household already followed by another "
        "organisation in Odesa.",
        "notes": ["Checked with the Odesa protection cluster: already assisted."],
    },
    {
        "household": "HH-DEMO0010",
        "opened_on": date(2025, 5, 8),
        "priority": Priority.CRITICAL,
        "needs": [Need.DOCUMENTATION, Need.SHELTER, Need.CASH],
        "path": [],
        "notes": ["Потрібне відновлення паспорта; без нього не може отримати пенсію."],
    },
    {
        "household": "HH-DEMO0011",
        "opened_on": date(2025, 4, 14),
        "priority": Priority.MEDIUM,
        "needs": [Need.HEALTH, Need.CASH],
        "path": [CaseStatus.ASSESSMENT],
    },
    {
        "household": "HH-DEMO0101",
        "opened_on": date(2025, 5, 1),
        "priority": Priority.MEDIUM,
        "needs": [Need.SHELTER, Need.NON_FOOD_ITEMS],
        "path": [CaseStatus.ASSESSMENT],
        "notes": ["Place in a collective centre; winter clothes requested."],
        "assigned_to": None,
    },
]

# --- Pools for the generated volume --------------------------------------------------------
# Generated records are drawn from these with a seeded random generator (services/demo.py).

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
