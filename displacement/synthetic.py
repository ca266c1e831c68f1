"""Synthetic data at scale, for benchmarks and load tests: never for a production database.

A skewed, realistic-looking dataset drawn from ``random.Random(seed)``, so the same seed gives
the same records: most events in the frontline oblasts, most departures from them and most
arrivals in the centre and west, a share of households displaced two or three times, several
testimonies for the busiest events, consents of every purpose (some withdrawn), cases in
every status. Rows go in with PostgreSQL's COPY, in one transaction, with the tables' history
triggers disabled for the load (they would double the work and record nothing of value);
foreign keys and check constraints stay enforced.

Sized by households: about 3.3 testimonies, 2.8 people, 1.45 displacements and 0.67 events
per household, so ``--households 300000`` gives the large benchmark size (1M testimonies).
Everything belongs to two organisations whose slugs start with ``synthetic``: the owner and
a partner that an agreement shares every kind with.
"""

from __future__ import annotations

import datetime
import random
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.db import connection, transaction
from psycopg.copy import QueuedLibpqWriter

from displacement import models as m
from displacement.models.events import EVENT_COPIES
from displacement.models.testimonies import TESTIMONY_COPIES
from displacement.models.vocab import (
    SUB_EVENT_TYPES,
    AgeBand,
    CaseStatus,
    ConsentMethod,
    ConsentPurpose,
    DatePrecision,
    EventCategory,
    EventType,
    Language,
    Priority,
    Relationship,
    Sensitivity,
    Sex,
    ShelterType,
    Target,
    TestimonyRelation,
    VerificationStatus,
    Weapon,
    WitnessRole,
)
from displacement.services.corroboration import corroboration_rebuild

#: The version of what ``generate_synthetic`` writes: raised whenever a change to this module
#: changes its rows, so that a kept dataset (the bench's) is built again. 2: the links carry
#: their testimony's ``updated_at`` (``TESTIMONY_COPIES``).
VERSION = 2
SLUG = "synthetic"
PARTNER_SLUG = "synthetic-partner"
START = datetime.date(2022, 2, 24)
END = datetime.date(2026, 10, 31)

#: Where events happen and people leave from (frontline oblasts first), and where they go.
ORIGIN_WEIGHTS = {
    "UA14": 30,
    "UA63": 22,
    "UA23": 14,
    "UA65": 10,
    "UA59": 7,
    "UA12": 6,
    "UA48": 4,
    "UA74": 3,
    "UA44": 2,
    "UA32": 2,
}
DESTINATION_WEIGHTS = {
    "UA12": 14,
    "UA80": 14,
    "UA46": 10,
    "UA53": 8,
    "UA05": 7,
    "UA32": 7,
    "UA51": 6,
    "UA71": 5,
    "UA26": 5,
    "UA18": 4,
    "UA68": 4,
    "UA56": 4,
    "UA21": 4,
    "UA61": 3,
    "UA07": 3,
    "UA73": 3,
    "UA35": 3,
    "UA63": 3,
}
VIOLENT_TYPES = [EventType.EXPLOSIONS] * 7 + [EventType.BATTLES] * 2 + [EventType.VIOLENCE_AGAINST_CIVILIANS]
EXPLOSION_WEAPONS = [
    Weapon.ARTILLERY,
    Weapon.MLRS,
    Weapon.MISSILE,
    Weapon.GLIDE_BOMB,
    Weapon.FPV_DRONE,
    Weapon.LOITERING_MUNITION,
    Weapon.AERIAL_BOMB,
]
TARGETS = [Target.RESIDENTIAL_BUILDING] * 5 + [
    Target.SCHOOL,
    Target.HEALTH_FACILITY,
    Target.INFRASTRUCTURE,
    Target.MARKET,
    Target.EVACUATION_ROUTE,
    Target.SHELTER,
]
SUMMARIES = [
    "Left after shelling hit the street; stayed with relatives first.",
    "Evacuated by volunteers with two children after the school was struck.",
    "A drone hit the apartment block; the family moved west the next week.",
    "Older couple evacuated by bus from the frontline town.",
    "Left when the water and power stopped after repeated strikes.",
    "Moved again when the front came closer to the first place of refuge.",
]
NARRATIVE = "Synthetic narrative: no real person, no real event. " * 4
CHILD_BANDS = [AgeBand.AGE_0_4, AgeBand.AGE_5_11, AgeBand.AGE_12_17]


