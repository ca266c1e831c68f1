"""Controlled vocabularies shared by models, forms, the API and importers.

Stored values are stable slugs; labels are translatable. ACLED's event types keep
ACLED's own wording in their labels so that imports and exports map one to one.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CASEWORKER = "caseworker", _("Caseworker")
    COORDINATOR = "coordinator", _("Coordinator")
    ANALYST = "analyst", _("Analyst")
    PARTNER = "partner", _("Partner")


class OrganizationKind(models.TextChoices):
    NGO = "ngo", _("Non-governmental organisation")
    UN_AGENCY = "un_agency", _("UN agency")
    CLUSTER = "cluster", _("Coordination cluster")
    GOVERNMENT = "government", _("Government body")
    OTHER = "other", _("Other")


class EventCategory(models.TextChoices):
    VIOLENCE = "violence", _("Violence")
    DISPLACEMENT = "displacement", _("Displacement")


class EventType(models.TextChoices):
    BATTLES = "battles", _("Battles")
    EXPLOSIONS = "explosions_remote_violence", _("Explosions/Remote violence")
    VIOLENCE_AGAINST_CIVILIANS = "violence_against_civilians", _("Violence against civilians")
    PROTESTS = "protests", _("Protests")
    RIOTS = "riots", _("Riots")
    STRATEGIC_DEVELOPMENTS = "strategic_developments", _("Strategic developments")


class SubEventType(models.TextChoices):
    GOVERNMENT_REGAINS_TERRITORY = "government_regains_territory", _("Government regains territory")
    NON_STATE_ACTOR_OVERTAKES_TERRITORY = (
        "non_state_actor_overtakes_territory",
        _("Non-state actor overtakes territory"),
    )
    ARMED_CLASH = "armed_clash", _("Armed clash")
    CHEMICAL_WEAPON = "chemical_weapon", _("Chemical weapon")
    AIR_DRONE_STRIKE = "air_drone_strike", _("Air/drone strike")
    SUICIDE_BOMB = "suicide_bomb", _("Suicide bomb")
    SHELLING_ARTILLERY_MISSILE = (
        "shelling_artillery_missile_attack",
        _("Shelling/artillery/missile attack"),
    )
    REMOTE_EXPLOSIVE = "remote_explosive_landmine_ied", _("Remote explosive/landmine/IED")
    GRENADE = "grenade", _("Grenade")
    SEXUAL_VIOLENCE = "sexual_violence", _("Sexual violence")
    ATTACK = "attack", _("Attack")
    ABDUCTION = "abduction_forced_disappearance", _("Abduction/forced disappearance")
    EXCESSIVE_FORCE = "excessive_force_against_protesters", _("Excessive force against protesters")
    PROTEST_WITH_INTERVENTION = "protest_with_intervention", _("Protest with intervention")
    PEACEFUL_PROTEST = "peaceful_protest", _("Peaceful protest")
    VIOLENT_DEMONSTRATION = "violent_demonstration", _("Violent demonstration")
    MOB_VIOLENCE = "mob_violence", _("Mob violence")
    AGREEMENT = "agreement", _("Agreement")
    ARRESTS = "arrests", _("Arrests")
    CHANGE_TO_GROUP = "change_to_group_activity", _("Change to group/activity")
    DISRUPTED_WEAPONS_USE = "disrupted_weapons_use", _("Disrupted weapons use")
    HEADQUARTERS_ESTABLISHED = "headquarters_or_base_established", _("Headquarters or base established")
    LOOTING = "looting_property_destruction", _("Looting/property destruction")
    NON_VIOLENT_TRANSFER = "non_violent_transfer_of_territory", _("Non-violent transfer of territory")
    OTHER = "other", _("Other")


S = SubEventType
#: ACLED's hierarchy: every sub-event type belongs to exactly one event type.
SUB_EVENT_TYPES: dict[str, tuple[str, ...]] = {
    EventType.BATTLES: (
        S.GOVERNMENT_REGAINS_TERRITORY,
        S.NON_STATE_ACTOR_OVERTAKES_TERRITORY,
        S.ARMED_CLASH,
    ),
    EventType.EXPLOSIONS: (
        S.CHEMICAL_WEAPON,
        S.AIR_DRONE_STRIKE,
        S.SUICIDE_BOMB,
        S.SHELLING_ARTILLERY_MISSILE,
        S.REMOTE_EXPLOSIVE,
        S.GRENADE,
    ),
    EventType.VIOLENCE_AGAINST_CIVILIANS: (S.SEXUAL_VIOLENCE, S.ATTACK, S.ABDUCTION),
    EventType.PROTESTS: (S.EXCESSIVE_FORCE, S.PROTEST_WITH_INTERVENTION, S.PEACEFUL_PROTEST),
    EventType.RIOTS: (S.VIOLENT_DEMONSTRATION, S.MOB_VIOLENCE),
    EventType.STRATEGIC_DEVELOPMENTS: (
        S.AGREEMENT,
        S.ARRESTS,
        S.CHANGE_TO_GROUP,
        S.DISRUPTED_WEAPONS_USE,
        S.HEADQUARTERS_ESTABLISHED,
        S.LOOTING,
        S.NON_VIOLENT_TRANSFER,
        S.OTHER,
    ),
}
del S
EVENT_TYPE_OF_SUB_TYPE: dict[str, str] = {
    sub: event_type for event_type, subs in SUB_EVENT_TYPES.items() for sub in subs
}


class Weapon(models.TextChoices):
    LOITERING_MUNITION = "loitering_munition", _("Loitering munition (kamikaze drone)")
    FPV_DRONE = "fpv_drone", _("FPV drone")
    DRONE_DROPPED = "drone_dropped_munition", _("Munition dropped from a drone")
    GLIDE_BOMB = "glide_bomb", _("Guided glide bomb")
    AERIAL_BOMB = "aerial_bomb", _("Aerial bomb")
    ARTILLERY = "artillery", _("Artillery")
    MLRS = "mlrs", _("Multiple launch rocket system")
    MISSILE = "missile", _("Missile")
    MORTAR = "mortar", _("Mortar")
    LANDMINE = "landmine", _("Landmine or explosive remnant")
    SMALL_ARMS = "small_arms", _("Small arms")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Unknown")


class Target(models.TextChoices):
    SCHOOL = "school", _("School")
    HEALTH_FACILITY = "health_facility", _("Health facility")
    RESIDENTIAL_BUILDING = "residential_building", _("Residential building")
    SHELTER = "shelter", _("Shelter or refuge")
    EVACUATION_ROUTE = "evacuation_route", _("Evacuation route or vehicle")
    INFRASTRUCTURE = "infrastructure", _("Energy or civilian infrastructure")
    MARKET = "market", _("Market or shop")
    AGRICULTURE = "agriculture", _("Farmland")
    HUMANITARIAN = "humanitarian", _("Humanitarian site or convoy")
    MILITARY = "military", _("Military position")
    OTHER = "other", _("Other")


class DisplacementKind(models.TextChoices):
    ORGANISED_EVACUATION = "organised_evacuation", _("Organised evacuation")
    SELF_EVACUATION = "self_evacuation", _("Self-evacuation")
    FORCED_TRANSFER = "forced_transfer", _("Forced transfer")
    EVICTION = "eviction", _("Eviction")
    RETURN = "return", _("Return")


class DatePrecision(models.TextChoices):
    DAY = "day", _("Exact day")
    WEEK = "week", _("Within a week")
    MONTH = "month", _("Within a month")
    ESTIMATE = "estimate", _("Estimate")


class GeoPrecision(models.IntegerChoices):
    EXACT = 1, _("Exact location")
    NEAR = 2, _("Near the place named")
    REGION = 3, _("Region centroid")


class Origin(models.TextChoices):
    """Where a record came from: typed in by staff (the admin, the API) or imported."""

    STAFF = "staff", _("Entered by staff")
    ACLED = "acled", _("ACLED")
    INTAKE = "intake", _("Field intake (a form submission)")


class VerificationStatus(models.TextChoices):
    REPORTED = "reported", _("Reported")
    CORROBORATED = "corroborated", _("Corroborated")
    VERIFIED = "verified", _("Verified")
    DISPUTED = "disputed", _("Disputed")
    REJECTED = "rejected", _("Rejected")


class SourceKind(models.TextChoices):
    INTERVIEW = "interview", _("Interview")
    MEDIA = "media", _("Media report")
    OFFICIAL_STATEMENT = "official_statement", _("Official statement")
    PARTNER_REPORT = "partner_report", _("Partner report")
    SOCIAL_MEDIA = "social_media", _("Social media")
    SATELLITE = "satellite", _("Satellite imagery")


class Reliability(models.TextChoices):
    """HURIDOCS-style reliability of a source."""

    HIGHLY_RELIABLE = "highly_reliable", _("Highly reliable")
    RELIABLE = "reliable", _("Reliable")
    SOMEWHAT_RELIABLE = "somewhat_reliable", _("Somewhat reliable")
    UNRELIABLE = "unreliable", _("Unreliable")
    HIGHLY_UNRELIABLE = "highly_unreliable", _("Highly unreliable")
    UNKNOWN = "unknown", _("Reliability unknown")


class AgeBand(models.TextChoices):
    """The humanitarian standard age bands (IASC / OCHA)."""

    AGE_0_4 = "0-4", _("0–4")
    AGE_5_11 = "5-11", _("5–11")
    AGE_12_17 = "12-17", _("12–17")
    AGE_18_59 = "18-59", _("18–59")
    AGE_60_PLUS = "60+", _("60 and over")
    UNKNOWN = "unknown", _("Unknown")


CHILD_AGE_BANDS = (AgeBand.AGE_0_4, AgeBand.AGE_5_11, AgeBand.AGE_12_17)


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    UNDISCLOSED = "undisclosed", _("Not disclosed")


class Vulnerability(models.TextChoices):
    DISABILITY = "disability", _("Disability")
    CHRONIC_ILLNESS = "chronic_illness", _("Chronic illness")
    PREGNANT_OR_LACTATING = "pregnant_or_lactating", _("Pregnant or lactating")
    UNACCOMPANIED_CHILD = "unaccompanied_child", _("Unaccompanied child")
    SEPARATED_CHILD = "separated_child", _("Separated child")
    OLDER_PERSON_ALONE = "older_person_alone", _("Older person alone")
    SINGLE_CAREGIVER = "single_caregiver", _("Single caregiver")
    SURVIVOR_OF_VIOLENCE = "survivor_of_violence", _("Survivor of violence")
    TRAUMA = "trauma", _("Signs of trauma")
    NO_DOCUMENTS = "no_documents", _("Without documents")


class Relationship(models.TextChoices):
    HEAD = "head", _("Head of household")
    SPOUSE = "spouse", _("Spouse or partner")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    SIBLING = "sibling", _("Sibling")
    GRANDCHILD = "grandchild", _("Grandchild")
    OTHER_RELATIVE = "other_relative", _("Other relative")
    NOT_RELATED = "not_related", _("Not related")


class CaseStatus(models.TextChoices):
    NEW = "new", _("New")
    ASSESSMENT = "assessment", _("Assessment")
    CASE_PLAN = "case_plan", _("Case plan")
    REFERRED = "referred", _("Referred")
    CLOSED = "closed", _("Closed")
    REOPENED = "reopened", _("Reopened")


#: The case workflow: from each status, the statuses a case may move to.
CASE_TRANSITIONS: dict[str, tuple[str, ...]] = {
    CaseStatus.NEW: (CaseStatus.ASSESSMENT, CaseStatus.CLOSED),
    CaseStatus.ASSESSMENT: (CaseStatus.CASE_PLAN, CaseStatus.REFERRED, CaseStatus.CLOSED),
    CaseStatus.CASE_PLAN: (CaseStatus.REFERRED, CaseStatus.ASSESSMENT, CaseStatus.CLOSED),
    CaseStatus.REFERRED: (CaseStatus.CASE_PLAN, CaseStatus.CLOSED),
    CaseStatus.CLOSED: (CaseStatus.REOPENED,),
    CaseStatus.REOPENED: (CaseStatus.ASSESSMENT, CaseStatus.CASE_PLAN, CaseStatus.CLOSED),
}


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class Need(models.TextChoices):
    SHELTER = "shelter", _("Shelter")
    FOOD = "food", _("Food")
    CASH = "cash", _("Cash assistance")
    HEALTH = "health", _("Health care")
    MENTAL_HEALTH = "mental_health", _("Mental health and psychosocial support")
    LEGAL = "legal", _("Legal aid")
    DOCUMENTATION = "documentation", _("Civil documentation")
    EDUCATION = "education", _("Education")
    PROTECTION = "protection", _("Protection")
    NON_FOOD_ITEMS = "non_food_items", _("Non-food items")
    WASH = "wash", _("Water, sanitation and hygiene")
    LIVELIHOOD = "livelihood", _("Livelihood")
    TRANSPORT = "transport", _("Transport")


class ReferralStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    COMPLETED = "completed", _("Completed")


class ShelterType(models.TextChoices):
    COLLECTIVE_CENTRE = "collective_centre", _("Collective centre")
    HOST_FAMILY = "host_family", _("Host family")
    RENTED = "rented", _("Rented accommodation")
    OWN_PROPERTY = "own_property", _("Own property")
    TRANSIT_CENTRE = "transit_centre", _("Transit centre")
    INFORMAL = "informal", _("Informal or makeshift")
    NONE = "none", _("No shelter")
    UNKNOWN = "unknown", _("Unknown")


class Language(models.TextChoices):
    UKRAINIAN = "uk", _("Ukrainian")
    RUSSIAN = "ru", _("Russian")
    ENGLISH = "en", _("English")
    CRIMEAN_TATAR = "crh", _("Crimean Tatar")
    OTHER = "other", _("Other")


class WitnessRole(models.TextChoices):
    DISPLACED_CIVILIAN = "displaced_civilian", _("Displaced civilian")
    OFFICIAL = "official", _("Public official")
    SOLDIER = "soldier", _("Soldier")
    VOLUNTEER = "volunteer", _("Volunteer")
    JOURNALIST = "journalist", _("Journalist")
    OTHER = "other", _("Other")


class TestimonyRelation(models.TextChoices):
    WITNESSED = "witnessed", _("Witnessed")
    CAUSED_MY_DISPLACEMENT = "caused_my_displacement", _("Caused my displacement")
    HEARD_ABOUT = "heard_about", _("Heard about it")


class Sensitivity(models.TextChoices):
    PUBLIC = "public", _("Public")
    INTERNAL = "internal", _("Internal")
    RESTRICTED = "restricted", _("Restricted")


class ConsentPurpose(models.TextChoices):
    CASE_WORK = "case_work", _("Casework")
    STATISTICS = "statistics", _("Statistics")
    SHARING = "sharing_with_partners", _("Sharing with partners")
    PUBLIC_ADVOCACY = "public_advocacy", _("Public advocacy")


class ConsentMethod(models.TextChoices):
    VERBAL = "verbal", _("Verbal, recorded by the interviewer")
    WRITTEN = "written", _("Written")
    GUARDIAN = "guardian", _("Given by a parent or guardian")
