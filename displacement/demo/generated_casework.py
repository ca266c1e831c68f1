"""The generated demo volume's testimonies (with their links and consents) and cases."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from displacement.demo import data
from displacement.demo.generated_base import (
    _at_noon,
    _GeneratedBase,
)
from displacement.models import (
    Case,
    CaseNote,
    Consent,
    Event,
    Referral,
    Testimony,
    TestimonyEvent,
)
from displacement.models.vocab import (
    CaseStatus,
    ConsentMethod,
    ConsentPurpose,
    Language,
    Need,
    Priority,
    ReferralStatus,
    Sensitivity,
    TestimonyRelation,
    WitnessRole,
)
from displacement.services.cases import case_open, case_transition


class _GeneratedCasework(_GeneratedBase):
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
