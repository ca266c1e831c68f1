"""/api/v1/cases/: the follow-up of households, by status; never notes or identifiers."""

from rest_framework import serializers

from api.base import APIViewSet, ListMixin, RetrieveMixin, WritableMixin
from api.serializers import ProjectionSerializer, RecordRefField, StrictWriteSerializer, person_date
from displacement import models as m
from displacement.models.vocab import Need
from displacement.selectors.filters import CaseFilter
from displacement.selectors.projections import case_projection
from displacement.services.cases import case_open, case_update


class CaseReadSerializer(ProjectionSerializer):
    projection = case_projection
    id = serializers.CharField()
    household = serializers.CharField()
    status = serializers.CharField()
    priority = serializers.CharField()
    needs = serializers.ListField(child=serializers.CharField())
    opened_on = person_date()
    closed_on = person_date(allow_null=True)


class CaseStaffSerializer(CaseReadSerializer):
    updated_at = serializers.DateTimeField(required=False, help_text="Staff only; partners sync with updated_since.")
    pk = serializers.IntegerField(required=False)

    def to_representation(self, instance):
        return {**case_projection(instance, audience=None), "pk": instance.pk}


class CaseWriteSerializer(StrictWriteSerializer):
    """Opening a case needs its household; later changes move it through the workflow."""

    household = RecordRefField(model=m.Household, kind="household")
    needs = serializers.ListField(child=serializers.ChoiceField(choices=Need.choices), required=False)
    read_only_names = (
        *StrictWriteSerializer.read_only_names,
        "reference",
        "assigned_to",
        "closed_on",
        "notes",
        "referrals",
    )

    class Meta:
        model = m.Case
        fields = ["household", "status", "priority", "needs", "opened_on", "closure_reason"]

    def create(self, validated_data):
        return self._call(case_open, by=self.context["viewer"].user, **validated_data)

    def update(self, instance, validated_data):
        return self._call(case_update, case=instance, by=self.context["viewer"].user, **validated_data)


class CaseViewSet(
    WritableMixin,
    ListMixin,
    RetrieveMixin,
    APIViewSet,
):
    """Cases by status and priority. Assignment stays with coordinators in the admin."""

    kind = "cases"
    pseudonym_kind = "case"
    filterset_class = CaseFilter
    ordering_fields = ["updated_at", "opened_on"]
    partner_serializer_class = CaseReadSerializer
    staff_serializer_class = CaseStaffSerializer
    write_serializer_class = CaseWriteSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
