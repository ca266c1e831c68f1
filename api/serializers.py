"""Serializer bases: projections out, strict validated input in."""

from __future__ import annotations

import re
from contextlib import contextmanager

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.errors import Conflict
from displacement import models as m
from displacement.selectors import pseudonyms
from displacement.selectors.access import scoped
from displacement.services.events import DuplicateExternalId


@contextmanager
def service_errors():
    """A service's refusal as the API answers it: a 400 with field errors, or a 409 when the
    record would collide with one that exists (an external id already used)."""
    try:
        yield
    except DuplicateExternalId as error:
        raise Conflict(serializers.as_serializer_error(error)) from None
    except DjangoValidationError as error:
        raise serializers.ValidationError(serializers.as_serializer_error(error)) from None


class ProjectionSerializer(serializers.Serializer):
    """Read-only: renders a record through its one projection function.

    Subclasses declare every field explicitly (the OpenAPI schema documents them) and name
    the projection; the projection decides what is shown to whom.
    """

    projection = None

    def to_representation(self, instance):
        return type(self).projection(instance, audience=self.context.get("audience"))


def person_date(**kwargs) -> serializers.CharField:
    """A date about people, as ``selectors.person_dates`` gives it (the schema's documentation)."""
    return serializers.CharField(
        help_text="ISO 8601. Staff, and a partner for its own records: the day (2026-06-03). A partner, for "
        "records shared with it: at the precision of the owner's agreement: the ISO week (2026-W23, the "
        "default), the month (2026-06) or the day.",
        **kwargs,
    )


class PcodeField(serializers.SlugRelatedField):
    """A place given by its P-code."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="pcode", queryset=m.Place.objects.all(), **kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str) or not re.fullmatch(r"[A-Za-z0-9]{2,20}", data.strip()):
            raise serializers.ValidationError("Give a P-code, e.g. UA1214025.")
        return super().to_internal_value(data.strip().upper())


@extend_schema_field(OpenApiTypes.STR)
class RecordRefField(serializers.Field):
    """A reference to one of the writer's own organisation's records, by the id they read.

    Partners send the pseudonymous id they received; staff send the numeric id. A record of
    another organisation, or one the writer cannot see, does not exist for them.
    """

    def __init__(self, *, model, kind, **kwargs):
        self.model, self.kind = model, kind
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        viewer, audience = self.context["viewer"], self.context.get("audience")
        text = str(data)
        if audience is not None:
            pk = pseudonyms.decode(self.kind, text, audience.pk)
        else:
            pk = int(text) if text.isascii() and text.isdigit() and len(text) < 19 else None
        own = self.model._default_manager.filter(organization=viewer.organization)
        if viewer.is_staff_member:
            own = scoped(self.model, viewer, own)
        record = own.filter(pk=pk).first() if pk else None
        if record is None:
            raise serializers.ValidationError(f"No {self.kind} with id '{data}' in your organisation.")
        return record

    def to_representation(self, value):
        return str(value.pk)


class StrictWriteSerializer(serializers.ModelSerializer):
    """Refuses unknown and read-only fields instead of ignoring them; validates with the model.

    ``read_only_names`` lists fields a client might try to set but never may (organisation,
    author, verification, consent): sending them is a 400 that says so.
    """

    read_only_names: tuple[str, ...] = ("id", "organization", "created_by", "created_at", "updated_at")

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError({"non_field_errors": ["Send a JSON object."]})
        errors = {}
        writable = {name for name, field in self.fields.items() if not field.read_only}
        for name in data:
            if name in self.read_only_names or (name in self.fields and name not in writable):
                errors[name] = ["This field is read-only."]
            elif name not in self.fields:
                errors[name] = [f"Unknown field; allowed: {', '.join(sorted(writable))}."]
        if errors:
            raise serializers.ValidationError(errors)
        return super().to_internal_value(data)

    def create(self, validated_data):
        raise NotImplementedError("a write serializer calls the service of its record kind")

    def update(self, instance, validated_data):
        raise NotImplementedError("a write serializer calls the service of its record kind")

    def _call(self, service, **kwargs):
        """One call to a service; its refusals are the API's 400 with field errors (a 409 for an
        external id already used)."""
        with service_errors():
            return service(**kwargs)
