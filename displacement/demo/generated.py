"""The generated demo volume: a deterministic mass of records on top of the hand-written ones.

The volume is drawn from ``random.Random(SEED)`` and the pools in ``displacement.demo.data``,
so it is the same on every machine, with ``…-GEN…`` codes, and bulk-inserted. It is written
all at once or not at all: when its marker source (GEN_MARKER_TITLE) exists it is left alone.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from displacement.demo import data
from displacement.demo.handwritten import _HandWritten
from displacement.demo.seed import DemoSeedError, DemoSeedResult, DemoVolume
from displacement.models import (
    Case,
    CaseNote,
    Consent,
    ContactDetails,
    Displacement,
    Event,
    Household,
    Person,
    Place,
    Referral,
    Source,
    Testimony,
    TestimonyEvent,
)
from displacement.models.vocab import (
    CHILD_AGE_BANDS,
    AgeBand,
    CaseStatus,
    ConsentMethod,
    ConsentPurpose,
    DatePrecision,
    DisplacementKind,
    EventCategory,
    EventType,
    GeoPrecision,
    Language,
    Need,
    Priority,
    ReferralStatus,
    Relationship,
    Reliability,
    Sensitivity,
    Sex,
    ShelterType,
    SourceKind,
    TestimonyRelation,
    VerificationStatus,
    Vulnerability,
    WitnessRole,
)
from displacement.services.cases import case_open, case_transition

#: The generated volume depends on this seed only.
SEED = 20250509
#: Generated dates fall in this window (the situation is spring 2025; some moves continue).
GEN_FIRST_DAY = date(2025, 1, 6)
GEN_LAST_DAY = date(2026, 6, 30)
#: Households that move more than once leave home for the first time by this day.
GEN_LAST_FIRST_MOVE = date(2025, 9, 30)
GEN_SPRING = (date(2025, 3, 1), date(2025, 5, 8))
GEN_MARKER_TITLE = "Daily situation updates, Donetska oblast military administration"
GEN_NOTE = "Generated demo record."


def _at_noon(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12, 0)))


@dataclass
class _Move:
    origin: Place
    destination: Place
    left_on: date
    arrived_on: date | None
    cause: Event | None


class _Generated:
    """A deterministic volume of records, bulk-inserted."""

    def __init__(self, result: DemoSeedResult, seeder: _HandWritten, volume: DemoVolume):
        self.result = result
        self.volume = volume
        self.rng = random.Random(SEED)
        self.organization = seeder.organizations["dpn"]
        self.caseworker = seeder.users["caseworker"]
        self.coordinator = seeder.users["coordinator"]
        self.analyst = seeder.users["analyst"]
        pcodes = {p for _, places in data.GEN_ORIGINS.values() for p, _ in places}
        pcodes |= {p for places in data.GEN_INTERIM.values() for p, _ in places}
        pcodes |= {p for p, _, _ in data.GEN_DESTINATIONS}
        self.places = {p.pcode: p for p in Place.objects.filter(pcode__in=pcodes)}
        expected = {p: n for _, places in data.GEN_ORIGINS.values() for p, n in places}
        expected |= {p: n for places in data.GEN_INTERIM.values() for p, n in places}
        expected |= {p: n for p, n, _ in data.GEN_DESTINATIONS}
        for pcode, name in expected.items():
            place = self.places.get(pcode)
            if place is None or place.name_en != name:
                raise DemoSeedError(f"P-code {pcode} ({name}) does not match the gazetteer.")

    def _created(self, model, n: int) -> None:
        self.result.created[model.__name__] += n

    # Small random helpers ------------------------------------------------------------------

    def _weighted(self, pairs):
        items, weights = zip(*pairs, strict=True)
        return self.rng.choices(items, weights=weights)[0]

    def _day(self, first: date, last: date) -> date:
        return first + timedelta(days=self.rng.randint(0, (last - first).days))

    def _event_day(self) -> date:
        if self.rng.random() < 0.45:
            return self._day(*GEN_SPRING)
        return self._day(GEN_FIRST_DAY, GEN_LAST_DAY)

    def _oblast(self) -> str:
        return self._weighted([(oblast, w) for oblast, (w, _) in data.GEN_ORIGINS.items()])

    def _hromada(self, oblast: str) -> Place:
        pcode, _ = self.rng.choice(data.GEN_ORIGINS[oblast][1])
        return self.places[pcode]

    def _destination(self, *, avoid: set[str]) -> Place:
        choices = [(p, w) for p, _, w in data.GEN_DESTINATIONS if p not in avoid]
        return self.places[self._weighted(choices)]

    def run(self) -> None:
        self.sources = self._sources()
        self.events = self._events()
        self.households, self.moves = self._households()
        self._testimonies()
        self._cases()

    # Sources ---------------------------------------------------------------------------------

    def _sources(self) -> dict[str, list[Source]]:
        sources, by_oblast = [], {}
        names = dict(Place.objects.filter(pcode__in=data.GEN_ORIGINS).values_list("pcode", "name_en"))
        for oblast in data.GEN_ORIGINS:
            official = Source(
                organization=self.organization,
                kind=SourceKind.OFFICIAL_STATEMENT,
                title=f"Daily situation updates, {names[oblast]} oblast military administration",
                publisher=f"{names[oblast]} oblast military administration",
                reliability=Reliability.SOMEWHAT_RELIABLE,
                notes=GEN_NOTE,
            )
            media = Source(
                organization=self.organization,
                kind=SourceKind.MEDIA,
                title=f"Regional news roundup, {names[oblast]} oblast",
                publisher="Regional online media",
                reliability=Reliability.RELIABLE,
                notes=GEN_NOTE,
            )
            social = Source(
                organization=self.organization,
                kind=SourceKind.SOCIAL_MEDIA,
                title=f"Local Telegram channels, {names[oblast]} oblast",
                publisher="Telegram",
                reliability=Reliability.UNKNOWN,
                notes=GEN_NOTE,
            )
            by_oblast[oblast] = [official, media, social]
            sources += by_oblast[oblast]
        assert any(s.title == GEN_MARKER_TITLE for s in sources)
        Source.objects.bulk_create(sources)
        self._created(Source, len(sources))
        return by_oblast

    # Events ----------------------------------------------------------------------------------

    def _events(self) -> list[Event]:
        rng = self.rng
        total = self.volume.events
        violent_count = round(total * 0.72) if total > 1 else total
        events: list[Event] = []
        sources: list[tuple[Event, Source]] = []
        causes: list[tuple[Event, Event]] = []
        authors = [self.analyst, self.analyst, self.coordinator, self.caseworker]

        def verification(event: Event) -> None:
            status = self._weighted(
                [
                    (VerificationStatus.REPORTED, 45),
                    (VerificationStatus.CORROBORATED, 30),
                    (VerificationStatus.VERIFIED, 18),
                    (VerificationStatus.DISPUTED, 5),
                    (VerificationStatus.REJECTED, 2),
                ]
            )
            event.verification_status = status
            if status != VerificationStatus.REPORTED:
                event.verified_by = self.coordinator
                event.verified_at = _at_noon(event.start + timedelta(days=rng.randint(2, 20)))

        def dates(event: Event, start: date) -> None:
            event.start = start
            event.date_precision = self._weighted(
                [(DatePrecision.DAY, 80), (DatePrecision.WEEK, 15), (DatePrecision.MONTH, 5)]
            )
            if event.date_precision == DatePrecision.WEEK:
                event.end = start + timedelta(days=6)
            elif event.date_precision == DatePrecision.MONTH:
                event.end = start + timedelta(days=27)
            elif rng.random() < 0.3:
                event.end = start + timedelta(days=rng.randint(1, 3))

        for _ in range(violent_count):
            oblast = self._oblast()
            place = self._hromada(oblast)
            scenario = self._weighted([(s, s[0]) for s in data.GEN_VIOLENCE])
            _, sub_type, weapons, targets, title, description = scenario
            target = rng.choice(targets)
            phrase = data.GEN_TARGET_PHRASES[target]
            unknown = rng.random() < 0.2
            event = Event(
                organization=self.organization,
                title=title.format(target=phrase, place=f"{place.name_en} hromada"),
                description=description.format(target=phrase),
                category=EventCategory.VIOLENCE,
                event_type=EventType.EXPLOSIONS,
                sub_event_type=sub_type,
                weapon=rng.choice(weapons),
                target=target,
                place=place,
                geo_precision=self._weighted(
                    [(GeoPrecision.NEAR, 70), (GeoPrecision.EXACT, 15), (GeoPrecision.REGION, 15)]
                ),
                killed=None if unknown else self._weighted([(0, 70), (1, 15), (2, 8), (4, 5), (7, 2)]),
                injured=None if unknown else rng.choice([0, 0, 1, 2, 3, 4, 6, 9, 14]),
                civilian_targeting=True,
                actor1=data.RUSSIA,
                actor2=data.CIVILIANS,
                created_by=rng.choice(authors),
            )
            dates(event, self._event_day())
            verification(event)
            events.append(event)
            event.oblast = oblast
            for source, weight in zip(self.sources[oblast], (0.7, 0.4, 0.15), strict=True):
                if rng.random() < weight:
                    sources.append((event, source))

        violent = list(events)
        for _ in range(total - violent_count):
            cause = rng.choice(violent)
            kind = self._weighted(
                [
                    (DisplacementKind.ORGANISED_EVACUATION, 55),
                    (DisplacementKind.SELF_EVACUATION, 45),
                ]
            )
            place = cause.place
            if kind == DisplacementKind.ORGANISED_EVACUATION:
                title = f"Organised evacuation from {place.name_en} hromada"
                description = (
                    "Evacuation of residents, first families with children and people with "
                    "limited mobility, by bus and volunteer vans."
                )
            else:
                title = f"Residents leave {place.name_en} hromada on their own"
                description = "Families leave by their own cars and with neighbours."
            event = Event(
                organization=self.organization,
                title=title,
                description=description,
                category=EventCategory.DISPLACEMENT,
                displacement_kind=kind,
                place=place,
                geo_precision=GeoPrecision.REGION,
                affected=rng.choice([20, 35, 60, 80, 120, 150, 240, 400, 650, 900]),
                actor1="",
                created_by=rng.choice(authors),
            )
            dates(event, (cause.end or cause.start) + timedelta(days=rng.randint(1, 5)))
            verification(event)
            event.oblast = cause.oblast
            events.append(event)
            causes.append((event, cause))
            others = [e for e in violent if e.place_id == place.pk and e.start < cause.start]
            if others and rng.random() < 0.5:
                causes.append((event, rng.choice(others)))
            if rng.random() < 0.8:
                sources.append((event, self.sources[cause.oblast][0]))

        for event in events:
            event.clean()
        Event.objects.bulk_create(events)
        Event.sources.through.objects.bulk_create(
            [Event.sources.through(event_id=e.pk, source_id=s.pk) for e, s in sources]
        )
        Event.caused_by.through.objects.bulk_create(
            [Event.caused_by.through(from_event_id=e.pk, to_event_id=c.pk) for e, c in dict.fromkeys(causes)]
        )
        self._created(Event, len(events))
        return events

    # Households, members, contact details and moves -------------------------------------------

    def _members(self, size: int) -> list[Person]:
        rng = self.rng
        head_age = self._weighted([(AgeBand.AGE_18_59, 65), (AgeBand.AGE_60_PLUS, 35)])
        head_sex = self._weighted([(Sex.FEMALE, 68), (Sex.MALE, 30), (Sex.UNDISCLOSED, 2)])
        members = [Person(relationship=Relationship.HEAD, age_band=head_age, sex=head_sex)]
        has_spouse = size >= 2 and rng.random() < 0.45
        if has_spouse:
            spouse_sex = Sex.MALE if head_sex == Sex.FEMALE else Sex.FEMALE
            members.append(Person(relationship=Relationship.SPOUSE, age_band=head_age, sex=spouse_sex))
        while len(members) < size:
            if head_age == AgeBand.AGE_60_PLUS:
                relationship = self._weighted([(Relationship.GRANDCHILD, 70), (Relationship.OTHER_RELATIVE, 30)])
            else:
                relationship = self._weighted(
                    [(Relationship.CHILD, 80), (Relationship.PARENT, 15), (Relationship.SIBLING, 5)]
                )
            if relationship == Relationship.PARENT:
                age = AgeBand.AGE_60_PLUS
            elif relationship in (Relationship.CHILD, Relationship.GRANDCHILD):
                age = rng.choice(CHILD_AGE_BANDS)
            else:
                age = self._weighted([(AgeBand.AGE_18_59, 60), (AgeBand.AGE_60_PLUS, 40)])
            sex = rng.choice([Sex.FEMALE, Sex.MALE])
            members.append(Person(relationship=relationship, age_band=age, sex=sex))
        has_children = any(p.age_band in CHILD_AGE_BANDS for p in members)
        for person in members:
            vulnerabilities = []
            if person.relationship == Relationship.HEAD:
                if has_children and not has_spouse and person.age_band == AgeBand.AGE_18_59:
                    vulnerabilities.append(Vulnerability.SINGLE_CAREGIVER)
                if size == 1 and person.age_band == AgeBand.AGE_60_PLUS:
                    vulnerabilities.append(Vulnerability.OLDER_PERSON_ALONE)
            for vulnerability, chance in (
                (Vulnerability.DISABILITY, 0.08),
                (
                    Vulnerability.CHRONIC_ILLNESS,
                    0.12 if person.age_band == AgeBand.AGE_60_PLUS else 0.04,
                ),
                (Vulnerability.TRAUMA, 0.05),
                (Vulnerability.NO_DOCUMENTS, 0.03),
            ):
                if rng.random() < chance:
                    vulnerabilities.append(vulnerability)
            if person.age_band in CHILD_AGE_BANDS and rng.random() < 0.02:
                vulnerabilities.append(Vulnerability.SEPARATED_CHILD)
            person.vulnerabilities = vulnerabilities
        return members

    def _trajectory(self, count: int) -> list[_Move]:
        """``count`` moves in date order: home, maybe a stop nearby, then safer places."""
        rng = self.rng
        oblast = self._oblast()
        last_first = GEN_LAST_FIRST_MOVE if count > 1 else GEN_LAST_DAY
        candidates = [e for e in self.events if e.oblast == oblast and e.start <= last_first]
        cause = rng.choice(candidates) if candidates and rng.random() < 0.75 else None
        if cause is not None:
            origin = cause.place
            left_on = (cause.end or cause.start) + timedelta(days=rng.randint(0, 6))
        else:
            origin = self._hromada(oblast)
            left_on = self._day(GEN_FIRST_DAY, last_first)
        moves: list[_Move] = []
        for step in range(count):
            if step == 0 and count > 1:
                interim = [p for p, _ in data.GEN_INTERIM[oblast] if p != origin.pcode]
                destination = self.places[rng.choice(interim)]
            else:
                destination = self._destination(avoid={origin.pcode})
            arrived_on = None
            if rng.random() < 0.88:
                arrived_on = left_on + timedelta(days=rng.choice([0, 0, 0, 1, 1, 2, 3]))
            moves.append(_Move(origin, destination, left_on, arrived_on, cause))
            # The next move starts from here, later, sometimes after an attack on this place.
            base = arrived_on or left_on
            nearby = [
                e
                for e in self.events
                if e.place_id == destination.pk
                and e.category == EventCategory.VIOLENCE
                and base + timedelta(days=7) <= e.start <= base + timedelta(days=150)
            ]
            if nearby:
                cause = min(nearby, key=lambda e: e.start)
                left_on = (cause.end or cause.start) + timedelta(days=rng.randint(0, 3))
            else:
                cause = None
                left_on = base + timedelta(days=rng.randint(20, 150))
            origin = destination
        return moves

    def _households(self):
        rng = self.rng
        total = self.volume.households
        counts = [1] * total
        extra = self.volume.displacements - total
        while extra > 0:
            index = rng.randrange(total)
            if counts[index] < 3:
                counts[index] += 1
                extra -= 1
        households, members, contacts, displacements = [], [], [], []
        moves_of: dict[int, list[_Move]] = {}
        for index in range(total):
            number = index + 1
            size = self._weighted([(1, 25), (2, 25), (3, 20), (4, 15), (5, 10), (6, 5)])
            moves = self._trajectory(counts[index])
            household = Household(
                code=f"HH-GEN{number:05d}",
                organization=self.organization,
                current_place=moves[-1].destination,
                notes=rng.choice(data.GEN_NOTES),
            )
            households.append(household)
            moves_of[index] = moves
            for position, person in enumerate(self._members(size), start=1):
                person.household = household
                person.code = f"P-GEN{number:05d}{position}"
                members.append(person)
            if rng.random() < 0.8:
                contacts.append(
                    ContactDetails(
                        household=household,
                        full_name=f"Demo Contact G{number:04d}",
                        phone=f"+380 00 100 {number:04d}",
                        address=f"Demo address G{number:04d} (fictional)",
                    )
                )
            for move in moves:
                people_count = None
                if size > 1 and rng.random() < 0.15:
                    people_count = rng.randint(1, size - 1)
                displacement = Displacement(
                    organization=self.organization,
                    household=household,
                    origin=move.origin,
                    destination=move.destination,
                    left_on=move.left_on,
                    left_on_precision=self._weighted(
                        [
                            (DatePrecision.DAY, 80),
                            (DatePrecision.WEEK, 12),
                            (DatePrecision.MONTH, 8),
                        ]
                    ),
                    arrived_on=move.arrived_on,
                    cause=move.cause,
                    shelter_type=self._weighted(
                        [
                            (ShelterType.HOST_FAMILY, 25),
                            (ShelterType.RENTED, 30),
                            (ShelterType.COLLECTIVE_CENTRE, 20),
                            (ShelterType.TRANSIT_CENTRE, 8),
                            (ShelterType.OWN_PROPERTY, 3),
                            (ShelterType.INFORMAL, 4),
                            (ShelterType.UNKNOWN, 10),
                        ]
                    ),
                    people_count=people_count,
                )
                displacement.clean()
                displacements.append(displacement)
        Household.objects.bulk_create(households)
        for person in members:
            person.household_id = person.household.pk
        for contact in contacts:
            contact.household_id = contact.household.pk
        for displacement in displacements:
            displacement.household_id = displacement.household.pk
        Person.objects.bulk_create(members)
        ContactDetails.objects.bulk_create(contacts)
        Displacement.objects.bulk_create(displacements)
        self._created(Household, len(households))
        self._created(Person, len(members))
        self._created(ContactDetails, len(contacts))
        self._created(Displacement, len(displacements))
        return households, moves_of

    # Testimonies and consents -----------------------------------------------------------------

    def _testimonies(self) -> None:
        rng = self.rng
        total = self.volume.testimonies
        with_household = round(total * 0.8) if self.households else 0
        testimonies, links, consents = [], [], []
        for number in range(1, total + 1):
            if number <= with_household:
                index = rng.randrange(len(self.households))
                household = self.households[index]
                moves = self.moves[index]
                last = moves[-1]
                recorded_on = (last.arrived_on or last.left_on) + timedelta(days=rng.randint(1, 30))
                place = moves[0].origin
                events = [(m.cause, TestimonyRelation.CAUSED_MY_DISPLACEMENT) for m in moves if m.cause]
                if rng.random() < 0.3:
                    seen = [e for e in self.events if e.place_id == place.pk and e.start < moves[0].left_on]
                    if seen:
                        events.append((rng.choice(seen), TestimonyRelation.WITNESSED))
                role = WitnessRole.DISPLACED_CIVILIAN
                summary = rng.choice(data.GEN_SUMMARIES).format(place=place.name_en)
                purposes = [ConsentPurpose.CASE_WORK]
                chances = (0.9, 0.45, 0.1)
            else:
                household = None
                event = rng.choice(self.events)
                place = event.place
                recorded_on = (event.end or event.start) + timedelta(days=rng.randint(2, 40))
                relation = self._weighted([(TestimonyRelation.WITNESSED, 60), (TestimonyRelation.HEARD_ABOUT, 40)])
                events = [(event, relation)]
                role = self._weighted(
                    [
                        (WitnessRole.VOLUNTEER, 40),
                        (WitnessRole.OFFICIAL, 25),
                        (WitnessRole.JOURNALIST, 15),
                        (WitnessRole.OTHER, 20),
                    ]
                )
                summary = rng.choice(data.GEN_WITNESS_SUMMARIES).format(place=place.name_en)
                purposes = []
                chances = (0.95, 0.5, 0.25)
            for purpose, chance in zip(
                (ConsentPurpose.STATISTICS, ConsentPurpose.SHARING, ConsentPurpose.PUBLIC_ADVOCACY),
                chances,
                strict=True,
            ):
                if rng.random() < chance:
                    purposes.append(purpose)
            language = self._weighted(
                [
                    (Language.UKRAINIAN, 65),
                    (Language.RUSSIAN, 25),
                    (Language.ENGLISH, 7),
                    (Language.CRIMEAN_TATAR, 1),
                    (Language.OTHER, 2),
                ]
            )
            if language == Language.UKRAINIAN:
                narrative = rng.choice(data.GEN_NARRATIVES_UK)
            else:
                narrative = rng.choice(data.GEN_NARRATIVES_EN)
                if language != Language.ENGLISH:
                    narrative = f"[Translated from {Language(language).label}] {narrative}"
            interviewer = self.caseworker if rng.random() < 0.8 else self.coordinator
            testimony = Testimony(
                organization=self.organization,
                code=f"T-GEN{number:05d}",
                recorded_on=recorded_on,
                interviewer=interviewer,
                language=language,
                witness_role=role,
                household=household,
                summary=summary,
                narrative=narrative.format(place=place.name_en, place_uk=place.name_uk),
                sensitivity=self._weighted(
                    [
                        (Sensitivity.INTERNAL, 75),
                        (Sensitivity.RESTRICTED, 20),
                        (Sensitivity.PUBLIC, 5),
                    ]
                ),
            )
            testimonies.append(testimony)
            linked: dict[Event, str] = {}
            for event, relation in events:
                linked.setdefault(event, relation)
            for event, relation in linked.items():
                links.append(TestimonyEvent(testimony=testimony, event=event, relation=relation))
            for purpose in purposes:
                consent = Consent(
                    testimony=testimony,
                    purpose=purpose,
                    method=ConsentMethod.WRITTEN if rng.random() < 0.2 else ConsentMethod.VERBAL,
                    given_on=recorded_on,
                    recorded_by=interviewer,
                )
                if purpose == ConsentPurpose.SHARING and rng.random() < 0.08:
                    consent.withdrawn_at = _at_noon(recorded_on + timedelta(days=rng.randint(10, 60)))
                    consent.withdrawn_by = interviewer
                    consent.withdrawal_reason = rng.choice(data.GEN_WITHDRAWAL_REASONS)
                consents.append(consent)
        Testimony.objects.bulk_create(testimonies)
        for link in links:
            link.testimony_id = link.testimony.pk
        for consent in consents:
            consent.testimony_id = consent.testimony.pk
        TestimonyEvent.objects.bulk_create(links)
        Consent.objects.bulk_create(consents)
        self._created(Testimony, len(testimonies))
        self._created(TestimonyEvent, len(links))
        self._created(Consent, len(consents))

    # Cases --------------------------------------------------------------------------------------

    def _cases(self) -> None:
        rng = self.rng
        indexes = sorted(rng.sample(range(len(self.households)), self.volume.cases))
        paths = [
            ([], 20),
            ([CaseStatus.ASSESSMENT], 25),
            ([CaseStatus.ASSESSMENT, CaseStatus.CASE_PLAN], 20),
            ([CaseStatus.ASSESSMENT, CaseStatus.CASE_PLAN, CaseStatus.REFERRED], 12),
            ([CaseStatus.ASSESSMENT, CaseStatus.REFERRED], 8),
            ([CaseStatus.ASSESSMENT, CaseStatus.CASE_PLAN, CaseStatus.CLOSED], 6),
            ([CaseStatus.ASSESSMENT, CaseStatus.REFERRED, CaseStatus.CLOSED], 6),
            ([CaseStatus.CLOSED], 3),
        ]
        common_needs = [
            (Need.SHELTER, 20),
            (Need.CASH, 25),
            (Need.FOOD, 8),
            (Need.HEALTH, 10),
            (Need.MENTAL_HEALTH, 8),
            (Need.LEGAL, 5),
            (Need.DOCUMENTATION, 6),
            (Need.EDUCATION, 5),
            (Need.PROTECTION, 4),
            (Need.NON_FOOD_ITEMS, 8),
            (Need.LIVELIHOOD, 5),
            (Need.WASH, 2),
            (Need.TRANSPORT, 2),
        ]
        notes, referrals = [], []
        for index in indexes:
            household = self.households[index]
            first = self.moves[index][0]
            opened_on = (first.arrived_on or first.left_on) + timedelta(days=rng.randint(1, 20))
            needs = list(dict.fromkeys(self._weighted(common_needs) for _ in range(rng.randint(1, 4))))
            case = case_open(
                household=household,
                assigned_to=self.caseworker if rng.random() < 0.85 else None,
                priority=self._weighted(
                    [
                        (Priority.LOW, 15),
                        (Priority.MEDIUM, 45),
                        (Priority.HIGH, 30),
                        (Priority.CRITICAL, 10),
                    ]
                ),
                needs=needs,
                opened_on=opened_on,
            )
            path = self._weighted(paths)
            for status in path:
                reason = rng.choice(data.GEN_CLOSURE_REASONS) if status == CaseStatus.CLOSED else ""
                case_transition(
                    case=case,
                    status=status,
                    by=self.caseworker,
                    reason=reason,
                    on=min(opened_on + timedelta(days=rng.randint(20, 120)), timezone.localdate()),
                )
            for body in rng.sample(data.GEN_CASE_NOTES, rng.randint(0, 2)):
                notes.append(CaseNote(case=case, author=self.caseworker, body=body))
            if CaseStatus.REFERRED in path:
                closed = path[-1] == CaseStatus.CLOSED
                for service in needs[: rng.randint(1, 2)]:
                    status = (
                        rng.choice([ReferralStatus.COMPLETED, ReferralStatus.DECLINED])
                        if closed
                        else rng.choice([ReferralStatus.PENDING, ReferralStatus.ACCEPTED])
                    )
                    referrals.append(
                        Referral(
                            case=case,
                            service=service,
                            referred_to=data.GEN_PROVIDERS[service],
                            referred_on=opened_on + timedelta(days=rng.randint(3, 30)),
                            status=status,
                            outcome="Service provided." if status == ReferralStatus.COMPLETED else "",
                        )
                    )
        CaseNote.objects.bulk_create(notes)
        Referral.objects.bulk_create(referrals)
        self._created(Case, len(indexes))
        self._created(CaseNote, len(notes))
        self._created(Referral, len(referrals))
