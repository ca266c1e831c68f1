"""The generator: COPY plumbing, the organisations and agreement, events, households and people."""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterable, Iterator

from displacement import models as m
from displacement.models.vocab import (
    SUB_EVENT_TYPES,
    AgeBand,
    DatePrecision,
    EventCategory,
    EventType,
    Relationship,
    Sex,
    VerificationStatus,
)
from displacement.services.bulk_copy import copy_into
from displacement.synthetic.frame import Frame
from displacement.synthetic.people import _PeopleRecords
from displacement.synthetic.shape import (
    CHILD_BANDS,
    DESTINATION_WEIGHTS,
    EXPLOSION_WEAPONS,
    ORIGIN_WEIGHTS,
    PARTNER_SLUG,
    SLUG,
    START,
    TARGETS,
    VIOLENT_TYPES,
)
from displacement.synthetic.support import Progress, SyntheticRefused, _reserve_ids


class _Generator(_PeopleRecords):
    """The dataset for ``households``, drawn from ``random.Random(seed)``: the bench's (in its own
    organisations, ``run``) or, in a ``frame``, the demo's generated volume (``run_in``)."""

    def __init__(self, households: int, seed: int, progress: Progress | None):
        self.n = households
        self.rng = random.Random(seed)
        self.progress = progress
        self.rows: dict[str, int] = {}
        self._cumulative: dict = {}

    # --- plumbing --------------------------------------------------------------------------

    def copy(self, model, columns: list[str], rows: Iterable[tuple], label: str) -> None:
        written = 0

        def counted() -> Iterator[tuple]:
            nonlocal written
            for row in rows:
                yield row
                written += 1
                if written % 20000 == 0 and self.progress:
                    self.progress.add(20000, label)

        copy_into(model._meta.db_table, columns, counted())
        if self.progress:
            self.progress.add(written % 20000, label)
        self.rows[model._meta.db_table] = self.rows.get(model._meta.db_table, 0) + written

    def day(self, low: datetime.date | None = None, high: datetime.date | None = None) -> datetime.date:
        low, high = low or self.frame.start, high or self.frame.end
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
        """The bench's dataset, in two organisations of its own and an agreement between them."""
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
                "started_notified_on": START,  # in force before its records exist: nothing to send
            },
        )
        self.run_in(Frame(organization=owner.pk))

    def run_in(self, frame: Frame) -> None:
        """The dataset in ``frame``: its organisation, codes, dates, users and words."""
        rng = self.rng
        self.frame = frame
        self.org = frame.organization
        self.tag = frame.tag
        self.stamp = frame.stamp
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

    def staff(self) -> int | None:
        """One of the frame's users (none for the bench: nothing drawn)."""
        return self.rng.choice(self.frame.staff) if self.frame.staff else None

    def events(self, count: int) -> None:
        self.first_event = _reserve_ids(m.Event, count)
        rng = self.rng
        self.event_places: list[int] = []
        self.event_days: list[datetime.date] = []
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
            "created_by_id",
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
                yield (
                    pk,
                    stamp,
                    stamp,
                    self.org,
                    self.frame.wording.event_title(index, sub_type, place),
                    f"{self.tag}-{index + 1}",
                    self.frame.wording.note,
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
                    self.staff(),
                )

        self.copy(m.Event, columns, rows(), "events")

    def households_and_people(self, sizes: list[int]) -> None:
        rng = self.rng
        self.first_household = _reserve_ids(m.Household, self.n)
        note = self.frame.wording.note

        def households() -> Iterator[tuple]:
            for index in range(self.n):
                pk = self.first_household + index
                place = rng.choice(self.hromadas[self.weighted(DESTINATION_WEIGHTS)])
                stamp = self.at(self.day())
                yield (pk, stamp, stamp, self.org, f"HH-{self.tag}-{index + 1:07d}", place, False, note)

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
                        f"P-{self.tag}-{pk - first_person + 1:08d}",
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


def generate_in_frame(*, households: int, seed: int, frame: Frame) -> dict[str, int]:
    """The dataset for ``households`` in ``frame``, in the caller's transaction, every trigger
    on (the demo's volume); the rows written, by table."""
    generator = _Generator(households, seed, None)
    generator.run_in(frame)
    return generator.rows
