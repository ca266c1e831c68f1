"""KoboToolbox's data API (v2): ``GET /api/v2/assets/<uid>/data/?format=json&start=&limit=&query=&sort=``
with ``Authorization: Token <token>``.

The data API shows no time of edit (``_submission_time`` is when the first version arrived and
never moves), so a pull asks for what arrived after the watermark (``_id`` greater than the
last seen; ids only grow) **or** arrived in the last ``PULL_KOBO_EDIT_DAYS`` days, whose edits
it would otherwise miss. Sorted by ``_id``, in pages of ``start``/``limit`` (at most 1,000).
Submissions deleted in KoboToolbox are no longer listed: the pull cannot see them.
"""

from __future__ import annotations

import datetime
import json

from django.conf import settings

from displacement.models.pulls import KOBO_ASSET_UID

from .fetched import Fetched
from .http import Client, PullError

PLATFORM = "KoboToolbox"
#: ``_submission_time`` as KoboToolbox writes it (UTC, no offset): compared as text by its query.
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S"


class KoboPull:
    def __init__(self, *, server_url: str, token: str, asset_uid: str):
        if not KOBO_ASSET_UID.match(asset_uid or ""):
            raise PullError("The asset uid is letters and digits, as in the project's URL (/#/forms/<uid>/).")
        self.asset = f"{server_url.rstrip('/')}/api/v2/assets/{asset_uid}"
        self.client = Client(PLATFORM, {"Authorization": f"Token {token}"})

    def close(self) -> None:
        self.client.close()

    def check(self) -> str:
        """The project's name, when the token may read it."""
        asset, _ = self.client.json("GET", f"{self.asset}/", params={"format": "json"})
        if not isinstance(asset, dict):
            raise PullError(f"{PLATFORM} did not describe the project: is this a KoboToolbox server?")
        return str(asset.get("name") or "")

    def query(self, watermark: dict, now: datetime.datetime) -> dict | None:
        last_id = watermark.get("last_id")
        if last_id is None:
            return None  # the first pull reads everything
        since = now.astimezone(datetime.UTC) - datetime.timedelta(days=settings.PULL_KOBO_EDIT_DAYS)
        return {"$or": [{"_id": {"$gt": int(last_id)}}, {"_submission_time": {"$gte": since.strftime(TIME_FORMAT)}}]}

    def fetch(self, watermark: dict, *, now: datetime.datetime) -> Fetched:
        """Every submission new since ``watermark`` (and those of the edit window), all pages."""
        query = self.query(watermark, now)
        records: list[dict] = []
        fetched = Fetched(document={"results": records}, watermark=dict(watermark))
        limit = settings.PULL_PAGE_SIZE
        while True:
            params = {"format": "json", "start": len(records), "limit": limit, "sort": json.dumps({"_id": 1})}
            if query:
                params["query"] = json.dumps(query, separators=(",", ":"))
            page, body = self.client.json("GET", f"{self.asset}/data/", params=params)
            results = page.get("results") if isinstance(page, dict) else None
            if not isinstance(results, list):
                raise PullError(f"{PLATFORM} sent a page without 'results': is this the data API?")
            fetched.page(body)
            records.extend(results)
            if not results or not page.get("next"):
                break
        ids = [r["_id"] for r in records if isinstance(r, dict) and isinstance(r.get("_id"), int)]
        if ids:
            fetched.watermark["last_id"] = max([*ids, int(watermark.get("last_id") or 0)])
        return fetched
