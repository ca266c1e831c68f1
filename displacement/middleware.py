"""Request middleware of our own."""

import uuid

from pghistory.middleware import HistoryMiddleware


class HistoryContextMiddleware(HistoryMiddleware):
    """Every history row written during a request carries the user, the URL, the method and a
    request id (also sent back as ``X-Request-ID``), so an entry can be traced to one request."""

    def get_context(self, request):
        request.request_id = request.headers.get("X-Request-ID", "")[:64] or uuid.uuid4().hex
        return {**super().get_context(request), "method": request.method, "request_id": request.request_id}

    def __call__(self, request):
        response = super().__call__(request)
        if getattr(request, "request_id", None):
            response["X-Request-ID"] = request.request_id
        return response
