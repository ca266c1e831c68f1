"""Rate limits count in a shared cache: one key's requests spread over several server processes
(gunicorn's workers, several machines) are limited together, not per process."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings

from api.models import OrganizationAPIKey
from tests.factories import OrganizationFactory
from tests.support.workers import ROOT, database_url

LIMIT = 6


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _serve(port: int, log) -> subprocess.Popen:
    """A production-like web process (DEBUG off, no CACHE_URL) on the suite's database and broker."""
    environment = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "a-test-secret-key-that-is-long-enough-for-the-checks-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "API_RATE_PARTNER": f"{LIMIT}/min",
    }
    environment.pop("CACHE_URL", None)
    command = [sys.executable, "-m", "gunicorn", "displacement.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}"]
    return subprocess.Popen(
        command, cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )


def _wait_until_listening(port: int, process, log) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        if process.poll() is not None:
            break
        time.sleep(0.2)
    log.seek(0)
    raise AssertionError(f"the server on port {port} did not start:\n{log.read()[-3000:]}")


def _status(port: int, key: str) -> int:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/places/?page_size=1",
        headers={"Authorization": f"Api-Key {key}", "X-Forwarded-Proto": "https"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (a local test server)
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.django_db(transaction=True)
def test_one_keys_requests_over_two_processes_are_limited_together(tmp_path):
    _api_key, key = OrganizationAPIKey.objects.create_key(
        name="sync", organization=OrganizationFactory(), scopes=["read"]
    )
    servers = []
    try:
        for _ in range(2):
            port, log = _free_port(), open(tmp_path / f"server-{len(servers)}.log", "w+")  # noqa: SIM115
            servers.append((port, _serve(port, log), log))
        for port, process, log in servers:
            _wait_until_listening(port, process, log)
        # In parallel, as an attacker sends them: no count may be lost between processes.
        with ThreadPoolExecutor(max_workers=8) as pool:
            answers = list(pool.map(lambda i: _status(servers[i % 2][0], key), range(4 * LIMIT)))
    finally:
        for _port, process, log in servers:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, 15)
            process.wait(timeout=30)
            log.close()
    assert answers.count(200) == LIMIT, answers
    assert answers.count(429) == 3 * LIMIT, answers


@pytest.mark.django_db
def test_requests_in_parallel_lose_no_count(rf, coordinator, settings, monkeypatch):
    """Every request reads the cache before any writes it (the worst interleaving, forced by a
    barrier): a count kept as a list read and written back (DRF's) let all of them through."""
    import threading

    from django.core.cache import cache
    from django.core.cache.backends.locmem import LocMemCache

    from api.throttling import PrincipalRateThrottle

    settings.API_RATE_STAFF = "3/min"
    cache.clear()
    arrivals = threading.Barrier(6, timeout=10)
    original_get = LocMemCache.get

    def get(self, *args, **kwargs):
        value = original_get(self, *args, **kwargs)
        with contextlib.suppress(threading.BrokenBarrierError):
            arrivals.wait()  # every request has read before any goes on
        return value

    monkeypatch.setattr(LocMemCache, "get", get)  # each thread has its own cache object
    request = rf.get("/api/v1/places/")
    request.user = coordinator
    answers = []

    def ask():
        answers.append(PrincipalRateThrottle().allow_request(request, None))

    threads = [threading.Thread(target=ask) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [False, False, False, True, True, True]


@pytest.fixture
def redis_cache(settings):
    """The default cache on the suite's Redis, as with DEBUG off, under a prefix of this test's own."""
    import uuid

    from displacement.env import redis_cache_url

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_cache_url(settings.CELERY_BROKER_URL),
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }
    from django.core.cache import caches

    cache = caches["default"]
    yield cache
    client = cache._cache.get_client(write=True)  # clear() would flush the shared db: only this test's keys
    for key in client.scan_iter(f"{cache.key_prefix}:*"):
        client.delete(key)


def _commands(monkeypatch) -> list:
    """The commands sent to Redis from now on."""
    import redis

    sent = []
    original = redis.Redis.execute_command

    def execute_command(self, *args, **options):
        sent.append(args[0])
        return original(self, *args, **options)

    monkeypatch.setattr(redis.Redis, "execute_command", execute_command)
    return sent


@pytest.mark.django_db
def test_on_redis_a_request_costs_one_round_trip(rf, coordinator, analyst, settings, redis_cache, monkeypatch):
    from api.throttling import PrincipalRateThrottle

    settings.API_RATE_STAFF = "3/min"
    warm = rf.get("/api/v1/places/")
    warm.user = analyst
    PrincipalRateThrottle().allow_request(warm, None)  # the script is loaded once per server
    sent = _commands(monkeypatch)
    request = rf.get("/api/v1/places/")
    request.user = coordinator
    throttle = PrincipalRateThrottle()
    answers = []
    for _ in range(5):
        answers.append(throttle.allow_request(request, None))
    assert answers == [True, True, True, False, False]
    assert len(sent) == 5, sent  # one command a request
    assert 58 <= throttle.wait() <= 60  # the window opened at the first request, a minute long


@pytest.mark.django_db
def test_on_redis_parallel_requests_lose_no_count_and_the_window_ends(rf, coordinator, settings, redis_cache):
    import threading

    from api.throttling import PrincipalRateThrottle

    settings.API_RATE_STAFF = "3/s"
    request = rf.get("/api/v1/places/")
    request.user = coordinator
    answers = []
    start = threading.Barrier(12, timeout=10)

    def ask():
        start.wait()
        answers.append(PrincipalRateThrottle().allow_request(request, None))

    threads = [threading.Thread(target=ask) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [False] * 9 + [True] * 3
    time.sleep(1.1)  # the window (a second) has ended: a new one opens
    assert PrincipalRateThrottle().allow_request(request, None) is True
