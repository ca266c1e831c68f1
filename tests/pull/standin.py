"""A stand-in KoboToolbox and ODK Central on 127.0.0.1 (port 0, a thread), serving the
documented payload shapes from records the test gives it, with faults on demand.

KoboToolbox: ``GET /api/v2/assets/<uid>/`` and ``/data/?format=json&start&limit&query&sort``
(``Authorization: Token``; the query's ``$or`` of ``_id $gt`` and ``_submission_time $gte``).
ODK Central: ``POST /v1/sessions``, ``DELETE /v1/sessions/current``, ``GET
/v1/projects/<p>/forms/<f>`` and its ``.svc/Submissions`` with ``$top``, ``$skiptoken``,
``$filter`` (``gt`` on ``__system`` timestamps joined by ``or``; ``__system/deletedAt ne null``)
and ``@odata.nextLink``; deleted submissions only when the filter names ``deletedAt``.
"""

from __future__ import annotations

import copy
import json
import re
import threading
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

from tests.importers.submission_fixtures import fixture_json

KOBO_TOKEN = "CANARY-kobo-token-5f2b9c0e7d"
ODK_EMAIL = "puller@ngo.example.org"
ODK_PASSWORD = "CANARY-odk-password-a81c44"
ASSET = "aFakeAssetUid0000000001"
PROJECT, FORM = 4, "testimony_intake"
SESSION = "odk-session-token-0001"


def _uuid(n: int, version: int) -> str:
    return f"6a1f0c8e-{version:04d}-4000-8000-{n:012d}"


def kobo_record(n: int, *, version: int = 1, submitted: str = "2026-12-01T08:00:00", summary: str = "") -> dict:
    """Submission ``n`` of the KoboToolbox fixture, at ``version`` (an edit keeps ``_id`` and rootUuid)."""
    record = copy.deepcopy(fixture_json("kobo_data.json")["results"][0])
    record.update(
        {
            "_id": n,
            "_uuid": _uuid(n, version),
            "meta/instanceID": f"uuid:{_uuid(n, version)}",
            "meta/rootUuid": f"uuid:{_uuid(n, 1)}",
            "_submission_time": submitted,
            "_attachments": [],
        }
    )
    record.pop("meta/deprecatedID", None)
    if version > 1:
        record["meta/deprecatedID"] = f"uuid:{_uuid(n, version - 1)}"
    if summary:
        record["account/summary"] = summary
    return record


def odk_row(
    n: int, *, version: int = 1, submitted: str, updated: str | None = None, deleted: str | None = None
) -> dict:
    row = copy.deepcopy(fixture_json("odk_submissions_expanded.json")["value"][0])
    row["__id"] = f"uuid:{_uuid(n, 1)}"
    row["__system"].update(
        {"submissionDate": submitted, "updatedAt": updated, "deletedAt": deleted, "edits": version - 1}
    )
    row["meta"] = {"instanceID": f"uuid:{_uuid(n, version)}"}
    if version > 1:
        row["meta"]["deprecatedID"] = f"uuid:{_uuid(n, version - 1)}"
    return row


def _later(value: str | None, than: str) -> bool:
    def moment(text):
        return datetime.fromisoformat(text.replace("Z", "+00:00"))

    return bool(value) and moment(value) > moment(than)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # quiet
        pass

    def do_GET(self):
        self.server.standin.handle(self, "GET")

    def do_POST(self):
        self.server.standin.handle(self, "POST")

    def do_DELETE(self):
        self.server.standin.handle(self, "DELETE")


