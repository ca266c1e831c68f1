"""One ACLED import in a process of its own, so that its peak memory is the import's:
python -m bench.import_child FILE ORG_SLUG (prints one JSON line)."""

import json
import os
import sys
import time
from pathlib import Path

from bench.export_child import peak_rss_mb


def main(path: str, slug: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "displacement.settings")  # the rest from the parent
    import django

    django.setup()
    from displacement.models import Organization
    from displacement.services.imports import import_run_execute, import_run_start

    organization = Organization.objects.get(slug=slug)
    started = time.perf_counter()
    with Path(path).open("rb") as handle:
        run = import_run_start(
            organization=organization,
            by=None,
            handle=handle,
            file_name=Path(path).name,
            dry_run=False,
            keep_file=False,
        )
    run = import_run_execute(run_id=run.pk, path=path)
    seconds = time.perf_counter() - started
    if run.status != "done":
        raise SystemExit(f"the import failed: {run.error}")
    print(json.dumps({
        "seconds": seconds, "created": run.created, "updated": run.updated, "unchanged": run.unchanged,
        "rejected": run.rejected, "flagged": run.flagged, "max_rss_mb": peak_rss_mb(),
    }))  # fmt: skip


if __name__ == "__main__":
    main(*sys.argv[1:3])
