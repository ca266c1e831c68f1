"""Demo records and generator pools, as plain data; ``displacement.demo`` writes them.

Everything here is fictional. No record names a private person: contacts are
"Demo Contact NNN" with "+380 00 000 NNNN" phones, testimonies are in the first person
and name no one. Events are modelled on the kind of reports published in spring 2025
(the push towards the Dnipropetrovsk oblast border before 9 May) but their figures are
invented. Places are real OCHA P-codes; each is listed with its English name, and the
seeding checks the gazetteer agrees, so that a typo cannot misplace anyone.

Records refer to each other by the keys used here (``"dpn"``, ``"school_drone"``...).
One module per concept: ``people`` (organisations, users), ``places``, ``events``
(sources, events), ``households``, ``testimonies``, ``cases``, and ``pools`` (GEN_*, the
generated volume's words). The seeders read them as ``data.NAME`` through this package.
"""

from displacement.demo.data.cases import CASES
from displacement.demo.data.events import CIVILIANS, EVENTS, RUSSIA, SOURCES
from displacement.demo.data.households import HOUSEHOLDS
from displacement.demo.data.people import ORGANIZATIONS, USERS
from displacement.demo.data.places import PLACES
from displacement.demo.data.pools import (
    GEN_NARRATIVES_EN,
    GEN_NARRATIVES_UK,
    GEN_SUMMARIES,
)
from displacement.demo.data.testimonies import TESTIMONIES

__all__ = [
    "CASES",
    "CIVILIANS",
    "EVENTS",
    "GEN_NARRATIVES_EN",
    "GEN_NARRATIVES_UK",
    "GEN_SUMMARIES",
    "HOUSEHOLDS",
    "ORGANIZATIONS",
    "PLACES",
    "RUSSIA",
    "SOURCES",
    "TESTIMONIES",
    "USERS",
]
