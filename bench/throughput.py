"""Throughput: gunicorn with 2 workers under concurrent keep-alive clients."""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import threading
import time

from django.conf import settings

from bench.dataset import Row, Setup
from bench.page_measures import FILTERS
from bench.run import ROOT, percentile

# --- throughput ----------------------------------------------------------------------------


def throughput(setup: Setup, *, seconds: int) -> Row:
    """gunicorn with 2 workers; 20 concurrent keep-alive clients (threads of this process)."""
    port = 8799
    env = {
        **os.environ,
        "DATABASE_URL": settings.DATABASE_URL,
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "displacement.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        _wait_for(port)
        paths = [f"/api/v1/{resource}/?page_size=50" for resource in FILTERS] + [
            "/api/v1/events/?place=UA14&page_size=50",
            "/api/v1/testimonies/?recorded_after=2025-06-01&page_size=50",
        ]
        latencies: list[float] = []
        errors = [0]
        stop = time.monotonic() + seconds
        lock = threading.Lock()

        def client(offset: int):
            connection_ = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            index = offset
            mine = []
            while time.monotonic() < stop:
                path = paths[index % len(paths)]
                index += 1
                started = time.perf_counter()
                try:
                    connection_.request("GET", path, headers={"Authorization": f"Api-Key {setup.key}"})
                    response = connection_.getresponse()
                    response.read()
                    if response.status != 200:
                        with lock:
                            errors[0] += 1
                except (OSError, http.client.HTTPException):
                    with lock:
                        errors[0] += 1
                    connection_.close()
                    connection_ = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                mine.append(time.perf_counter() - started)
            with lock:
                latencies.extend(mine)

        threads = [threading.Thread(target=client, args=(i,)) for i in range(20)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    rate = len(latencies) / elapsed
    return Row(
        what=f"API throughput: gunicorn, 2 workers, 20 clients on loopback, {seconds} s",
        product=f"{rate:,.0f} requests/s, p95 {percentile(latencies, 0.95) * 1000:.0f} ms, {errors[0]} errors",
        target="report; 0 errors",
        met=errors[0] == 0,
        note="the clients are threads of the bench process, on the same 2 cores as gunicorn and PostgreSQL",
    )


def _wait_for(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            probe = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            probe.request("GET", "/api/v1/schema/")
            probe.getresponse().read()
            return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("gunicorn did not start")
