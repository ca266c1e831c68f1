"""Settings come from the environment, are all documented, and refuse malformed values."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from displacement.env import env_bool, env_int, env_list, env_url

ROOT = Path(__file__).resolve().parent.parent


def test_every_variable_read_is_listed_in_env_example():
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M))
    read = set()
    for path in (ROOT / "displacement").rglob("*.py"):
        text = path.read_text()
        read |= set(re.findall(r'env_\w+\(\s*"([A-Z][A-Z0-9_]+)"', text))
        read |= set(re.findall(r'environ(?:\.get)?\(\s*"([A-Z][A-Z0-9_]+)"', text))
        read |= set(re.findall(r'environ\["([A-Z][A-Z0-9_]+)"\]', text))
    read -= {"DJANGO_SETTINGS_MODULE"}
    assert read, "the scan should find the variables settings read"
    assert read <= documented, f"missing from .env.example: {sorted(read - documented)}"


@pytest.mark.parametrize("raw", ["ture", "2", "enabled"])
def test_a_malformed_boolean_stops_the_app(monkeypatch, raw):
    monkeypatch.setenv("DEBUG", raw)
    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        env_bool("DEBUG", False)


def test_integers_lists_and_urls(monkeypatch):
    monkeypatch.setenv("SMALL_CELL_THRESHOLD", "2")
    with pytest.raises(ImproperlyConfigured, match="minimum of 3"):
        env_int("SMALL_CELL_THRESHOLD", 5, minimum=3)
    monkeypatch.setenv("SMALL_CELL_THRESHOLD", "five")
    with pytest.raises(ImproperlyConfigured, match="not an integer"):
        env_int("SMALL_CELL_THRESHOLD", 5, minimum=3)
    monkeypatch.setenv("ALLOWED_HOSTS", " a.org, b.org ,")
    assert env_list("ALLOWED_HOSTS", []) == ["a.org", "b.org"]
    monkeypatch.setenv("DATABASE_URL", "sqlite:///db.sqlite3")
    with pytest.raises(ImproperlyConfigured, match="expected one of: pgsql, postgres, postgresql"):
        env_url("DATABASE_URL", schemes={"postgres", "postgresql", "pgsql"})


def _import_settings(**env):
    environment = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import displacement.settings"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_without_a_secret_key_refuses_to_start():
    result = _import_settings(DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_sqlite_is_refused():
    result = _import_settings(DEBUG="true", DATABASE_URL="sqlite:///x.db")
    assert result.returncode != 0
    assert "DATABASE_URL has scheme 'sqlite'" in result.stderr


@pytest.mark.django_db
def test_queries_run_without_parallel_workers_unless_asked():
    """A page of 50 rows lost more starting PostgreSQL's workers than they gained."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone()[0] == "0"


def test_production_with_a_broker_other_than_redis_needs_a_cache_url():
    """Rate limits must count across processes: no per-process memory cache with DEBUG off."""
    result = _import_settings(DEBUG="false", SECRET_KEY="x" * 50, CELERY_BROKER_URL="amqp://u:p@127.0.0.1:5672//")
    assert result.returncode != 0
    assert "set CACHE_URL" in result.stderr
    given = _import_settings(
        DEBUG="false",
        SECRET_KEY="x" * 50,
        CELERY_BROKER_URL="amqp://u:p@127.0.0.1:5672//",
        CACHE_URL="redis://127.0.0.1:6379/1",
    )
    assert given.returncode == 0, given.stderr


def test_the_brokers_redis_is_the_cache_when_no_cache_url_is_given():
    from displacement.env import redis_cache_url

    assert redis_cache_url("redis://h:6379/4") == "redis://h:6379/4"
    assert redis_cache_url("redis+socket:///var/run/r.sock?virtual_host=2") == "unix:///var/run/r.sock?db=2"
    assert redis_cache_url("amqp://u:p@h:5672//") is None
