"""The benchmark's dataset (made once, cached by version and size) and what a measure reports."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field

from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from displacement import models as m
from displacement.embedded import var_dir
from displacement.synthetic import PARTNER_SLUG, SLUG, synthetic_households
from displacement.synthetic import VERSION as SYNTHETIC_VERSION

CACHE = "bench-dataset.json"


@dataclass
class Row:
    what: str
    product: str
    target: str
    met: bool
    reference: str = ""
    ratio: str = ""
    note: str = ""


@dataclass
class Setup:
    owner: m.Organization
    partner: m.Organization
    key: str
    staff: m.User
    counts: dict[str, int]
    generated: dict = field(default_factory=dict)


# --- the dataset ---------------------------------------------------------------------------


def prepare(*, households: int, seed: int) -> Setup:
    """The dataset of that size and seed, built once and kept (var/bench or DATABASE_URL)."""
    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    if not m.Place.objects.filter(admin_level=3).exists():
        call_command("load_places", "--ukraine", verbosity=0)
    cache = var_dir() / CACHE
    cached = json.loads(cache.read_text()) if cache.exists() else {}
    wanted = {"households": households, "seed": seed, "version": SYNTHETIC_VERSION}
    if synthetic_households() != households or any(cached.get(name) != value for name, value in wanted.items()):
        print(f"building the dataset: {households:,} households, seed {seed} (once; kept for later runs)")
        from displacement.services.summaries import summaries_rebuild
        from displacement.synthetic import Progress, expected_rows, generate_synthetic, synthetic_delete

        synthetic_delete()
        result = generate_synthetic(
            households=households, seed=seed, force=True, progress=Progress(total=expected_rows(households))
        )
        summaries_rebuild(organization_id=m.Organization.objects.get(slug=SLUG).pk)
        cached = {**wanted, "rows": result.total, "seconds": result.seconds}
        cache.write_text(json.dumps(cached))
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    owner = m.Organization.objects.get(slug=SLUG)
    partner = m.Organization.objects.get(slug=PARTNER_SLUG)
    from api.models import OrganizationAPIKey

    OrganizationAPIKey.objects.filter(organization=partner, name="bench").delete()
    _, key = OrganizationAPIKey.objects.create_key(name="bench", organization=partner, scopes=["read"])
    staff, _ = m.User.objects.get_or_create(username="bench-coordinator", defaults={"is_staff": True})
    m.Membership.objects.get_or_create(user=staff, defaults={"organization": owner, "role": "coordinator"})
    counts = {
        "testimonies": m.Testimony.objects.filter(organization=owner).count(),
        "households": m.Household.objects.filter(organization=owner).count(),
        "people": m.Person.objects.filter(household__organization=owner).count(),
        "displacements": m.Displacement.objects.filter(organization=owner).count(),
        "events": m.Event.objects.filter(organization=owner).count(),
        "consents": m.Consent.objects.filter(testimony__organization=owner).count(),
    }
    return Setup(owner=owner, partner=partner, key=key, staff=staff, counts=counts, generated=cached)


def settle(*, seconds: int = 120) -> None:
    """Wait until the server has written out what the measures before wrote (a checkpoint)
    and autovacuum has finished with it: on two cores, a vacuum of the tables a rebuild just
    rewrote took one core from the pages being timed. At most ``seconds``."""
    with connection.cursor() as cursor:
        try:
            with transaction.atomic():
                cursor.execute("CHECKPOINT")  # superuser or pg_checkpoint; else the server's own
        except DatabaseError:
            pass
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'")
            if not cursor.fetchone()[0]:
                return
            time.sleep(1)
        print(f"autovacuum still running after {seconds} s; measuring anyway", flush=True)
