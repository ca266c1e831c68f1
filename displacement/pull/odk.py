"""ODK Central: a session from ``POST /v1/sessions`` (account e-mail and password), then the
form's OData ``Submissions`` feed with ``$expand=*`` (repeat groups inline), following
``@odata.nextLink``.

Incremental: ``$filter=__system/submissionDate gt X or __system/updatedAt gt X`` (a new
submission has no ``updatedAt``; an edit or a review sets it), X the watermark less
``PULL_OVERLAP_SECONDS``; and the deleted ones, which the feed leaves out unless asked:
``$filter=__system/deletedAt gt Y`` (``ne null`` the first time). The session is ended
(``DELETE /v1/sessions/current``) when the pull is done.
"""

from __future__ import annotations

import contextlib
import datetime
from urllib.parse import quote, urlsplit

from django.conf import settings

from displacement.importers.submissions import SubmissionSetError, timestamp

from .fetched import Fetched
from .http import Client, PullError

PLATFORM = "ODK Central"


def _odata_time(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _latest(values: list[dict], keys: tuple[str, ...], before: str | None) -> str | None:
    """The latest of the ``__system`` timestamps ``keys`` over ``values`` and ``before``."""
    moments = [timestamp(before)] if before else []
    for value in values:
        system = value.get("__system") if isinstance(value.get("__system"), dict) else {}
        for key in keys:
            try:
                moment = timestamp(system.get(key))
            except SubmissionSetError:
                raise PullError(f"{PLATFORM} sent a {key} that is not a timestamp.") from None
            if moment:
                moments.append(moment)
    return _odata_time(max(moments)) if moments else None


class OdkPull:
    def __init__(self, *, server_url: str, email: str, password: str, project_id: int, form_id: str):
        self.base = server_url.rstrip("/")
        self.host = urlsplit(self.base).netloc
        self.form = f"{self.base}/v1/projects/{int(project_id)}/forms/{quote(form_id, safe='')}"
        self.credentials = {"email": email, "password": password}
        self.client = Client(PLATFORM)
        self.signed_in = False

    def sign_in(self) -> None:
        if self.signed_in:
            return
        session, _ = self.client.json("POST", f"{self.base}/v1/sessions", json_body=self.credentials)
        token = session.get("token") if isinstance(session, dict) else None
        if not token:
            raise PullError(f"{PLATFORM} gave no session token: is this an ODK Central server?")
        self.client.authorise(f"Bearer {token}")
        self.signed_in = True

    def close(self) -> None:
        if self.signed_in:
            with contextlib.suppress(PullError):  # else the session expires by itself
                self.client.request("DELETE", f"{self.base}/v1/sessions/current").close()
        self.client.close()

    def check(self) -> str:
        """The form's name, when the account may read it."""
        self.sign_in()
        form, _ = self.client.json("GET", self.form)
        if not isinstance(form, dict):
            raise PullError(f"{PLATFORM} did not describe the form.")
        return str(form.get("name") or form.get("xmlFormId") or "")

    def _feed(self, fetched: Fetched, filter_: str | None) -> tuple[str, list[dict]]:
        """Every page of the feed under ``filter_``: its @odata.context and its rows."""
        url = f"{self.form}.svc/Submissions"
        params = {"$expand": "*", "$top": settings.PULL_PAGE_SIZE}
        if filter_:
            params["$filter"] = filter_
        context, rows = "", []
        while url:
            page, body = self.client.json("GET", url, params=params)
            if not isinstance(page, dict) or not isinstance(page.get("value"), list):
                raise PullError(f"{PLATFORM} sent a page without 'value': is this the OData feed?")
            fetched.page(body)
            context = context or str(page.get("@odata.context") or "")
            rows.extend(page["value"])
            url, params = page.get("@odata.nextLink"), None
            if url and urlsplit(url).netloc != self.host:
                raise PullError(f"{PLATFORM} pointed the next page to another server; the pull stopped.")
        return context, rows

    def fetch(self, watermark: dict, *, now: datetime.datetime) -> Fetched:
        self.sign_in()
        overlap = datetime.timedelta(seconds=settings.PULL_OVERLAP_SECONDS)
        fetched = Fetched(document={}, watermark=dict(watermark))
        changed_since = watermark.get("changed")
        changed_filter = None  # the first pull reads every submission not deleted
        if changed_since:
            since = _odata_time(timestamp(changed_since) - overlap)
            changed_filter = f"__system/submissionDate gt {since} or __system/updatedAt gt {since}"
        context, changed = self._feed(fetched, changed_filter)
        deleted_since = watermark.get("deleted")
        deleted_filter = "__system/deletedAt ne null"
        if deleted_since:
            deleted_filter = f"__system/deletedAt gt {_odata_time(timestamp(deleted_since) - overlap)}"
        deleted_context, deleted = self._feed(fetched, deleted_filter)
        rows = {row.get("__id"): row for row in changed}
        rows.update({row.get("__id"): row for row in deleted})  # deleted since its last change: deleted
        fetched.document = {"@odata.context": context or deleted_context, "value": list(rows.values())}
        latest_change = _latest(changed, ("submissionDate", "updatedAt"), changed_since)
        latest_deletion = _latest(deleted, ("deletedAt",), deleted_since)
        fetched.watermark.update({k: v for k, v in (("changed", latest_change), ("deleted", latest_deletion)) if v})
        return fetched
