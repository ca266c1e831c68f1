"""One intake-form submission as the values of the records it becomes, or why it is rejected.

Pure: what it needs from the database (places, the organisation's households by code, events by
reference, staff by user name) comes in a ``Lookups``. ``map_submission`` first applies the
form's own rules (``intake_checks``), then ours: P-codes that exist and nest (a raion inside
its oblast), a household code of this organisation, a known event reference, a sub-type of its
type, arrival not before departure. A rejected submission's messages name the question, never a
free-text answer.
"""

from __future__ import annotations

import datetime
import queue
import threading
from dataclasses import dataclass, field

from django.utils import timezone, translation

from displacement.models.vocab import (
    EVENT_TYPE_OF_SUB_TYPE,
    AgeBand,
    ConsentPurpose,
    DatePrecision,
    EventCategory,
    ShelterType,
    SubEventType,
    TestimonyRelation,
)

from .intake_checks import CODE, REFERENCE, Problems, check_answers, parse_date, shown
from .profile_rules import PCODE
from .submissions import Attachment, Submission

PLACE_LEVELS = ("oblast", "raion", "hromada")


@dataclass(frozen=True)
class PlaceRef:
    id: int
    pcode: str
    admin_level: int
    parent_pcode: str
    name_en: str


@dataclass
class Lookups:
    places: dict[str, PlaceRef]  # by P-code
    households: dict[str, int]  # this organisation's, by code (only the codes the file names)
    events: dict[str, int]  # this organisation's, by external id and by number
    users: dict[str, int]  # this organisation's staff, by user name


@dataclass
class MemberValues:
    relationship: str
    age_band: str
    sex: str
    vulnerabilities: list[str]


@dataclass
class ContactValues:
    full_name: str = field(default="", repr=False)
    phone: str = field(default="", repr=False)
    address: str = field(default="", repr=False)

    def __bool__(self):
        return bool(self.full_name or self.phone or self.address)


@dataclass
class DisplacementValues:
    origin_id: int
    destination_id: int | None
    left_on: datetime.date
    left_on_precision: str
    arrived_on: datetime.date | None
    shelter_type: str
    people_count: int | None
    kind: str = ""  # how they left (vocab.DisplacementKind), empty when not answered


@dataclass
class EventValues:
    title: str
    category: str
    event_type: str
    sub_event_type: str
    weapon: str
    target: str
    start: datetime.date
    date_precision: str
    place_id: int


@dataclass
class SubmissionValues:
    """What one submission becomes. Names, phones and the narrative are never in its repr."""

    household_id: int | None  # an existing household, by its code
    members: list[MemberValues]  # a new household's
    contact: ContactValues
    current_place_id: int | None
    recorded_on: datetime.date
    interviewer_id: int | None
    language: str
    witness_role: str
    summary: str = field(repr=False)
    narrative: str = field(repr=False)
    sensitivity: str
    consents: dict[str, bool]  # purpose -> answered yes
    consent_method: str
    event_id: int | None  # a known event
    new_event: EventValues | None
    relation: str
    displacements: list[DisplacementValues]
    attachments: list[Attachment]
    flags: list[tuple[str, str]] = field(default_factory=list)


def age_band(age: str | None) -> str:
    """An age in years as the humanitarian age band (unknown when not given)."""
    if age in (None, ""):
        return AgeBand.UNKNOWN
    years = int(age)
    for limit, band in ((4, AgeBand.AGE_0_4), (11, AgeBand.AGE_5_11), (17, AgeBand.AGE_12_17), (59, AgeBand.AGE_18_59)):
        if years <= limit:
            return band
    return AgeBand.AGE_60_PLUS


def _place(answers: dict, prefix: str, lookups: Lookups, problems: Problems, where: str) -> PlaceRef | None:
    """The most specific of ``<prefix>_oblast``, ``_raion``, ``_hromada``; each must exist and
    lie inside the one before it."""
    found = None
    for level, name in enumerate(PLACE_LEVELS, start=1):
        pcode = answers.get(f"{prefix}_{name}")
        if not pcode:
            break
        place = lookups.places.get(pcode)
        if place is None or place.admin_level != level:
            problems.add(f"{where}{prefix}_{name}", f"{shown(pcode, PCODE)} is not a known {name} P-code.")
            return None
        if found is not None and place.parent_pcode != found.pcode:
            problems.add(f"{where}{prefix}_{name}", f"{pcode} does not lie in {found.pcode}.")
            return None
        found = place
    return found


