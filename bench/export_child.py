"""One partner CSV export of all testimonies, in a process of its own, so that its peak
memory is the export's: python -m bench.export_child API_KEY (prints one JSON line)."""

import json
import os
import resource
import sys
import time
from pathlib import Path


def main(key: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "displacement.settings")  # the rest comes from bench.run
    import django

    django.setup()
    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Api-Key {key}")
    # Warm, as a server's worker is when a partner's export arrives: a fresh process's first
    # request imports the views, connects and builds the partner's gate (0.3-0.5 s here, a
    # tenth of the export's time). One page of the same list does it; the clock starts after.
    warm = client.get("/api/v1/testimonies/?page_size=1")
    if warm.status_code != 200:
        raise SystemExit(f"the warm-up page answered {warm.status_code}: {warm.content[:300]!r}")
    started = time.perf_counter()
    response = client.get("/api/v1/testimonies/?format=csv")
    if response.status_code != 200:
        raise SystemExit(f"the export answered {response.status_code}: {response.content[:300]!r}")
    size = lines = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        lines += chunk.count(b"\n")
    seconds = time.perf_counter() - started
    rows = lines - 2  # the header and HXL rows
    print(json.dumps({"rows": rows, "bytes": size, "seconds": seconds, "max_rss_mb": peak_rss_mb()}))


def peak_rss_mb() -> float:
    """This process's peak resident memory. On Linux from VmHWM, the high-water mark of the
    process's own memory: ``ru_maxrss`` survives exec, so a child started by a large parent (the
    bench process after it built the dataset, about 550 MB) reported the parent's size."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    main(sys.argv[1])
