"""demo_seed: seed the demo in one transaction, and what it reports back.

Holds the public API (demo_seed, DemoVolume, DemoSeedResult, DemoSeedError), the summary
models and the password helpers. The records themselves are written by the hand-written
seeder (``handwritten``) and the generated-volume seeder (``generated``).
"""

from __future__ import annotations

import os
import secrets
import time as clock
from collections import Counter
from dataclasses import dataclass, field
from typing import TextIO

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import Signal

from displacement.models import (
    Case,
    CaseNote,
    Consent,
    ContactDetails,
    Displacement,
    Event,
    Household,
    Membership,
    Organization,
    Person,
    Referral,
    ReportDefinition,
    SharingAgreement,
    Source,
    Testimony,
    TestimonyEvent,
)
from displacement.services import summary_tracking
from displacement.services.places import UKRAINE_FILES, PlacesLoadResult, places_load

#: Sent by the hand-written seeder, inside the demo's transaction, with ``organizations`` (by
#: slug) and ``result``: other apps add their part of the demo (``api.demo``: the partner's key).
demo_seeded = Signal()

PASSWORD_ENV = "DEMO_PASSWORD"  # noqa: S105 (the variable's name, not a password)

#: Models reported in the summary, in this order.
SUMMARY_MODELS = [
    Organization,
    get_user_model(),
    Membership,
    Source,
    Event,
    Household,
    Person,
    ContactDetails,
    Displacement,
    Testimony,
    TestimonyEvent,
    Consent,
    Case,
    CaseNote,
    Referral,
    SharingAgreement,
    ReportDefinition,
]


class DemoSeedError(Exception):
    """The demo cannot be seeded as asked (bad volume, bad password, gazetteer mismatch)."""


@dataclass(frozen=True)
class DemoVolume:
    """How many households to generate on top of the hand-written ones: the synthetic
    generator's size, which brings its events, people, moves, testimonies and cases."""

    households: int = 240

    def check(self) -> None:
        if self.households < 0:
            raise DemoSeedError("Volumes cannot be negative.")

    @property
    def empty(self) -> bool:
        return not self.households


DEFAULT_VOLUME = DemoVolume()
NO_VOLUME = DemoVolume(0)


@dataclass
class Login:
    username: str
    where: str
    password: str | None  # None: the user already existed, or the password came from the env
    created: bool


@dataclass
class DemoSeedResult:
    places: PlacesLoadResult
    created: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    logins: list[Login] = field(default_factory=list)
    api_key: str | None = None  # the demo partner's key, shown once when created
    generated: str = "skipped"  # "created", "present" or "skipped"
    generated_present: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def changed_anything(self) -> bool:
        return bool(sum(self.created.values())) or bool(self.places.created + self.places.updated)


def demo_seed(*, stdout: TextIO | None = None, volume: DemoVolume = DEFAULT_VOLUME) -> DemoSeedResult:
    """Seed the demo. All or nothing; a second run changes nothing."""
    # Imported here: the seeders import this module's result classes and password helpers.
    from displacement.demo.generated import generated_present, generated_seed
    from displacement.demo.handwritten import _HandWritten
    from displacement.demo.reports import demo_reports

    volume.check()
    _check_shared_password()
    started = clock.monotonic()

    def say(message: str) -> None:
        if stdout is not None:
            stdout.write(message + "\n")

    with transaction.atomic():
        places = places_load(paths=UKRAINE_FILES)
        say(f"Gazetteer: {places}")
        result = DemoSeedResult(places=places)
        seeder = _HandWritten(result)
        seeder.run()
        demo_reports(result, seeder.organizations)
        say("Hand-written records and scheduled reports: done.")
        dpn = seeder.organizations["dpn"]
        if volume.empty:
            result.generated = "skipped"
        elif any((present := generated_present(dpn)).values()):
            result.generated = "present"
            result.generated_present = present
            say("Generated volume: already present, left unchanged.")
        else:
            generated_seed(result=result, seeder=seeder, households=volume.households)
            result.generated = "created"
            say("Generated volume: created.")
        if result.changed_anything or result.generated == "created":
            # Written in bulk and in place, not through the services: its summaries are
            # refreshed, whole, once it commits (the dashboard is complete at once).
            for organization in seeder.organizations.values():
                summary_tracking.organization_touched(organization.pk)
    result.seconds = clock.monotonic() - started
    return result


def _check_shared_password() -> None:
    password = os.environ.get(PASSWORD_ENV)
    if not password:
        return
    try:
        validate_password(password)
    except ValidationError as exc:
        raise DemoSeedError(f"{PASSWORD_ENV} is not an acceptable password: {' '.join(exc.messages)}") from None


def _new_password() -> str:
    return secrets.token_urlsafe(18)  # 24 characters
