"""The generated demo volume: a deterministic mass of records on top of the hand-written ones.

The volume is drawn from ``random.Random(SEED)`` and the pools in ``displacement.demo.data``,
so it is the same on every machine, with ``…-GEN…`` codes, and bulk-inserted. It is written
all at once or not at all: when its marker source (GEN_MARKER_TITLE) exists it is left alone.
"""

from __future__ import annotations

from datetime import date, timedelta

from displacement.demo import data
from displacement.demo.generated_base import (
    GEN_MARKER_TITLE,
    GEN_NOTE,
    _at_noon,
)
from displacement.demo.generated_casework import _GeneratedCasework
from displacement.demo.generated_households import _GeneratedHouseholds
from displacement.models import (
    Event,
    Place,
    Source,
)
from displacement.models.vocab import (
    DatePrecision,
    DisplacementKind,
    EventCategory,
    EventType,
    GeoPrecision,
    Reliability,
    SourceKind,
    VerificationStatus,
)

__all__ = ["GEN_MARKER_TITLE", "_Generated"]


class _Generated(_GeneratedCasework, _GeneratedHouseholds):
    """A deterministic volume of records, bulk-inserted."""

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
