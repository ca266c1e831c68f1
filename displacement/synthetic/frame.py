"""Where the generator writes and in what words: the only things that differ between its two sizes.

The bench (``generate_synthetic``) writes into two organisations of its own with plain words;
the demo (``displacement.demo``) writes a small volume into its NGO, with the demo's users as
interviewers and caseworkers and words a visitor can read (they take draws of their own). The
bench's frame takes no draw more than the generator did alone: a seed gives the bench the rows
it gave before the demo shared the generator. Either is the same for its seed.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from displacement.synthetic.shape import END, NARRATIVE, START, SUMMARIES


class Wording:
    """The words of the records. The bench's: numbered titles, one narrative, no notes."""

    note = ""  # households' notes and events' descriptions
    closure = "Synthetic closure"
    withdrawal = "Synthetic withdrawal"

    def event_title(self, index: int, sub_type: str, place: int) -> str:
        return f"Synthetic event {index + 1}"

    def summary(self, rng: random.Random, place: int | None) -> str:
        return rng.choice(SUMMARIES)

    def narrative(self, rng: random.Random, place: int | None, language: str) -> str:
        return NARRATIVE


@dataclass(frozen=True)
class Frame:
    """The organisation the records belong to, the tag in their codes (``HH-SYN-0000001``), their
    dates, the users drawn as authors, interviewers and caseworkers (none: left empty), their words."""

    organization: int
    tag: str = "SYN"
    start: datetime.date = START
    end: datetime.date = END
    staff: tuple[int, ...] = ()
    wording: Wording = field(default_factory=Wording)

    @property
    def stamp(self) -> datetime.datetime:
        """The creation time of the records that have no date of their own: the day after the
        window, fixed so that the same seed gives the same rows."""
        return datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time(), tzinfo=datetime.UTC)
