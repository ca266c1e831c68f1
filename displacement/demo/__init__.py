"""Demo data: the gazetteer, two organisations, one user per role, hand-written records and a
generated volume. Idempotent: a second run finds everything and writes nothing.

Hand-written records (``displacement/demo/data/``) are looked up by natural keys before
anything is written: organisations by slug, users by username, households, people and
testimonies by their fixed ``…-DEMO…`` codes, events by (organisation, title, start),
sources by (organisation, title), displacements by (household, left_on), cases by
household. They go through the services (case_open, event_record, testimony_record...)
so that the demo exercises the same rules as the application.

The generated volume is the synthetic generator's (``displacement.synthetic``, the bench's
dataset) at a small size, in the demo's NGO: drawn from ``random.Random(SEED)``, so it is the
same on every machine, with ``…-GEN-…`` codes, and written with COPY. It is written all at once
or not at all: when generated households exist it is left alone.

Modules: ``seed`` (demo_seed, its volume and result, password helpers), ``handwritten``
(the hand-written seeder), ``generated`` (the generator's frame for the demo) and ``data`` (the
records and the generated volume's words, as plain data).
"""

from displacement.demo.seed import (
    DEFAULT_VOLUME,
    NO_VOLUME,
    PASSWORD_ENV,
    SUMMARY_MODELS,
    DemoSeedError,
    DemoSeedResult,
    DemoVolume,
    Login,
    demo_seed,
)

__all__ = [
    "DEFAULT_VOLUME",
    "NO_VOLUME",
    "PASSWORD_ENV",
    "SUMMARY_MODELS",
    "DemoSeedError",
    "DemoSeedResult",
    "DemoVolume",
    "Login",
    "demo_seed",
]
