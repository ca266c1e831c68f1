"""Demo organisations and users: two NGOs and one user per role, plus an operations superuser.

The seeder looks organisations up by slug and users by username; other records name an
organisation by its key here (``"dpn"``, ``"esa"``).
"""

from displacement.models.vocab import (
    OrganizationKind,
    Role,
)

# --- Organisations and users -------------------------------------------------------------

ORGANIZATIONS = {
    "dpn": {
        "name": "Dnipro Protection Network",
        "slug": "dpn",
        "code": "UA-DNP",
        "kind": OrganizationKind.NGO,
    },
    "esa": {
        "name": "Eastern Shelter Alliance",
        "slug": "esa",
        "code": "UA-ESA",
        "kind": OrganizationKind.NGO,
    },
}

#: username, organisation key (None: operations, no membership), role, superuser.
USERS = [
    ("caseworker", "dpn", Role.CASEWORKER, False),
    ("coordinator", "dpn", Role.COORDINATOR, False),
    ("analyst", "dpn", Role.ANALYST, False),
    ("partner", "esa", Role.PARTNER, False),
    ("admin", None, None, True),
]
