"""The pull's HTTP client: Retry-After in both forms, errors that name no secret, 403 and 5xx."""

import datetime
import email.utils
import re

import pytest

from displacement.pull.http import Client, PullError, PullRefused, retry_after, where


def test_retry_after_reads_seconds_and_http_dates():
    assert retry_after("12") == 12.0
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=30)
    assert 25 <= retry_after(email.utils.format_datetime(later, usegmt=True)) <= 30
    assert retry_after("soon") is None and retry_after(None) is None


def test_an_error_names_the_server_and_path_never_the_credentials_or_query():
    url = "https://user:s3cret@kf.example.org:8443/api/v2/assets/aUid/data/?token=s3cret"
    assert where(url) == "https://kf.example.org:8443/api/v2/assets/aUid/data/"


@pytest.mark.parametrize(("status", "error", "text"), [(403, PullRefused, "refused access (HTTP 403"),
                                                       (500, PullError, "answered HTTP 500"),
                                                       (503, PullError, "busy (HTTP 503)")])  # fmt: skip
def test_403_and_server_errors_stop_with_their_reason(standin, status, error, text):
    standin.faults = [{"path": "/api/v2/", "status": status}]
    client = Client("KoboToolbox", {"Authorization": "Token CANARY-not-logged"})
    with pytest.raises(error, match=re.escape(text)) as raised:
        client.json("GET", f"{standin.url}/api/v2/assets/aFakeAssetUid0000000001/")
    assert "CANARY" not in str(raised.value)


def test_a_server_that_does_not_answer_in_time_is_an_error(settings):
    import socket

    settings.PULL_TIMEOUT_SECONDS = 1
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # accepts, never answers
    try:
        with pytest.raises(PullError, match="did not answer within 1 s"):
            Client("ODK Central").json("GET", f"http://127.0.0.1:{listener.getsockname()[1]}/v1/projects")
    finally:
        listener.close()
