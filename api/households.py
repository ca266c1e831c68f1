"""/api/v1/households/: households as age bands and sexes, never identifiers."""

from rest_framework import serializers

from api.base import APIViewSet, ListMixin, RetrieveMixin, WritableMixin
from api.serializers import PcodeField, ProjectionSerializer, StrictWriteSerializer
from displacement import models as m
from displacement.selectors.filters import HouseholdFilter
from displacement.selectors.projections import household_projection
from displacement.services.households import household_register, household_update


class MemberSerializer(serializers.Serializer):
    age_band = serializers.CharField()
    sex = serializers.CharField()


class HouseholdReadSerializer(ProjectionSerializer):
    projection = household_projection
    id = serializers.CharField()
    size = serializers.IntegerField()
    children = serializers.IntegerField()
    members = MemberSerializer(many=True)
    vulnerabilities = serializers.DictField(child=serializers.IntegerField())
    current_adm1_pcode = serializers.CharField(allow_null=True)
    current_adm1_name = serializers.CharField(allow_null=True)
    current_adm2_pcode = serializers.CharField(allow_null=True)
    current_adm2_name = serializers.CharField(allow_null=True)


class HouseholdStaffSerializer(HouseholdReadSerializer):
    updated_at = serializers.DateTimeField(required=False, help_text="Staff only; partners sync with updated_since.")
    pk = serializers.IntegerField(required=False)

    def to_representation(self, instance):
        return {**household_projection(instance, audience=None), "pk": instance.pk}


class HouseholdWriteSerializer(StrictWriteSerializer):
    current_place = PcodeField(required=False, allow_null=True)
    read_only_names = (*StrictWriteSerializer.read_only_names, "code", "contact_details", "legal_hold")

    class Meta:
        model = m.Household
        fields = ["current_place"]

    def create(self, validated_data):
        viewer = self.context["viewer"]
        return self._call(household_register, organization=viewer.organization, by=viewer.user, **validated_data)

    def update(self, instance, validated_data):
        return self._call(household_update, household=instance, by=self.context["viewer"].user, **validated_data)


class HouseholdViewSet(
    WritableMixin,
    ListMixin,
    RetrieveMixin,
    APIViewSet,
):
    """Households. Contact details never leave the owning organisation, not even to its staff's API."""

    kind = "households"
    pseudonym_kind = "household"
    filterset_class = HouseholdFilter
    partner_serializer_class = HouseholdReadSerializer
    staff_serializer_class = HouseholdStaffSerializer
    write_serializer_class = HouseholdWriteSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
