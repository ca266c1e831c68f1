"""The generator's records about people: displacements, testimonies with their links and consents, cases."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from displacement import models as m
from displacement.models.vocab import (
    CaseStatus,
    ConsentMethod,
    ConsentPurpose,
    DatePrecision,
    Language,
    Priority,
    Sensitivity,
    ShelterType,
    TestimonyRelation,
    WitnessRole,
)
from displacement.synthetic.shape import DESTINATION_WEIGHTS, ORIGIN_WEIGHTS
from displacement.synthetic.support import _reserve_ids


class _PeopleRecords:
    """The part of ``_Generator`` that writes records about people (its plumbing is the generator's)."""

    def displacements(self, sizes: list[int], n_events: int) -> None:
        rng = self.rng
        end = self.frame.end
        self.departures: list[datetime.date] = []
        moves: list[tuple] = []
        for index in range(self.n):
            cause = self.first_event + rng.randrange(n_events) if rng.random() < 0.8 else None
            origin = self.event_places[cause - self.first_event] if cause else None
            origin = origin or rng.choice(self.hromadas[self.weighted(ORIGIN_WEIGHTS)])
            left = self.event_days[cause - self.first_event] if cause else self.day()
            self.departures.append(left)
            count = 1 + (rng.random() < 0.35) + (rng.random() < 0.1)
            for step in range(count):
                destination = rng.choice(self.hromadas[self.weighted(DESTINATION_WEIGHTS)])
                if destination == origin:
                    destination = None
                partial = rng.choice([None, None, None, max(1, sizes[index] - 1)])
                moves.append((index, origin, destination, left, cause if step == 0 else None, partial))
                origin = destination or rng.choice(self.hromadas[self.weighted(DESTINATION_WEIGHTS)])
                left = min(end, left + datetime.timedelta(days=rng.randint(20, 400)))
        first = _reserve_ids(m.Displacement, len(moves))
        columns = [
            "id",
            "created_at",
            "updated_at",
            "organization_id",
            "household_id",
            "origin_id",
            "destination_id",
            "left_on",
            "left_on_precision",
            "arrived_on",
            "cause_id",
            "shelter_type",
            "people_count",
        ]

        def rows() -> Iterator[tuple]:
            for offset, (index, origin, destination, left, cause, partial) in enumerate(moves):
                arrived = left + datetime.timedelta(days=rng.randint(0, 5)) if destination else None
                stamp = self.at(arrived or left)  # written once the arrival is known (dates.PAST's check)
                yield (
                    first + offset,
                    stamp,
                    stamp,
                    self.org,
                    self.first_household + index,
                    origin,
                    destination,
                    left,
                    DatePrecision.DAY,
                    arrived,
                    cause,
                    rng.choice([ShelterType.HOST_FAMILY, ShelterType.RENTED, ShelterType.COLLECTIVE_CENTRE]),
                    partial,
                )

        self.copy(m.Displacement, columns, rows(), "displacements")

    def testimonies(self, count: int, n_events: int) -> None:
        rng = self.rng
        start, end, wording = self.frame.start, self.frame.end, self.frame.wording
        first = _reserve_ids(m.Testimony, count)
        links: list[tuple[int, int, str]] = []
        consents: list[tuple] = []
        # A few events draw many testimonies: a power law over the events.
        hot = [self.first_event + int(n_events * rng.random() ** 3) for _ in range(count)]

        def rows() -> Iterator[tuple]:
            for offset in range(count):
                pk = first + offset
                index = rng.randrange(self.n) if rng.random() < 0.9 else None
                household = self.first_household + index if index is not None else None
                low = self.departures[index] if index is not None else start
                recorded = self.day(low, end) if low < end else end
                stamp = self.at(recorded)
                n_links = rng.choices([0, 1, 2, 3], weights=[10, 60, 22, 8])[0]
                chosen = {hot[offset]} if n_links else set()
                while len(chosen) < n_links:
                    chosen.add(self.first_event + rng.randrange(n_events))
                for event in sorted(chosen):
                    relation = rng.choice(
                        [
                            TestimonyRelation.WITNESSED,
                            TestimonyRelation.CAUSED_MY_DISPLACEMENT,
                            TestimonyRelation.HEARD_ABOUT,
                        ]
                    )
                    links.append((pk, event, relation))
                for purpose, share in (
                    (ConsentPurpose.CASE_WORK, 0.9),
                    (ConsentPurpose.STATISTICS, 0.75),
                    (ConsentPurpose.SHARING, 0.45),
                    (ConsentPurpose.PUBLIC_ADVOCACY, 0.15),
                ):
                    if rng.random() < share:
                        withdrawn = (
                            self.at(min(end, recorded + datetime.timedelta(days=30))) if rng.random() < 0.05 else None
                        )
                        consents.append((pk, purpose, recorded, withdrawn))
                language = rng.choice([Language.UKRAINIAN] * 6 + [Language.RUSSIAN, Language.ENGLISH])
                role = (
                    WitnessRole.DISPLACED_CIVILIAN
                    if household
                    else rng.choice([WitnessRole.OFFICIAL, WitnessRole.VOLUNTEER])
                )
                place = self.event_places[hot[offset] - self.first_event] if n_links else None
                yield (
                    pk,
                    stamp,
                    stamp,
                    self.org,
                    f"T-{self.tag}-{offset + 1:08d}",
                    recorded,
                    language,
                    role,
                    household,
                    wording.summary(rng, place),
                    wording.narrative(rng, place, language),
                    rng.choice([Sensitivity.INTERNAL] * 3 + [Sensitivity.PUBLIC, Sensitivity.RESTRICTED]),
                    self.staff(),
                )

        # Made first, written after their consents: each testimony's own trigger then sets its
        # consent column as it is inserted (``Testimony.sharing_consent``), with no update after.
        testimonies = list(rows())
        first_consent = _reserve_ids(m.Consent, len(consents))
        methods = [ConsentMethod.VERBAL, ConsentMethod.WRITTEN]
        self.copy(
            m.Consent,
            [
                "id",
                "created_at",
                "updated_at",
                "testimony_id",
                "purpose",
                "method",
                "given_on",
                "scope",
                "withdrawn_at",
                "withdrawal_reason",
            ],
            (
                (
                    first_consent + i,
                    self.stamp,
                    self.stamp,
                    testimony,
                    purpose,
                    rng.choice(methods),
                    given,
                    "",
                    withdrawn,
                    self.frame.wording.withdrawal if withdrawn else "",
                )
                for i, (testimony, purpose, given, withdrawn) in enumerate(consents)
            ),
            "consents",
        )
        self.copy(
            m.Testimony,
            [
                "id",
                "created_at",
                "updated_at",
                "organization_id",
                "code",
                "recorded_on",
                "language",
                "witness_role",
                "household_id",
                "summary",
                "narrative",
                "sensitivity",
                "interviewer_id",
            ],
            testimonies,
            "testimonies",
        )
        # The links last: their corroboration trigger reads the testimonies' consent column (one
        # count of every event, as any write of links makes it).
        first_link = _reserve_ids(m.TestimonyEvent, len(links))
        self.copy(
            m.TestimonyEvent,
            ["id", "testimony_id", "event_id", "relation"],
            (
                (first_link + offset, testimony, event, relation)
                for offset, (testimony, event, relation) in enumerate(links)
            ),
            "events spoken of",
        )

    def cases(self) -> None:
        rng = self.rng
        end = self.frame.end
        chosen = [index for index in range(self.n) if rng.random() < 0.6]
        first = _reserve_ids(m.Case, len(chosen))
        statuses = [
            CaseStatus.NEW,
            CaseStatus.ASSESSMENT,
            CaseStatus.CASE_PLAN,
            CaseStatus.REFERRED,
            CaseStatus.CLOSED,
            CaseStatus.CLOSED,
            CaseStatus.REOPENED,
        ]

        def rows() -> Iterator[tuple]:
            for offset, index in enumerate(chosen):
                pk = first + offset
                opened = min(end, self.departures[index] + datetime.timedelta(days=rng.randint(1, 60)))
                status = rng.choice(statuses)
                closed = (
                    min(end, opened + datetime.timedelta(days=rng.randint(10, 300))) if status == "closed" else None
                )
                stamp = self.at(closed or opened)  # last written when closed (dates.PAST's check)
                yield (
                    pk,
                    stamp,
                    stamp,
                    self.org,
                    f"UA-{self.tag}-{opened.year}-{offset + 1:07d}",
                    self.first_household + index,
                    status,
                    rng.choice([Priority.LOW, Priority.MEDIUM, Priority.MEDIUM, Priority.HIGH]),
                    [],
                    opened,
                    closed,
                    self.frame.wording.closure if closed else "",
                    self.staff(),
                )

        self.copy(
            m.Case,
            [
                "id",
                "created_at",
                "updated_at",
                "organization_id",
                "reference",
                "household_id",
                "status",
                "priority",
                "needs",
                "opened_on",
                "closed_on",
                "closure_reason",
                "assigned_to_id",
            ],
            rows(),
            "cases",
        )


#: Tables written by COPY, whose history triggers are off during the load.
