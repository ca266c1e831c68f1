"""/api/v1/sources/: where information comes from (each organisation's own)."""

from rest_framework import serializers

from api.base import APIViewSet, ListMixin, RetrieveMixin, WritableMixin
from api.serializers import StrictWriteSerializer
from displacement import models as m
from displacement.selectors.access import scoped
from displacement.selectors.filters import SourceFilter
from displacement.services.sources import source_record, source_update


class SourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = m.Source
        fields = ["id", "kind", "title", "publisher", "url", "published_on", "reliability", "updated_at"]


class SourceWriteSerializer(StrictWriteSerializer):
    class Meta:
        model = m.Source
        fields = ["kind", "title", "publisher", "url", "published_on", "reliability"]

    def create(self, validated_data):
        viewer = self.context["viewer"]
        return self._call(source_record, organization=viewer.organization, by=viewer.user, **validated_data)

    def update(self, instance, validated_data):
        return self._call(source_update, source=instance, by=self.context["viewer"].user, **validated_data)


class SourceViewSet(
    WritableMixin,
    ListMixin,
    RetrieveMixin,
    APIViewSet,
):
    """Sources are not shared: every caller reads and writes its own organisation's."""

    kind = "sources"
    pseudonym_kind = "source"
    filterset_class = SourceFilter
    partner_serializer_class = SourceSerializer
    staff_serializer_class = SourceSerializer
    write_serializer_class = SourceWriteSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    @property
    def audience(self):
        return None  # own records: plain ids

    def get_queryset(self):
        viewer = self.viewer
        if viewer.is_partner:
            return m.Source.objects.filter(organization=viewer.organization)
        return scoped(m.Source, viewer)