class StandIn:
    def __init__(self):
        self.kobo: list[dict] = []
        self.odk: list[dict] = []
        self.requests: list[dict] = []
        #: Attachments served (with the platform's authorisation) by path.
        self.files: dict[str, bytes] = {}
        #: Faults, each used once: {"path": substring, "status": 429, "headers": {...}} or {"path", "drop": True}.
        self.faults: list[dict] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.standin = self
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    # --- plumbing ------------------------------------------------------------------------

    def _send(self, handler, status: int, payload, headers: dict | None = None, drop: bool = False):
        body = json.dumps(payload).encode() if not isinstance(payload, bytes) else payload
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body)))
        if drop:
            handler.send_header("Connection", "close")
        handler.end_headers()
        handler.wfile.write(body[: len(body) // 2] if drop else body)
        handler.wfile.flush()
        if drop:
            handler.close_connection = True

    def handle(self, handler, method: str):
        parts = urlsplit(handler.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        seen = {"method": method, "path": parts.path, "query": query, "headers": dict(handler.headers), "body": body}
        self.requests.append(seen)
        for fault in list(self.faults):
            if fault["path"] in parts.path and fault.get("when", lambda q: True)(query):
                self.faults.remove(fault)
                if fault.get("drop"):
                    status, payload = self._route(method, parts.path, query, handler.headers, body)
                    return self._send(handler, status, payload, drop=True)
                return self._send(handler, fault["status"], {"detail": "slow down"}, fault.get("headers"))
        status, payload = self._route(method, parts.path, query, handler.headers, body)
        return self._send(handler, status, payload)

    def _route(self, method, path, query, headers, body):
        if path.startswith("/api/v2/"):
            if headers.get("Authorization") != f"Token {KOBO_TOKEN}":
                return 401, {"detail": "Invalid token."}
            if path == f"/api/v2/assets/{ASSET}/":
                return 200, {"uid": ASSET, "name": "Testimony intake (stand-in)", "asset_type": "survey"}
            if path == f"/api/v2/assets/{ASSET}/data/":
                return self._kobo_data(query)
            if path in self.files:
                return 200, self.files[path]
            return 404, {"detail": "Not found."}
        if path == "/v1/sessions" and method == "POST":
            given = json.loads(body or b"{}")
            if given != {"email": ODK_EMAIL, "password": ODK_PASSWORD}:
                return 401, {"code": 401.2, "message": "Could not authenticate with the provided credentials."}
            return 200, {"token": SESSION, "expiresAt": "2099-01-01T00:00:00.000Z"}
        if headers.get("Authorization") != f"Bearer {SESSION}":
            return 401, {"code": 401.2, "message": "Could not authenticate with the provided credentials."}
        if path == "/v1/sessions/current" and method == "DELETE":
            return 200, {"success": True}
        form = f"/v1/projects/{PROJECT}/forms/{FORM}"
        if path == form:
            return 200, {"xmlFormId": FORM, "name": "Testimony intake (stand-in)", "projectId": PROJECT}
        if path == f"{form}.svc/Submissions":
            return self._odk_submissions(query)
        if path in self.files:
            return 200, self.files[path]
        return 404, {"code": 404.1, "message": "Could not find the resource you were looking for."}

    # --- KoboToolbox -------------------------------------------------------------------------

    def _kobo_data(self, query):
        limit, start = int(query.get("limit", 100)), int(query.get("start", 0))
        if limit > 1000:
            return 400, {"detail": "limit is at most 1000"}
        rows = sorted(self.kobo, key=lambda r: r["_id"])
        if "query" in query:
            rows = [r for r in rows if self._kobo_match(r, json.loads(query["query"]))]
        page = rows[start : start + limit]
        more = start + limit < len(rows)
        following = {**query, "start": start + limit}
        nxt = f"{self.url}/api/v2/assets/{ASSET}/data/?{urlencode(following)}" if more else None
        return 200, {"count": len(rows), "next": nxt, "previous": None, "results": page}

    def _kobo_match(self, record, condition) -> bool:
        if "$or" in condition:
            return any(self._kobo_match(record, c) for c in condition["$or"])
        for key, test in condition.items():
            for op, value in test.items():
                if op == "$gt" and not record[key] > value:
                    return False
                if op == "$gte" and not record[key] >= value:
                    return False
        return True

    # --- ODK Central -------------------------------------------------------------------------

    def _odk_submissions(self, query):
        rows = self.odk
        condition = query.get("$filter", "")
        if "deletedAt" in condition:
            rows = [r for r in rows if r["__system"]["deletedAt"]]
        else:
            rows = [r for r in rows if not r["__system"]["deletedAt"]]
        tests = re.findall(r"__system/(\w+) gt (\S+)", condition)  # clauses joined by "or"
        if tests:
            rows = [r for r in rows if any(_later(r["__system"][k], v) for k, v in tests)]
        top, skip = int(query.get("$top", 1000)), int(query.get("$skiptoken", 0))
        page = rows[skip : skip + top]
        document = {
            "@odata.context": f"{self.url}/v1/projects/{PROJECT}/forms/{FORM}.svc/$metadata#Submissions",
            "value": page,
        }
        if skip + top < len(rows):
            following = {**query, "$skiptoken": skip + top}
            document["@odata.nextLink"] = (
                f"{self.url}/v1/projects/{PROJECT}/forms/{FORM}.svc/Submissions?{urlencode(following)}"
            )
        return 200, document
