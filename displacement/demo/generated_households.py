"""The generated demo volume's households: members, contact details and trajectories."""

from __future__ import annotations

from datetime import timedelta

from displacement.demo import data
from displacement.demo.generated_base import (
    GEN_FIRST_DAY,
    GEN_LAST_DAY,
    GEN_LAST_FIRST_MOVE,
    _GeneratedBase,
    _Move,
)
from displacement.models import (
    ContactDetails,
    Displacement,
    Household,
    Person,
)
from displacement.models.vocab import (
    CHILD_AGE_BANDS,
    AgeBand,
    DatePrecision,
    EventCategory,
    Relationship,
    Sex,
    ShelterType,
    Vulnerability,
)


class _GeneratedHouseholds(_GeneratedBase):
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
