"""Refuse oversized API requests with 413 before anything reads them (bulk writes may be larger)."""

from django.conf import settings
from django.http import JsonResponse

from api.errors import error_body


class RequestSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            bulk = request.method == "POST" and request.path.endswith("/bulk/")
            limit = settings.API_MAX_BULK_BODY_SIZE if bulk else settings.API_MAX_BODY_SIZE
            if length > limit:
                body = error_body(413, "request_too_large", f"The body may be at most {limit} bytes.")
                return JsonResponse(body, status=413)
        return self.get_response(request)
