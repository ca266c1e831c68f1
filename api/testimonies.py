"""/api/v1/testimonies/: what people told us, de-identified for partners."""

from rest_framework import serializers

from api.base import APIViewSet, ListMixin, RetrieveMixin, WritableMixin
from api.serializers import ProjectionSerializer, RecordRefField, StrictWriteSerializer, person_date
from displacement import models as m
from displacement.selectors.filters import TestimonyFilter
from displacement.selectors.projections import testimony_projection
from displacement.services.testimonies import testimony_record, testimony_update


class EventLinkSerializer(serializers.Serializer):
    event = serializers.CharField()
    relation = serializers.CharField()


class TestimonyReadSerializer(ProjectionSerializer):
    """A testimony. The narrative is present only when the testimony is public and the person
    consented to sharing (partners), or when the reader may read it (staff)."""

    projection = testimony_projection
    id = serializers.CharField()
    recorded_on = person_date()
    language = serializers.CharField()
    witness_role = serializers.CharField()
    household = serializers.CharField(allow_null=True)
    summary = serializers.CharField()
    narrative = serializers.CharField(allow_null=True)
    sensitivity = serializers.CharField()
    events = EventLinkSerializer(many=True)


class TestimonyStaffSerializer(TestimonyReadSerializer):
    updated_at = serializers.DateTimeField(required=False, help_text="Staff only; partners sync with updated_since.")
    pk = serializers.IntegerField(required=False)

    def to_representation(self, instance):
        viewer = self.context["viewer"]
        row = testimony_projection(instance, audience=None)
        row["pk"] = instance.pk
        row["narrative"] = instance.narrative if viewer.sees_narrative_of(instance) else None
        return row


class TestimonyWriteSerializer(StrictWriteSerializer):
    household = RecordRefField(model=m.Household, kind="household", required=False, allow_null=True)
    read_only_names = (*StrictWriteSerializer.read_only_names, "code", "consents", "interviewer")

    class Meta:
        model = m.Testimony
        fields = [
            "recorded_on",
            "language",
            "witness_role",
            "household",
            "summary",
            "narrative",
            "sensitivity",
        ]

    def create(self, validated_data):
        viewer = self.context["viewer"]
        return self._call(testimony_record, organization=viewer.organization, by=viewer.user, **validated_data)

    def update(self, instance, validated_data):
        return self._call(testimony_update, testimony=instance, by=self.context["viewer"].user, **validated_data)


class TestimonyViewSet(
    WritableMixin,
    ListMixin,
    RetrieveMixin,
    APIViewSet,
):
    """Testimonies. Consents are recorded by staff in the admin, never through the API."""

    kind = "testimonies"
    pseudonym_kind = "testimony"
    filterset_class = TestimonyFilter
    ordering_fields = ["updated_at", "recorded_on"]
    partner_serializer_class = TestimonyReadSerializer
    staff_serializer_class = TestimonyStaffSerializer
    write_serializer_class = TestimonyWriteSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
