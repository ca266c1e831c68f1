"""Synthetic data at scale, for benchmarks and load tests: never for a production database.

A skewed, realistic-looking dataset drawn from ``random.Random(seed)``, so the same seed gives
the same records: most events in the frontline oblasts, most departures from them and most
arrivals in the centre and west, a share of households displaced two or three times, several
testimonies for the busiest events, consents of every purpose (some withdrawn), cases in
every status. Rows go in with PostgreSQL's COPY, in one transaction, with the tables' history
triggers (only those: `loader.history_triggers`) disabled for the load (they would double the work
and record nothing of value); the other triggers run;
foreign keys and check constraints stay enforced.

Sized by households: about 3.3 testimonies, 2.8 people, 1.45 displacements and 0.67 events
per household, so ``--households 300000`` gives the large benchmark size (1M testimonies).
Everything belongs to two organisations whose slugs start with ``synthetic``: the owner and
a partner that an agreement shares every kind with. The same generator, in another ``Frame``
(``frame.py``), makes the demo's generated volume at a small size (``displacement.demo.generated``).
"""

from displacement.synthetic.frame import Frame, Wording
from displacement.synthetic.generator import generate_in_frame
from displacement.synthetic.loader import TABLES, expected_rows, generate_synthetic, synthetic_delete
from displacement.synthetic.shape import (
    DESTINATION_WEIGHTS,
    END,
    ORIGIN_WEIGHTS,
    PARTNER_SLUG,
    SLUG,
    START,
    VERSION,
)
from displacement.synthetic.support import (
    Progress,
    SyntheticRefused,
    SyntheticResult,
    _reserve_ids,
    real_data_present,
    synthetic_households,
)

__all__ = [
    "DESTINATION_WEIGHTS",
    "END",
    "ORIGIN_WEIGHTS",
    "PARTNER_SLUG",
    "SLUG",
    "START",
    "TABLES",
    "VERSION",
    "Frame",
    "Progress",
    "SyntheticRefused",
    "SyntheticResult",
    "Wording",
    "_reserve_ids",
    "expected_rows",
    "generate_in_frame",
    "generate_synthetic",
    "real_data_present",
    "synthetic_delete",
    "synthetic_households",
]
