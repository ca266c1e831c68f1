"""/api/v1/displacements/: one move of a household, places generalised to the raion."""

from rest_framework import serializers

from api.base import APIViewSet, ListMixin, RetrieveMixin, WritableMixin
from api.serializers import PcodeField, ProjectionSerializer, RecordRefField, StrictWriteSerializer, person_date
from displacement import models as m
from displacement.selectors.filters import DisplacementFilter
from displacement.selectors.places import place_pcode
from displacement.selectors.projections import displacement_projection
from displacement.services.displacements import displacement_record, displacement_update


class DisplacementReadSerializer(ProjectionSerializer):
    projection = displacement_projection
    id = serializers.CharField()
    household = serializers.CharField()
    origin_adm1_pcode = serializers.CharField(allow_null=True)
    origin_adm1_name = serializers.CharField(allow_null=True)
    origin_adm2_pcode = serializers.CharField(allow_null=True)
    origin_adm2_name = serializers.CharField(allow_null=True)
    destination_adm1_pcode = serializers.CharField(allow_null=True)
    destination_adm1_name = serializers.CharField(allow_null=True)
    destination_adm2_pcode = serializers.CharField(allow_null=True)
    destination_adm2_name = serializers.CharField(allow_null=True)
    left_on = person_date()
    left_on_precision = serializers.CharField()
    arrived_on = person_date(allow_null=True)
    cause = serializers.CharField(allow_null=True)
    shelter_type = serializers.CharField()
    people_count = serializers.IntegerField(allow_null=True)


class DisplacementStaffSerializer(DisplacementReadSerializer):
    updated_at = serializers.DateTimeField(required=False, help_text="Staff only; partners sync with updated_since.")
    pk = serializers.IntegerField(required=False)
    origin = serializers.CharField(required=False, help_text="The exact origin P-code.")
    destination = serializers.CharField(required=False, allow_null=True, help_text="The exact destination P-code.")

    def to_representation(self, instance):
        return {
            **displacement_projection(instance, audience=None),
            "pk": instance.pk,
            "origin": place_pcode(instance.origin_id),
            "destination": place_pcode(instance.destination_id),
        }


class DisplacementWriteSerializer(StrictWriteSerializer):
    household = RecordRefField(model=m.Household, kind="household")
    origin = PcodeField()
    destination = PcodeField(required=False, allow_null=True)
    cause = RecordRefField(model=m.Event, kind="event", required=False, allow_null=True)

    class Meta:
        model = m.Displacement
        fields = [
            "household",
            "origin",
            "destination",
            "left_on",
            "left_on_precision",
            "arrived_on",
            "cause",
            "shelter_type",
            "people_count",
        ]

    def create(self, validated_data):
        viewer = self.context["viewer"]
        return self._call(displacement_record, organization=viewer.organization, by=viewer.user, **validated_data)

    def update(self, instance, validated_data):
        return self._call(displacement_update, displacement=instance, by=self.context["viewer"].user, **validated_data)


class DisplacementViewSet(
    WritableMixin,
    ListMixin,
    RetrieveMixin,
    APIViewSet,
):
    """Displacements: a household's moves; in date order they are its trajectory."""

    kind = "displacements"
    pseudonym_kind = "displacement"
    filterset_class = DisplacementFilter
    ordering_fields = ["updated_at", "left_on"]
    partner_serializer_class = DisplacementReadSerializer
    staff_serializer_class = DisplacementStaffSerializer
    write_serializer_class = DisplacementWriteSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