def _household(answers: dict, lookups: Lookups, problems: Problems) -> tuple[int | None, list, ContactValues]:
    if answers.get("household/household_status") == "existing":
        code = str(answers.get("household/household_code", "")).strip().upper()
        household_id = lookups.households.get(code)
        if code and household_id is None:
            # The same words whether the code is another organisation's or nobody's.
            problems.add(
                "household/household_code",
                f"{shown(code, CODE, quoted=False)} is not a household of this organisation.",
            )
        return household_id, [], ContactValues()
    members = [
        MemberValues(
            relationship=item.get("relationship", ""),
            age_band=age_band(item.get("age")),
            sex=item.get("sex", ""),
            vulnerabilities=str(item.get("vulnerabilities", "")).split(),
        )
        for item in answers.get("household/members") or []
    ]
    contact = ContactValues(
        full_name=str(answers.get("household/contact/full_name", ""))[:300],
        phone=str(answers.get("household/contact/phone", ""))[:50],
        address=str(answers.get("household/contact/address", "")),
    )
    return None, members, contact


def _displacements(answers: dict, lookups: Lookups, problems: Problems) -> list[DisplacementValues]:
    moves = []
    for index, item in enumerate(answers.get("displacements") or [], start=1):
        where = f"displacements[{index}]/"
        origin = _place(item, "origin", lookups, problems, where)
        destination = _place(item, "destination", lookups, problems, where)
        left_on, arrived_on = parse_date(item.get("left_on", "")), parse_date(item.get("arrived_on", ""))
        if left_on and arrived_on and arrived_on < left_on:
            problems.add(f"{where}arrived_on", "Arrival cannot be before departure.")
        if origin and destination and origin.id == destination.id:
            problems.add(f"{where}destination_oblast", "The destination must differ from the origin.")
        if origin is None or left_on is None:
            continue
        moves.append(
            DisplacementValues(
                origin_id=origin.id,
                destination_id=destination.id if destination else None,
                left_on=left_on,
                left_on_precision=item.get("left_on_precision") or DatePrecision.DAY,
                arrived_on=arrived_on,
                shelter_type=item.get("shelter_type") or ShelterType.UNKNOWN,
                people_count=int(item["people_count"]) if item.get("people_count") else None,
                kind=item.get("kind") or "",
            )
        )
    return moves


def event_title(kind_label: str, place_name: str, day: datetime.date) -> str:
    return f"{kind_label} in {place_name}, {day.day} {day:%b %Y}"[:300]


def _event(answers: dict, lookups: Lookups, problems: Problems) -> tuple[int | None, EventValues | None]:
    status = answers.get("event/event_status")
    if status == "known":
        reference = str(answers.get("event/event_reference", "")).strip()
        event_id = lookups.events.get(reference) or lookups.events.get(reference.upper())
        if reference and event_id is None:
            problems.add(
                "event/event_reference", f"{shown(reference, REFERENCE)} is not an event of this organisation."
            )
        return event_id, None
    if status != "new":
        return None, None
    category = answers.get("event/category", "")
    event_type, sub_type = answers.get("event/event_type", ""), answers.get("event/sub_event_type", "")
    if category == EventCategory.VIOLENCE and not event_type:
        problems.add("event/event_type", "A violent event needs an event type.")
    if category == EventCategory.DISPLACEMENT and (event_type or sub_type):
        problems.add("event/event_type", "A displacement event has no ACLED event type.")
    if sub_type and event_type and EVENT_TYPE_OF_SUB_TYPE.get(sub_type) != event_type:
        problems.add("event/sub_event_type", f"{shown(sub_type)} is not a sub-type of {shown(event_type)}.")
    place = _place(answers, "event/event", lookups, problems, "")
    start = parse_date(answers.get("event/event_date", ""))
    if place is None or start is None or problems:
        return None, None
    label = str(SubEventType(sub_type).label) if sub_type else str(EventCategory(category).label)
    return None, EventValues(
        title=event_title(label, place.name_en, start),
        category=category,
        event_type=event_type if category == EventCategory.VIOLENCE else "",
        sub_event_type=sub_type if category == EventCategory.VIOLENCE else "",
        weapon=answers.get("event/weapon", ""),
        target=answers.get("event/target", ""),
        start=start,
        date_precision=answers.get("event/event_date_precision") or DatePrecision.DAY,
        place_id=place.id,
    )


