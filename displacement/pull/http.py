"""The one HTTP client of a pull: timeouts, a bounded wait on 429/503 with Retry-After, and
errors whose text names the server and the status, never a header, a body or a secret."""

from __future__ import annotations

import email.utils
import json
import logging
import time
from datetime import UTC, datetime
from urllib.parse import urlsplit

import requests
from django.conf import settings

logger = logging.getLogger(__name__)

#: Replaced by tests to wait without waiting.
sleep = time.sleep


class PullError(Exception):
    """The pull stopped; the message (safe to store and show) says why. Nothing was imported."""


class PullRefused(PullError):
    """The server refused the credentials (401) or the access (403)."""


class PullNotFound(PullError):
    """404: no such project, form or file."""


def where(url: str) -> str:
    """The scheme, host and path of ``url``: what an error may name."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or ''}{f':{parts.port}' if parts.port else ''}{parts.path}"


def retry_after(value: str | None) -> float | None:
    """Retry-After in seconds (a number, or an HTTP date), or None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())


class Client:
    """A session with the platform's authorisation header; ``name`` says which platform in errors."""

    def __init__(self, name: str, headers: dict[str, str] | None = None):
        self.name = name
        self.session = requests.Session()
        self.session.headers.update({"Accept": "application/json", **(headers or {})})
        self.timeout = settings.PULL_TIMEOUT_SECONDS

    def authorise(self, header: str) -> None:
        self.session.headers["Authorization"] = header

    def close(self) -> None:
        self.session.close()

    def request(self, method: str, url: str, *, params=None, json_body=None) -> requests.Response:
        waited = 0.0
        for attempt in range(settings.PULL_RETRIES + 1):
            try:
                response = self.session.request(
                    method, url, params=params, json=json_body, timeout=self.timeout, allow_redirects=False, stream=True
                )
            except requests.Timeout:
                raise PullError(f"{self.name} did not answer within {self.timeout} s ({where(url)}).") from None
            except requests.RequestException as exc:
                raise PullError(f"{self.name} could not be reached ({where(url)}: {type(exc).__name__}).") from None
            if response.status_code in (429, 503):
                delay = retry_after(response.headers.get("Retry-After"))
                response.close()
                limit = settings.PULL_RETRY_AFTER_MAX_SECONDS
                if delay is None or attempt == settings.PULL_RETRIES or waited + delay > limit:
                    raise PullError(
                        f"{self.name} is busy (HTTP {response.status_code}"
                        + (f", retry after {delay:.0f} s" if delay is not None else "")
                        + f"); the pull stopped and will try again at the next beat ({where(url)})."
                    )
                logger.info("%s asks to wait %.0f s (HTTP %s)", self.name, delay, response.status_code)
                sleep(delay)
                waited += delay
                continue
            if response.status_code in (401, 403):
                response.close()
                what = "refused the credentials" if response.status_code == 401 else "refused access"
                raise PullRefused(
                    f"{self.name} {what} (HTTP {response.status_code}, {where(url)}): "
                    "check the token or account, and its permission on the form."
                )
            if response.status_code == 404:
                response.close()
                raise PullNotFound(f"{self.name} has no such form, project or file (HTTP 404, {where(url)}).")
            if response.status_code >= 300:
                response.close()
                raise PullError(f"{self.name} answered HTTP {response.status_code} ({where(url)}).")
            return response
        raise AssertionError("unreachable")  # the loop returns or raises

    def json(self, method: str, url: str, *, params=None, json_body=None) -> tuple[object, bytes]:
        """The response's JSON and its bytes; a body cut short (the server went away mid-page)
        or not JSON is an error."""
        response = self.request(method, url, params=params, json_body=json_body)
        try:
            body = response.content
        except (requests.RequestException, OSError) as exc:
            raise PullError(
                f"{self.name} went away in the middle of a page ({where(url)}: {type(exc).__name__})."
            ) from None
        try:
            return json.loads(body), body
        except ValueError:
            raise PullError(f"{self.name} sent a page that is not whole JSON ({where(url)}).") from None
