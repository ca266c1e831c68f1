"""The benchmark suite: `make bench` (see bench/README.md).

Builds the large synthetic dataset once (kept in its own embedded PostgreSQL under
var/bench, or in DATABASE_URL), then measures each target with PostgreSQL's own reference
for the same work in the same run, and writes the table to bench/results/<date>.md.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: Latency measures, taken once the server is done with the writes of the measures before them.
QUIET = {"api", "dashboard", "throughput"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=int(os.environ.get("BENCH_HOUSEHOLDS", 300_000)))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=5, help="Runs per measure; medians are reported.")
    parser.add_argument("--load-seconds", type=int, default=30)
    parser.add_argument("--import-rows", type=int, default=200_000, help="Events in the ACLED import measure's file.")
    parser.add_argument("--no-write", action="store_true", help="Print the table; do not write bench/results.")
    parser.add_argument(
        "--skip",
        default="",
        help=(
            "Comma-separated measures to leave out: generate, export, rebuild, refresh, api, dashboard,"
            " throughput, import."
        ),
    )
    args = parser.parse_args()

    # Production settings (no DEBUG query log, compressed static files), on this machine.
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "displacement.settings",
            "DEBUG": "false",
            "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-only-secret-key-not-for-production-0123456789",
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "SECURE_SSL_REDIRECT": "false",
            # Never reached, over a second: the throttle still runs, and keeps (and pickles, in
            # its cache) about as many past requests as a real rate's. Over a minute, it kept
            # the bench's own thousands: 0.31 ms a request after 3,000 of them, against 0.09.
            "API_RATE_PARTNER": "1000000/s",
            "API_RATE_STAFF": "1000000/s",
            "LOG_LEVEL": "WARNING",
        }
    )
    import django

    django.setup()
    from bench import dataset, import_measure, measures, page_measures, summary_measures, throughput

    started = time.monotonic()
    setup = dataset.prepare(households=args.households, seed=args.seed)
    skip = {name.strip() for name in args.skip.split(",") if name.strip()}
    plan = [
        ("generate", lambda: [measures.generate_rate(setup)]),
        ("export", lambda: [measures.partner_export(setup, runs=min(args.runs, 2))]),
        ("rebuild", lambda: [summary_measures.summary_rebuild(setup, runs=min(args.runs, 3))]),
        ("refresh", lambda: [summary_measures.summary_refresh(setup, runs=max(args.runs, 10))]),
        ("api", lambda: page_measures.api_pages(setup, runs=max(args.runs, 20))),
        ("dashboard", lambda: [page_measures.dashboard(setup, runs=max(args.runs, 20))]),
        ("throughput", lambda: [throughput.throughput(setup, seconds=args.load_seconds)]),
        ("import", lambda: import_measure.import_rate(rows=args.import_rows)),
    ]
    rows = []
    for name, measure in plan:
        if name in skip:
            continue
        if name in QUIET:
            dataset.settle()
        for row in measure():
            rows.append(row)
            # Each result as soon as it is known: a long bench stopped early still tells something.
            print(f"{row.what}: {row.product}" + (f" | reference {row.reference}" if row.reference else ""), flush=True)
    table = render(rows, setup, args, time.monotonic() - started)
    print(table)
    if not args.no_write:
        out = ROOT / "bench" / "results" / f"{datetime.date.today().isoformat()}.md"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(table)
        print(f"written to {out.relative_to(ROOT)}")
    return 0


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        total = int(Path("/proc/meminfo").read_text().split()[1]) // (1024 * 1024)
        memory = f", {total} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    from django.db import connection

    host = connection.settings_dict.get("HOST") or ""
    where = "embedded, on a local socket" if host.startswith("/") else f"server at {host}"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    return (
        f"{cpu}, {os.cpu_count()} cores{memory}; Linux {platform.release()}; Python {platform.python_version()}; "
        f"PostgreSQL {version} ({where})"
    )


def render(rows, setup, args, seconds) -> str:
    lines = [
        f"# Benchmark, {datetime.date.today().isoformat()}",
        "",
        f"Machine: {machine()}.",
        "",
        f"Dataset: `generate_synthetic --households {args.households:,} --seed {args.seed}`: "
        + ", ".join(f"{count:,} {name}" for name, count in setup.counts.items())
        + ".",
        "",
        f"Medians; each reference is measured in the same run. Whole bench: {seconds / 60:.1f} min.",
        "",
        "| what | product | reference in the same run | ratio | target | met |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row.what} | {row.product} | {row.reference or '-'} | {row.ratio or '-'} | {row.target} | "
            f"{'yes' if row.met else '**no**'} |"
        )
    notes = [row for row in rows if row.note]
    if notes:
        lines += ["", "Notes:", ""]
        lines += [f"- {row.what}: {row.note}" for row in notes]
    return "\n".join(lines) + "\n"


def median(values):
    return statistics.median(values) if values else float("nan")


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def run_child(*argv, env=None) -> str:
    result = subprocess.run(
        [sys.executable, *argv], cwd=ROOT, env={**os.environ, **(env or {})}, capture_output=True, text=True
    )
    if result.returncode:
        raise RuntimeError(result.stderr[-3000:])
    return result.stdout


if __name__ == "__main__":
    sys.exit(main())