class SyntheticRefused(Exception):
    """The database holds real data (or synthetic data already): nothing was written."""


@dataclass
class Progress:
    """A progress bar on stderr: rows written, of how many, at what rate."""

    total: int
    out: object = field(default_factory=lambda: sys.stderr)
    done: int = 0
    started: float = field(default_factory=time.monotonic)
    _shown: float = 0.0

    def add(self, rows: int, label: str) -> None:
        self.done += rows
        now = time.monotonic()
        if now - self._shown < 0.5 and self.done < self.total:
            return
        self._shown = now
        share = min(1.0, self.done / max(1, self.total))
        bar = "#" * int(share * 30)
        rate = self.done / max(1e-6, now - self.started)
        end = "\n" if self.done >= self.total else "\r"
        self.out.write(f"[{bar:<30}] {share:4.0%} {self.done:>10,} rows {rate:>9,.0f} rows/s  {label:<22}{end}")
        self.out.flush()


@dataclass
class SyntheticResult:
    rows: dict[str, int]
    seconds: float

    @property
    def total(self) -> int:
        return sum(self.rows.values())

    @property
    def rate(self) -> float:
        return self.total / max(1e-6, self.seconds)


def real_data_present() -> bool:
    """Is there anything in the casework tables that this command did not make?"""
    synthetic = m.Organization.objects.filter(slug__startswith=SLUG)
    return any(
        model.objects.exclude(organization__in=synthetic).exists()
        for model in (m.Household, m.Testimony, m.Event, m.Case, m.Displacement)
    )


def synthetic_households() -> int:
    return m.Household.objects.filter(organization__slug=SLUG).count()


