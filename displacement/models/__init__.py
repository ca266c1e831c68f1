"""Domain models, one module per concept; this package only re-exports them."""

from .cases import Case, CaseNote, CaseSequence, Referral
from .displacements import Displacement
from .events import Event
from .households import ContactDetails, Household, Person
from .organizations import Membership, Organization, User
from .places import AdminLevel, Place
from .sources import Attachment, Source
from .testimonies import Consent, Testimony, TestimonyEvent

__all__ = [
    "AdminLevel",
    "Attachment",
    "Case",
    "CaseNote",
    "CaseSequence",
    "Consent",
    "ContactDetails",
    "Displacement",
    "Event",
    "Household",
    "Membership",
    "Organization",
    "Person",
    "Place",
    "Referral",
    "Source",
    "Testimony",
    "TestimonyEvent",
    "User",
]