def map_submission(submission: Submission, lookups: Lookups) -> tuple[SubmissionValues | None, Problems]:
    """The values ``submission`` becomes, or None and the problems that reject it."""
    answers = submission.answers
    problems = check_answers(answers)
    if problems:  # the form's own rules first: what follows may read a missing answer
        return None, problems
    household_id, members, contact = _household(answers, lookups, problems)
    displacements = _displacements(answers, lookups, problems)
    event_id, new_event = _event(answers, lookups, problems)
    if problems:
        return None, problems
    flags = [("submission", flag) for flag in submission.flags]
    username = str(answers.get("interview/interviewer", "")).strip()
    interviewer_id = lookups.users.get(username.lower())
    if interviewer_id is None:
        flags.append(("interview/interviewer", "The interviewer is not a user of this organisation: left empty."))
    destinations = [d for d in displacements if d.destination_id]
    latest = max(destinations, key=lambda d: d.left_on) if destinations else None
    return (
        SubmissionValues(
            household_id=household_id,
            members=members,
            contact=contact,
            current_place_id=latest.destination_id if latest and household_id is None else None,
            recorded_on=parse_date(answers["interview/recorded_on"]),
            interviewer_id=interviewer_id,
            language=answers["interview/language"],
            witness_role=answers["interview/witness_role"],
            summary=answers["account/summary"],
            narrative=answers.get("account/narrative", ""),
            sensitivity=answers["account/sensitivity"],
            consents={purpose.value: answers.get(f"consent/{purpose.value}") == "yes" for purpose in ConsentPurpose},
            consent_method=answers["consent/method"],
            event_id=event_id,
            new_event=new_event,
            relation=answers.get("event/relation", "") if (event_id or new_event) else "",
            displacements=displacements,
            attachments=list(submission.attachments),
            flags=flags,
        ),
        problems,
    )


CAUSED = TestimonyRelation.CAUSED_MY_DISPLACEMENT


#: Submissions mapped per hand-over from the mapping thread to the writer.
MAPPED_CHUNK = 250


def mapped_in_background(submissions: list[Submission], lookups: Lookups, chunk: int = MAPPED_CHUNK):
    """``(submission, values, problems)`` of each of ``submissions``, in order, mapped by a thread
    of its own while the caller writes what came before: ``map_submission`` is pure Python and
    the writer mostly waits for PostgreSQL (psycopg lets go of the interpreter while it waits),
    so on two cores the mapping of the next submissions overlaps the database's writing of the
    last ones. The thread maps in the caller's language (event titles use the vocabularies'
    labels) and time zone (what "today" is for the date checks); an error in it is raised here;
    the caller stopping early stops it."""
    handover: queue.Queue = queue.Queue(maxsize=8)
    stop = threading.Event()
    language, zone = translation.get_language(), timezone.get_current_timezone()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                handover.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        try:
            with translation.override(language), timezone.override(zone):
                for start in range(0, len(submissions), chunk):
                    done = [(s, *map_submission(s, lookups)) for s in submissions[start : start + chunk]]
                    if not put(done):
                        return
        except BaseException as exc:  # handed to the caller, raised there
            put(exc)
            return
        put(None)

    thread = threading.Thread(target=work, name="intake-mapping", daemon=True)
    thread.start()
    try:
        while (done := handover.get()) is not None:
            if isinstance(done, BaseException):
                raise done
            yield from done
    finally:
        stop.set()
        thread.join()