def _reserve_ids(model, count: int) -> int:
    """Take ``count`` ids from the table's sequence at once; return the first."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [model._meta.db_table])
        sequence = cursor.fetchone()[0]
        # The table and sequence names come from the models and the catalog, not from input.
        query = f"SELECT setval(%s, GREATEST((SELECT COALESCE(MAX(id), 0) FROM {table}), (SELECT last_value FROM {sequence})) + %s)"  # noqa: E501, S608
        cursor.execute(query, [sequence, max(count, 1)])
        end = cursor.fetchone()[0]
    return end - max(count, 1) + 1


class _Generator:
    def __init__(self, households: int, seed: int, progress: Progress | None):
        self.n = households
        self.rng = random.Random(seed)
        self.progress = progress
        self.rows: dict[str, int] = {}
        self.stamp = datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC)  # fixed: the same seed, the same rows
        self._cumulative: dict = {}

    # --- plumbing --------------------------------------------------------------------------

    def copy(self, model, columns: list[str], rows: Iterable[tuple], label: str) -> None:
        table = connection.ops.quote_name(model._meta.db_table)
        names = ", ".join(connection.ops.quote_name(c) for c in columns)
        written = 0
        with connection.cursor() as cursor:
            raw = cursor.cursor
            # A writer thread sends the data while this one makes the next rows.
            with raw.copy(f"COPY {table} ({names}) FROM STDIN", writer=QueuedLibpqWriter(raw)) as copy:
                for row in rows:
                    copy.write_row(row)
                    written += 1
                    if written % 20000 == 0 and self.progress:
                        self.progress.add(20000, label)
        if self.progress:
            self.progress.add(written % 20000, label)
        self.rows[model._meta.db_table] = self.rows.get(model._meta.db_table, 0) + written

    def day(self, low: datetime.date = START, high: datetime.date = END) -> datetime.date:
        span = (high - low).days
        # Later years are busier: a triangular draw leaning towards the end.
        return low + datetime.timedelta(days=int(self.rng.triangular(0, span, span * 0.7)))

    def at(self, day: datetime.date) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(9), tzinfo=datetime.UTC) + datetime.timedelta(
            seconds=self.rng.randrange(36000)
        )

    def weighted(self, weights: dict[str, int]) -> str:
        keys, cumulative = self._cumulative.get(id(weights)) or self._prepare(weights)
        return self.rng.choices(keys, cum_weights=cumulative)[0]

    def _prepare(self, weights: dict[str, int]):
        keys, cumulative, total = list(weights), [], 0
        for key in keys:
            total += weights[key]
            cumulative.append(total)
        self._cumulative[id(weights)] = (keys, cumulative)
        return keys, cumulative

    # --- the dataset -----------------------------------------------------------------------

    def run(self) -> None:
        rng = self.rng
        owner, _ = m.Organization.objects.get_or_create(
            slug=SLUG, defaults={"name": "Synthetic NGO (benchmark data)", "code": "UA-SYN"}
        )
        partner, _ = m.Organization.objects.get_or_create(
            slug=PARTNER_SLUG, defaults={"name": "Synthetic partner (benchmark data)", "code": "UA-SYP"}
        )
        m.SharingAgreement.objects.get_or_create(
            owner=owner,
            partner=partner,
            defaults={
                "record_kinds": [k for k, _ in m.RecordKind.choices],
                "purposes": ["statistics", "protection_monitoring"],
                "valid_from": START,
            },
        )
        self.org = owner.pk
        hromadas: dict[str, list[int]] = {}
        for pk, pcode in m.Place.objects.filter(admin_level=3).values_list("pk", "pcode"):
            hromadas.setdefault(pcode[:4], []).append(pk)
        missing = sorted((set(ORIGIN_WEIGHTS) | set(DESTINATION_WEIGHTS)) - set(hromadas))
        if missing:
            raise SyntheticRefused(f"The gazetteer lacks hromadas in {', '.join(missing)}: run load_places --ukraine.")
        self.hromadas = hromadas

        n_events = max(1, round(self.n * 2 / 3))
        self.events(n_events)
        sizes = [min(7, max(1, round(rng.gauss(2.8, 1.3)))) for _ in range(self.n)]
        self.households_and_people(sizes)
        self.displacements(sizes, n_events)
        self.testimonies(round(self.n * 10 / 3), n_events)
        self.cases()

    def events(self, count: int) -> None:
        self.first_event = _reserve_ids(m.Event, count)
        rng = self.rng
        self.event_places: list[int] = []
        self.event_days: list[datetime.date] = []
        # (type, sub-type, target) of each event: the links carry copies (the load runs
        # without the triggers that keep them).
        self.event_kinds: list[tuple[str, str, str]] = []
        columns = [
            "id",
            "created_at",
            "updated_at",
            "organization_id",
            "title",
            "external_id",
            "description",
            "category",
            "event_type",
            "sub_event_type",
            "displacement_kind",
            "weapon",
            "target",
            "start",
            "date_precision",
            "place_id",
            "geo_precision",
            "killed",
            "injured",
            "civilian_targeting",
            "actor1",
            "actor2",
            "verification_status",
        ]

        def rows() -> Iterator[tuple]:
            for index in range(count):
                pk = self.first_event + index
                place = rng.choice(self.hromadas[self.weighted(ORIGIN_WEIGHTS)])
                start = self.day()
                self.event_places.append(place)
                self.event_days.append(start)
                event_type = rng.choice(VIOLENT_TYPES)
                sub_type = rng.choice(SUB_EVENT_TYPES[event_type])
                weapon = rng.choice(EXPLOSION_WEAPONS) if event_type == EventType.EXPLOSIONS else ""
                killed = rng.choice([0, 0, 0, 1, 1, 2, 3, 5]) if rng.random() < 0.6 else None
                stamp = self.at(start)
                target = rng.choice(TARGETS)  # drawn where it always was: the same data for a seed
                self.event_kinds.append((event_type, sub_type, target))
                yield (
                    pk,
                    stamp,
                    stamp,
                    self.org,
                    f"Synthetic event {index + 1}",
                    f"SYN-{index + 1}",
                    "",
                    EventCategory.VIOLENCE,
                    event_type,
                    sub_type,
                    "",
                    weapon,
                    target,
                    start,
                    DatePrecision.DAY,
                    place,
                    2,
                    killed,
                    rng.choice([None, 0, 1, 2, 4, 7]),
                    True,
                    "",
                    "",
                    rng.choice(
                        [VerificationStatus.REPORTED] * 3
                        + [VerificationStatus.CORROBORATED, VerificationStatus.VERIFIED]
                    ),
                )

        self.copy(m.Event, columns, rows(), "events")

    def households_and_people(self, sizes: list[int]) -> None:
        rng = self.rng
        self.first_household = _reserve_ids(m.Household, self.n)

        def households() -> Iterator[tuple]:
            for index in range(self.n):
                pk = self.first_household + index
                place = rng.choice(self.hromadas[self.weighted(DESTINATION_WEIGHTS)])
                stamp = self.at(self.day())
                yield (pk, stamp, stamp, self.org, f"HH-SYN-{index + 1:07d}", place, False, "")

        self.copy(
            m.Household,
            ["id", "created_at", "updated_at", "organization_id", "code", "current_place_id", "legal_hold", "notes"],
            households(),
            "households",
        )
        first_person = _reserve_ids(m.Person, sum(sizes))

        def people() -> Iterator[tuple]:
            pk = first_person
            for index, size in enumerate(sizes):
                household = self.first_household + index
                for member in range(size):
                    if member == 0:
                        band, relation = rng.choice([AgeBand.AGE_18_59] * 3 + [AgeBand.AGE_60_PLUS]), Relationship.HEAD
                    else:
                        band = rng.choice(CHILD_BANDS * 2 + [AgeBand.AGE_18_59, AgeBand.AGE_60_PLUS])
                        relation = Relationship.CHILD if band in CHILD_BANDS else Relationship.SPOUSE
                    yield (
                        pk,
                        self.stamp,
                        self.stamp,
                        household,
                        f"P-SYN-{pk - first_person + 1:08d}",
                        relation,
                        band,
                        rng.choice([Sex.FEMALE, Sex.FEMALE, Sex.MALE]),
                        [],
                    )
                    pk += 1

        self.copy(
            m.Person,
            [
                "id",
                "created_at",
                "updated_at",
                "household_id",
                "code",
                "relationship",
                "age_band",
                "sex",
                "vulnerabilities",
            ],
            people(),
            "people",
        )

    def displacements(self, sizes: list[int], n_events: int) -> None:
        rng = self.rng
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
                left = min(END, left + datetime.timedelta(days=rng.randint(20, 400)))
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
        first = _reserve_ids(m.Testimony, count)
        links: list[tuple[int, int, str, datetime.datetime]] = []
        consents: list[tuple] = []
        # A few events draw many testimonies: a power law over the events.
        hot = [self.first_event + int(n_events * rng.random() ** 3) for _ in range(count)]

        def rows() -> Iterator[tuple]:
            for offset in range(count):
                pk = first + offset
                index = rng.randrange(self.n) if rng.random() < 0.9 else None
                household = self.first_household + index if index is not None else None
                low = self.departures[index] if index is not None else START
                recorded = self.day(low, END) if low < END else END
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
                    links.append((pk, event, relation, stamp))
                sharing = False  # Testimony.sharing_consent: the load runs without its triggers
                for purpose, share in (
                    (ConsentPurpose.CASE_WORK, 0.9),
                    (ConsentPurpose.STATISTICS, 0.75),
                    (ConsentPurpose.SHARING, 0.45),
                    (ConsentPurpose.PUBLIC_ADVOCACY, 0.15),
                ):
                    if rng.random() < share:
                        withdrawn = (
                            self.at(min(END, recorded + datetime.timedelta(days=30))) if rng.random() < 0.05 else None
                        )
                        consents.append((pk, purpose, recorded, withdrawn))
                        sharing = sharing or (purpose == ConsentPurpose.SHARING and withdrawn is None)
                yield (
                    pk,
                    stamp,
                    stamp,
                    self.org,
                    f"T-SYN-{offset + 1:08d}",
                    recorded,
                    rng.choice([Language.UKRAINIAN] * 6 + [Language.RUSSIAN, Language.ENGLISH]),
                    WitnessRole.DISPLACED_CIVILIAN
                    if household
                    else rng.choice([WitnessRole.OFFICIAL, WitnessRole.VOLUNTEER]),
                    household,
                    rng.choice(SUMMARIES),
                    NARRATIVE,
                    rng.choice([Sensitivity.INTERNAL] * 3 + [Sensitivity.PUBLIC, Sensitivity.RESTRICTED]),
                    sharing,
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
                "sharing_consent",
            ],
            rows(),
            "testimonies",
        )
        first_link = _reserve_ids(m.TestimonyEvent, len(links))

        def link_rows() -> Iterator[tuple]:
            for offset, (testimony, event, relation, saved) in enumerate(links):
                index = event - self.first_event
                # In the order of EVENT_COPIES: owner, start, type, sub-type, target, place; then
                # TESTIMONY_COPIES: the testimony's updated_at.
                copies = (self.org, self.event_days[index], *self.event_kinds[index], self.event_places[index])
                yield (first_link + offset, testimony, event, relation, *copies, saved)

        self.copy(
            m.TestimonyEvent,
            ["id", "testimony_id", "event_id", "relation", *EVENT_COPIES, *TESTIMONY_COPIES],
            link_rows(),
            "events spoken of",
        )
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
                    "Synthetic withdrawal" if withdrawn else "",
                )
                for i, (testimony, purpose, given, withdrawn) in enumerate(consents)
            ),
            "consents",
        )

    def cases(self) -> None:
        rng = self.rng
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
                opened = min(END, self.departures[index] + datetime.timedelta(days=rng.randint(1, 60)))
                status = rng.choice(statuses)
                closed = (
                    min(END, opened + datetime.timedelta(days=rng.randint(10, 300))) if status == "closed" else None
                )
                stamp = self.at(closed or opened)  # last written when closed (dates.PAST's check)
                yield (
                    pk,
                    stamp,
                    stamp,
                    self.org,
                    f"UA-SYN-{opened.year}-{offset + 1:07d}",
                    self.first_household + index,
                    status,
                    rng.choice([Priority.LOW, Priority.MEDIUM, Priority.MEDIUM, Priority.HIGH]),
                    [],
                    opened,
                    closed,
                    "Synthetic closure" if closed else "",
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
            ],
            rows(),
            "cases",
        )


#: Tables written by COPY, whose history triggers are off during the load.
TABLES = [m.Event, m.Household, m.Person, m.Displacement, m.Testimony, m.TestimonyEvent, m.Consent, m.Case]


def expected_rows(households: int) -> int:
    """About how many rows ``households`` makes (for the progress bar)."""
    return round(households * (2 / 3 + 1 + 2.8 + 1.45 + 10 / 3 + 1.23 * 10 / 3 + 2.25 * 10 / 3 + 0.6))


def generate_synthetic(
    *,
    households: int,
    seed: int,
    force: bool = False,
    progress: Progress | None = None,
    on_phase: Callable[[str], None] | None = None,
) -> SyntheticResult:
    """Write the dataset, all or nothing. Refuses a database holding real casework unless
    ``force``, and one already holding synthetic data (delete it with ``synthetic_delete``)."""
    if households < 1:
        raise SyntheticRefused("Ask for at least one household.")
    if real_data_present() and not force:
        raise SyntheticRefused(
            "This database holds casework that is not synthetic: refusing to fill it with fake people. "
            "Use a separate database, or --force if you are sure."
        )
    if synthetic_households():
        raise SyntheticRefused(
            f"Synthetic data is already here ({synthetic_households():,} households): use --replace to start over."
        )
    started = time.monotonic()
    generator = _Generator(households, seed, progress)
    with transaction.atomic():
        _triggers(enabled=False)
        indexes = _drop_indexes()
        generator.run()
        _rebuild_indexes(indexes, progress)
        _triggers(enabled=True)
        # The events' independent sources, which the triggers switched off would have kept.
        corroboration_rebuild(
            organization_ids=list(m.Organization.objects.filter(slug__startswith=SLUG).values_list("pk", flat=True))
        )
    return SyntheticResult(rows=generator.rows, seconds=time.monotonic() - started)


def _drop_indexes() -> list[str]:
    """Drop the loaded tables' secondary indexes (not those behind a primary key or unique
    constraint), returning how to build them again: one build after the load is several
    times faster than keeping full-text and other indexes up to date row by row."""
    tables = [model._meta.db_table for model in TABLES]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.indexname, i.indexdef FROM pg_indexes i
            JOIN pg_class c ON c.relname = i.indexname AND c.relkind = 'i'
            WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
              AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid)
            """,
            [tables],
        )
        found = cursor.fetchall()
        for name, _definition in found:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    return [definition for _name, definition in found]


