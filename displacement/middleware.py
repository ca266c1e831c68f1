"""Request middleware of our own."""

import re
import uuid

from pghistory.middleware import HistoryMiddleware

#: What of a client's own ``X-Request-ID`` is kept (apart, as ``client_request_id``).
CLIENT_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


class HistoryContextMiddleware(HistoryMiddleware):
    """Every history row written during a request carries the user, the URL, the method and a
    request id (also sent back as ``X-Request-ID``), so an entry can be traced to one request.

    The server makes the id, always: a client's ``X-Request-ID`` would let it forge an id or
    collide with another request's. A client's own value, when it is a plain token, is kept
    apart as ``client_request_id`` (for its support requests), and is never the id."""

    def get_context(self, request):
        request.request_id = uuid.uuid4().hex
        context = {**super().get_context(request), "method": request.method, "request_id": request.request_id}
        offered = request.headers.get("X-Request-ID", "")
        if CLIENT_REQUEST_ID.fullmatch(offered):
            context["client_request_id"] = offered
        return context

    def __call__(self, request):
        response = super().__call__(request)
        if getattr(request, "request_id", None):
            response["X-Request-ID"] = request.request_id
        return response
