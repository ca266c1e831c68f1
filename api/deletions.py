"""/api/v1/deletions/: what to remove from a mirror (deleted, consent withdrawn, unshared)."""

from rest_framework import serializers

from api.base import APIViewSet, ListMixin
from displacement import models as m
from displacement.selectors import pseudonyms
from displacement.selectors.filters import SinceFilter, StrictFilterSet
from displacement.selectors.sharing import partner_tombstones

SINGULAR = {
    "events": "event",
    "testimonies": "testimony",
    "households": "household",
    "displacements": "displacement",
    "cases": "case",
    "summaries": "summary",
}


class DeletionFilter(StrictFilterSet):
    since = SinceFilter(
        field_name="created_at",
        parameter="since",
        required=True,
        help_text="Tombstones recorded since: the Sync-Token header of an earlier answer, or an ISO 8601 date or "
        "time (partners: from the start of its UTC day).",
    )
    updated_since = None

    class Meta:
        model = m.Tombstone
        fields = []


class DeletionSerializer(serializers.Serializer):
    record_kind = serializers.CharField()
    id = serializers.CharField(help_text="The id under which you received the record.")
    reason = serializers.CharField(help_text="deleted, consent_withdrawn, unshared or merged.")
    survivor_id = serializers.CharField(
        allow_null=True,
        help_text="Reason merged: the id, as you read it, of the record that took its place (null otherwise).",
    )
    deleted_on = serializers.DateField(help_text="The day only: an exact time would let partners join files.")

    def to_representation(self, instance):
        audience = self.context.get("audience")
        kind = SINGULAR[instance.record_kind]

        def read_id(pk):
            if pk is None:
                return None
            return pseudonyms.encode(kind, pk, audience.pk) if audience else str(pk)

        return {
            "record_kind": instance.record_kind,
            "id": read_id(instance.record_id),
            "reason": instance.reason,
            "survivor_id": read_id(instance.survivor_id),
            "deleted_on": instance.created_at.date(),
        }


class DeletionViewSet(ListMixin, APIViewSet):
    """Tombstones since a time: apply them after pulling ``updated_since`` to keep a mirror exact."""

    kind = "deletions"
    filterset_class = DeletionFilter
    ordering = ("created_at", "id")
    ordering_fields = ["created_at"]
    partner_serializer_class = DeletionSerializer

    def get_queryset(self):
        viewer = self.viewer
        if viewer.is_partner:
            return partner_tombstones(partner=viewer.organization)
        return m.Tombstone.objects.filter(organization=viewer.organization)
