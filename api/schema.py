"""OpenAPI details every operation shares: errors, CSV, If-Match, Idempotency-Key, examples."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse
from rest_framework import serializers


class ErrorBodySerializer(serializers.Serializer):
    status = serializers.IntegerField()
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class ErrorSerializer(serializers.Serializer):
    error = ErrorBodySerializer()


def _error(status: int, code: str, message: str, fields=None, description=""):
    return OpenApiResponse(
        response=ErrorSerializer,
        description=description or message,
        examples=[
            OpenApiExample(
                code,
                value={"error": {"status": status, "code": code, "message": message, "fields": fields or {}}},
                response_only=True,
                status_codes=[str(status)],
            )
        ],
    )


COMMON_ERRORS = {
    400: _error(
        400,
        "invalid",
        "The request has errors; see fields.",
        {"event_type": ["'bombing' is not allowed; use one of: battles, explosions_remote_violence, ..."]},
    ),
    401: _error(401, "authentication_failed", "Unknown or revoked API key."),
    403: _error(403, "permission_denied", "You do not have permission to perform this action."),
    429: _error(429, "throttled", "Request was throttled. Expected available in 30 seconds."),
}
DETAIL_ERRORS = {404: _error(404, "not_found", "No record with this id, or not one you may see.")}
WRITE_ERRORS = {
    413: _error(413, "request_too_large", "The body may be at most 262144 bytes."),
    422: _error(422, "idempotency_key_reused", "This Idempotency-Key was already used for a different request."),
}
BULK_WRITE_ERRORS = {
    **WRITE_ERRORS,
    413: _error(413, "request_too_large", "The body may be at most 4194304 bytes.", description="Over the bulk limit."),
}
CONFLICT_ERRORS = {
    409: _error(
        409,
        "conflict",
        "The request has errors; see fields.",
        {"external_id": ["Your organisation already has an event with the external id “UKR12345”; update it instead."]},
        description="The external id is already used by another of your records: upsert by it instead.",
    )
}
UPDATE_ERRORS = {
    412: _error(412, "precondition_failed", "The record changed since you read it: fetch it again and retry."),
    428: _error(428, "precondition_required", "Send If-Match with the ETag of the record you are changing."),
}


class APIAutoSchema(AutoSchema):
    def _is_list(self):
        return self.method == "GET" and not self._is_a_detail_path()

    def _is_a_detail_path(self):
        return "{" in self.path

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self._is_list():
            parameters.append(
                OpenApiParameter(
                    "format",
                    OpenApiTypes.STR,
                    enum=["json", "csv"],
                    description="`csv`: every matching record as UTF-8 CSV with an HXL hashtag row.",
                )
            )
        if self.method in ("POST", "PUT"):
            parameters.append(
                OpenApiParameter(
                    "Idempotency-Key",
                    OpenApiTypes.STR,
                    OpenApiParameter.HEADER,
                    description="Retrying with the same key returns the first answer and creates nothing twice.",
                )
            )
        if self.method == "PATCH":
            parameters.append(
                OpenApiParameter(
                    "If-Match",
                    OpenApiTypes.STR,
                    OpenApiParameter.HEADER,
                    required=True,
                    description="The ETag of the record as you last read it.",
                )
            )
        if self.method == "PUT":  # an upsert by external id: preconditions are optional
            parameters += [
                OpenApiParameter(
                    "If-Match",
                    OpenApiTypes.STR,
                    OpenApiParameter.HEADER,
                    description="Optional: the ETag of the record as you last read it (`*`: it must exist).",
                ),
                OpenApiParameter(
                    "If-None-Match",
                    OpenApiTypes.STR,
                    OpenApiParameter.HEADER,
                    enum=["*"],
                    description="Optional: `*` creates only; a record with this external id is a 412.",
                ),
            ]
        return parameters

    def get_response_serializers(self):
        success = super().get_response_serializers()
        if isinstance(success, dict):
            return success
        if self.method in ("POST", "PATCH", "PUT"):
            # Writes answer with the record as the writer reads it, not with what was sent.
            success = getattr(self.view, "staff_serializer_class", None) or success
        codes = {"POST": [201], "PUT": [200, 201]}.get(self.method, [200])
        responses = {**dict.fromkeys(codes, success), **COMMON_ERRORS, **DETAIL_ERRORS}  # lists: 404 for a bad cursor
        if self.method in ("POST", "PATCH", "PUT"):
            responses.update(WRITE_ERRORS)
        if self.method in ("POST", "PATCH") and getattr(self.view, "upsert_serializer_class", None):
            responses.update(CONFLICT_ERRORS)  # records with external ids: one id per organisation
        if self.method == "PATCH":
            responses.update(UPDATE_ERRORS)
        if self.method == "PUT":
            responses[412] = UPDATE_ERRORS[412]
        return responses


def add_csv_to_lists(result, generator, request, public):
    """Lists also answer ``text/csv`` (with ``?format=csv``): say so in the schema."""
    for path, operations in result.get("paths", {}).items():
        get = operations.get("get")
        if get and "{" not in path and "200" in get.get("responses", {}):
            content = get["responses"]["200"].setdefault("content", {})
            content["text/csv"] = {"schema": {"type": "string", "description": "UTF-8 CSV with an HXL row."}}
    return result