def _rebuild_indexes(definitions: list[str], progress: Progress | None) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for definition in definitions:
            cursor.execute(definition)
    if progress is not None:
        progress.out.write(f"{len(definitions)} indexes rebuilt.\n")


def synthetic_delete() -> int:
    """Delete every synthetic record (history triggers off, as for the load)."""
    organizations = list(m.Organization.objects.filter(slug__startswith=SLUG).values_list("pk", flat=True))
    if not organizations:
        return 0
    deleted = 0
    with transaction.atomic(), connection.cursor() as cursor:
        _triggers(enabled=False)
        for model, where in [
            # The duplicate queues and aliases a pass may have made over the synthetic records.
            (m.HouseholdDuplicateCandidate, "organization_id = ANY(%s)"),
            (m.EventDuplicateCandidate, "organization_id = ANY(%s)"),
            (m.EventAlias, "organization_id = ANY(%s)"),
            (m.Consent, "testimony_id IN (SELECT id FROM displacement_testimony WHERE organization_id = ANY(%s))"),
            (
                m.TestimonyEvent,
                "testimony_id IN (SELECT id FROM displacement_testimony WHERE organization_id = ANY(%s))",
            ),
            (m.Case, "organization_id = ANY(%s)"),
            (m.Testimony, "organization_id = ANY(%s)"),
            (m.Displacement, "organization_id = ANY(%s)"),
            (m.Person, "household_id IN (SELECT id FROM displacement_household WHERE organization_id = ANY(%s))"),
            (m.Household, "organization_id = ANY(%s)"),
            (m.EventCorroboration, "event_id IN (SELECT id FROM displacement_event WHERE organization_id = ANY(%s))"),
            (m.Event, "organization_id = ANY(%s)"),
        ]:
            cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE {where}", [organizations])  # noqa: S608
            deleted += cursor.rowcount
        _triggers(enabled=True)
        for model in (m.WeeklySummary, m.FlowSummary, m.CaseSummary):
            model.objects.filter(organization_id__in=organizations).delete()
    return deleted


def _triggers(*, enabled: bool) -> None:
    """Switch the user triggers of the loaded tables (pghistory's, and those keeping
    ``Testimony.sharing_consent``, which the load writes itself); constraints stay on."""
    action = "ENABLE" if enabled else "DISABLE"
    with connection.cursor() as cursor:
        # Foreign keys are checked at commit; check them now, or ALTER TABLE refuses.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for model in TABLES:
            cursor.execute(f"ALTER TABLE {connection.ops.quote_name(model._meta.db_table)} {action} TRIGGER USER")
