"""The demo's generated volume: the synthetic generator (``displacement.synthetic``) at a small
size, in the demo's NGO, on top of the hand-written story.

The same generator as the bench's, with the demo's frame: records of the ``dpn`` organisation
dated in the story's window, its caseworker and coordinator as authors, interviewers and case
owners, words a visitor can read, and ``GEN`` in every code (``HH-GEN-0000001``,
``T-GEN-00000001``, events ``GEN-1``), with "Generated demo record." as the households' notes
and the events' descriptions, so that it is told apart from the hand-written records. Drawn
from ``random.Random(SEED)``: the same on every machine. Written with COPY, triggers on (history,
the values the database keeps), all at once or not at all; the summaries' weeks are named.
"""

from __future__ import annotations

import datetime
import random

from displacement.demo import data
from displacement.models import Case, Displacement, Event, Household, Place, Testimony
from displacement.models.vocab import Language, SubEventType
from displacement.services import summary_tracking
from displacement.synthetic import TABLES, Frame, Wording, generate_in_frame

#: The generated volume depends on this seed only.
SEED = 20250509
#: The tag in the generated records' codes.
TAG = "GEN"
GEN_NOTE = "Generated demo record."
#: Generated dates fall in this window (the situation is spring 2025; some moves continue).
GEN_FIRST_DAY = datetime.date(2025, 1, 6)
GEN_LAST_DAY = datetime.date(2026, 6, 30)


class DemoWording(Wording):
    """Titles that name the kind of attack and the hromada, the demo's summaries and narratives."""

    note = GEN_NOTE
    closure = "Needs met."
    withdrawal = "Asked that the account stay within the organisation."

    def __init__(self) -> None:
        hromadas = Place.objects.filter(admin_level=3).values_list("pk", "name_en", "name_uk")
        self.names = {pk: (en, uk) for pk, en, uk in hromadas}

    def _place(self, place: int | None) -> tuple[str, str]:
        return self.names.get(place, ("their", "своїй"))

    def event_title(self, index: int, sub_type: str, place: int) -> str:
        return f"{SubEventType(sub_type).label} in {self._place(place)[0]} hromada"

    def summary(self, rng: random.Random, place: int | None) -> str:
        return rng.choice(data.GEN_SUMMARIES).format(place=self._place(place)[0])

    def narrative(self, rng: random.Random, place: int | None, language: str) -> str:
        en, uk = self._place(place)
        if language == Language.UKRAINIAN:
            return rng.choice(data.GEN_NARRATIVES_UK).format(place=en, place_uk=uk)
        narrative = rng.choice(data.GEN_NARRATIVES_EN).format(place=en, place_uk=uk)
        if language != Language.ENGLISH:
            narrative = f"[Translated from {Language(language).label}] {narrative}"
        return narrative


def generated_present(organization) -> dict[str, int]:
    """How many generated records the demo's organisation holds (all zero: none yet)."""
    households = Household.objects.filter(organization=organization, code__startswith=f"HH-{TAG}-")
    return {
        "households": households.count(),
        "displacements": Displacement.objects.filter(household__in=households).count(),
        "testimonies": Testimony.objects.filter(organization=organization, code__startswith=f"T-{TAG}-").count(),
        "cases": Case.objects.filter(household__in=households).count(),
    }


def generated_seed(*, result, seeder, households: int) -> None:
    """Write the generated volume for ``households`` into the demo's NGO; count it in ``result``."""
    organization = seeder.organizations["dpn"]
    frame = Frame(
        organization=organization.pk,
        tag=TAG,
        start=GEN_FIRST_DAY,
        end=GEN_LAST_DAY,
        staff=(seeder.users["caseworker"].pk, seeder.users["caseworker"].pk, seeder.users["coordinator"].pk),
        wording=DemoWording(),
    )
    names = {model._meta.db_table: model.__name__ for model in TABLES}
    for table, rows in generate_in_frame(households=households, seed=SEED, frame=frame).items():
        result.created[names[table]] += rows
    # COPY sends no signal: the weeks the volume fills are named, as the imports do.
    days = [*Event.objects.filter(organization=organization).values_list("start", flat=True)]
    days += Testimony.objects.filter(organization=organization).values_list("recorded_on", flat=True)
    days += Displacement.objects.filter(organization=organization).values_list("left_on", flat=True)
    summary_tracking.touch(organization.pk, *set(days))
    summary_tracking.touch_cases(organization.pk)
