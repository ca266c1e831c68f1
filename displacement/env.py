"""Typed readers for environment variables that fail loudly on malformed values.

Settings call these instead of ``os.environ.get`` so that a typo such as
``DEBUG=ture`` stops the process at start-up instead of silently meaning False.
"""

import os
from urllib.parse import parse_qs, urlparse

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value is None else value.strip()


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use one of 1/0, true/false, yes/no).")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer.") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={value} is below the minimum of {minimum}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_url(name: str, *, schemes: set[str]) -> str | None:
    """Return the URL in ``name``, or None when unset; refuse an unexpected scheme."""
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return None
    parsed = urlparse(raw.strip())
    if parsed.scheme not in schemes:
        allowed = ", ".join(sorted(schemes))
        raise ImproperlyConfigured(f"{name} has scheme {parsed.scheme!r}; expected one of: {allowed}.")
    return raw.strip()


def redis_cache_url(broker: str) -> str | None:
    """The broker's Redis as a URL for Django's Redis cache, or None when the broker is not Redis
    (kombu's ``redis+socket:///path?virtual_host=N`` is redis-py's ``unix:///path?db=N``)."""
    parsed = urlparse(broker)
    if parsed.scheme in {"redis", "rediss"}:
        return broker
    if parsed.scheme == "redis+socket":
        db = parse_qs(parsed.query).get("virtual_host", ["0"])[0]
        return f"unix://{parsed.path}?db={db}"
    return None
