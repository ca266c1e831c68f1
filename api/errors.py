"""One error format for every failure: ``{"error": {"status", "code", "message", "fields"}}``."""

from django.http import JsonResponse
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler


def error_body(status_code: int, code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"status": status_code, "code": code, "message": message, "fields": fields or {}}}


def page_not_found(request, exception=None):
    """The site's 404 (``handler404``): an address under /api/ that no route takes answers in the
    API's error format, not with an HTML page; anywhere else, Django's page."""
    if request.path.startswith("/api/"):
        body = error_body(404, exceptions.NotFound.default_code, str(exceptions.NotFound.default_detail))
        return JsonResponse(body, status=404)
    return defaults.page_not_found(request, exception)


def flatten_detail(detail):
    if isinstance(detail, dict):
        return {key: flatten_detail(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [flatten_detail(item) for item in detail]
    return str(detail)


def api_exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    detail = exc.detail if isinstance(exc, exceptions.APIException) else response.data
    fields = {}
    if isinstance(detail, dict) and not (set(detail) <= {"detail"}):
        fields = flatten_detail(detail)
        message = "The request has errors; see fields."
    else:
        message = str(detail.get("detail") if isinstance(detail, dict) else detail)
    code = getattr(exc, "default_code", "error")
    if isinstance(exc, exceptions.ValidationError):
        code = "invalid"
    response.data = error_body(response.status_code, code, message, fields)
    return response


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_code = "precondition_required"
    default_detail = "Send If-Match with the ETag of the record you are changing."


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "precondition_failed"
    default_detail = "The record changed since you read it: fetch it again and retry."


class IdempotencyConflict(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "idempotency_key_reused"
    default_detail = "This Idempotency-Key was already used for a different request."


class Withdrawn(exceptions.APIException):
    status_code = status.HTTP_410_GONE
    default_code = "withdrawn"
    default_detail = "This report was withdrawn (see withdrawal_reason): delete any copy you hold."


class Conflict(exceptions.APIException):
    """The request collides with a record that exists (``fields`` says which value)."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = "The request conflicts with a record that exists."
