"""Account security: passwords, lockout, one answer for every username, headers, deployment."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("password", ["short-pass", "123456789012", "password1234"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_long_uncommon_password_is_accepted():
    validate_password("violet-tram-on-khreshchatyk")


def _login(client, username, password):
    return client.post(reverse("admin:login"), {"username": username, "password": password})


def _visible_text(response):
    text = response.content.decode()
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)
    return re.sub(r'value="[^"]*"', "", text)


def test_known_and_unknown_usernames_get_the_same_answer(client, coordinator):
    known = _login(client, "coordinator", "wrong-password-123")
    unknown = _login(client, "nobody-by-that-name", "wrong-password-123")
    assert known.status_code == unknown.status_code == 200
    assert _visible_text(known) == _visible_text(unknown)


def test_repeated_failures_lock_the_account_even_with_the_right_password(client, coordinator, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "coordinator", "wrong-password-123")
    locked = _login(client, "coordinator", "correct-horse-battery-staple")
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    assert b"Too many failed sign-in attempts" in locked.content
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "nobody-by-that-name", "wrong-password-123")
    unknown = _login(client, "nobody-by-that-name", "wrong-password-123")
    assert unknown.status_code == 429
    assert _visible_text(unknown) == _visible_text(locked)


def test_a_correct_password_signs_in_before_the_limit(client, coordinator):
    _login(client, "coordinator", "wrong-password-123")
    response = _login(client, "coordinator", "correct-horse-battery-staple")
    assert response.status_code == 302
    assert client.session.get_expire_at_browser_close()


def test_sessions_expire(settings):
    assert settings.SESSION_COOKIE_AGE <= 12 * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_security_headers_and_content_security_policy(client):
    response = client.get(reverse("admin:login"))
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";", 1)[0]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert len(response["X-Request-ID"]) == 32


def test_check_deploy_is_clean_with_production_settings():
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DEBUG"}},
        "DEBUG": "false",
        "SECRET_KEY": "a-production-secret-that-is-long-and-random-9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c",
        "ALLOWED_HOSTS": "cases.example.org",
        "DATABASE_URL": os.environ.get("DATABASE_URL") or "postgres://app@127.0.0.1:5432/app",
        "CELERY_BROKER_URL": os.environ.get("CELERY_BROKER_URL") or "redis://127.0.0.1:6379/0",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
