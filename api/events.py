"""/api/v1/events/: attacks, battles and displacement events."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers

from api.base import APIViewSet, ListMixin, RetrieveMixin, WritableMixin
from api.schema import BULK_WRITE_ERRORS, COMMON_ERRORS
from api.serializers import PcodeField, ProjectionSerializer, StrictWriteSerializer
from api.upserts import BULK_MAX_ITEMS, BulkResultSerializer, UpsertMixin
from displacement import models as m
from displacement.selectors.event_aliases import by_external_id
from displacement.selectors.filters import EventFilter
from displacement.selectors.places import place_pcode
from displacement.selectors.projections import event_projection
from displacement.services.events import Upserted, event_record, event_update, event_upsert


class EventReadSerializer(ProjectionSerializer):
    """An event, de-identified: oblast and raion only, no free text."""

    projection = event_projection
    id = serializers.CharField(help_text="Partners: a pseudonymous id of their own; staff: E-<number>.")
    category = serializers.CharField()
    event_type = serializers.CharField()
    sub_event_type = serializers.CharField()
    displacement_kind = serializers.CharField()
    weapon = serializers.CharField()
    target = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField(allow_null=True)
    date_precision = serializers.CharField()
    adm1_pcode = serializers.CharField(allow_null=True)
    adm1_name = serializers.CharField(allow_null=True)
    adm2_pcode = serializers.CharField(allow_null=True)
    adm2_name = serializers.CharField(allow_null=True)
    killed = serializers.IntegerField(allow_null=True)
    injured = serializers.IntegerField(allow_null=True)
    affected = serializers.IntegerField(allow_null=True)
    civilian_targeting = serializers.BooleanField()
    verification_status = serializers.CharField()
    independent_sources = serializers.IntegerField(
        help_text="Independent sources behind the event: distinct publishers of its sources plus distinct "
        "households among its testimonies (three testimonies from one family count once). Partners: "
        "households count only through testimonies shared with partners (consent to sharing, not "
        "restricted). A count, never a name. Informs verification; never changes it."
    )
    single_source = serializers.BooleanField(help_text="Fewer than 2 independent sources (none counts as single).")
    sources_testimony = serializers.IntegerField(
        help_text="Of which testimonies: households, plus publishers of interviews."
    )
    sources_media = serializers.IntegerField(help_text="Of which media (and social media) publishers.")
    sources_official = serializers.IntegerField(help_text="Of which publishers of official statements.")
    sources_partner_report = serializers.IntegerField(help_text="Of which publishers of partner reports.")
    sources_satellite = serializers.IntegerField(help_text="Of which providers of satellite imagery.")


def event_staff_projection(event, *, audience=None):
    return {
        **event_projection(event, audience=None),
        "pk": event.pk,
        "title": event.title,
        "description": event.description,
        "external_id": event.external_id,
        "place": place_pcode(event.place_id),
        "geo_precision": event.geo_precision,
        "actor1": event.actor1,
        "actor2": event.actor2,
        "origin": event.origin,
        "import_run": event.import_run_id,
    }


class EventStaffSerializer(EventReadSerializer):
    """An event as its own organisation's staff read it."""

    updated_at = serializers.DateTimeField(required=False, help_text="Staff only; partners sync with updated_since.")
    projection = event_staff_projection
    pk = serializers.IntegerField(required=False)
    title = serializers.CharField(required=False)
    description = serializers.CharField(required=False)
    external_id = serializers.CharField(required=False)
    place = serializers.CharField(required=False, help_text="The exact P-code.")
    geo_precision = serializers.IntegerField(required=False)
    actor1 = serializers.CharField(required=False)
    actor2 = serializers.CharField(required=False)
    origin = serializers.CharField(required=False, help_text="Staff only: staff, or acled when imported.")
    import_run = serializers.IntegerField(
        required=False, allow_null=True, help_text="Staff only: the import that created or last changed it."
    )


class EventWriteSerializer(StrictWriteSerializer):
    place = PcodeField(help_text="P-code of the place, e.g. UA1214025.")
    read_only_names = (
        *StrictWriteSerializer.read_only_names,
        "verification_status",
        "verified_by",
        "verified_at",
        "origin",
        "import_run",
    )

    class Meta:
        model = m.Event
        fields = [
            "title",
            "description",
            "external_id",
            "category",
            "event_type",
            "sub_event_type",
            "displacement_kind",
            "weapon",
            "target",
            "start",
            "end",
            "date_precision",
            "place",
            "geo_precision",
            "killed",
            "injured",
            "affected",
            "civilian_targeting",
            "actor1",
            "actor2",
        ]

    def create(self, validated_data):
        viewer = self.context["viewer"]
        return self._call(event_record, organization=viewer.organization, created_by=viewer.user, **validated_data)

    def update(self, instance, validated_data):
        return self._call(event_update, event=instance, by=self.context["viewer"].user, **validated_data)


class EventUpsertSerializer(EventWriteSerializer):
    """A whole event under the writer's own external id. A field left out takes its default (a
    PUT replaces the event), so the same document sent again changes nothing."""

    external_id = serializers.CharField(
        max_length=60, trim_whitespace=False, help_text="Your own id of the event, e.g. ACLED's UKR12345."
    )

    def validate_external_id(self, value):
        if value != value.strip():
            raise serializers.ValidationError("No spaces at either end.")
        return value

    def validate(self, attrs):
        attrs = super().validate(attrs)
        left_out = [name for name in self.Meta.fields if name not in attrs]
        return {**{name: m.Event._meta.get_field(name).get_default() for name in left_out}, **attrs}

    def upsert(self) -> Upserted:
        viewer = self.context["viewer"]
        return self._call(event_upsert, organization=viewer.organization, by=viewer.user, **self.validated_data)


class EventPutSerializer(EventUpsertSerializer):
    """The body of a PUT by external id, as documented: the URL gives the external id."""

    external_id = serializers.CharField(
        max_length=60, trim_whitespace=False, required=False, help_text="Optional: the one in the URL."
    )


@extend_schema_view(
    by_external_id=[
        extend_schema(
            methods=["GET"],
            summary="Read one of your own events by your external id",
            description="With its ETag, for a later `If-Match`. Only your own organisation's events.",
        ),
        extend_schema(
            methods=["PUT"],
            summary="Create or replace one of your own events by your external id",
            description=(
                "201 when created, 200 when it existed (changed or not: a document equal to the event "
                "writes nothing). A field left out takes its default. `If-Match` is optional here."
            ),
            request=EventPutSerializer,
        ),
    ],
    bulk=extend_schema(
        summary=f"Create or replace up to {BULK_MAX_ITEMS} of your own events by their external ids",
        description=(
            f"A JSON list of at most {BULK_MAX_ITEMS} events, each with its `external_id`. Each item is "
            "written whole or not at all, in its own transaction; the answer has a result per item."
        ),
        request=EventUpsertSerializer(many=True),
        responses={200: BulkResultSerializer, **COMMON_ERRORS, **BULK_WRITE_ERRORS},
    ),
)
class EventViewSet(
    UpsertMixin,
    WritableMixin,
    ListMixin,
    RetrieveMixin,
    APIViewSet,
):
    """Events. Partners read what an agreement shares; staff and write-scoped keys record their own."""

    kind = "events"
    pseudonym_kind = "event"
    filterset_class = EventFilter
    ordering_fields = ["updated_at", "start"]  # never a nullable field: a cursor cannot page over NULLs
    partner_serializer_class = EventReadSerializer
    staff_serializer_class = EventStaffSerializer
    write_serializer_class = EventWriteSerializer
    upsert_serializer_class = EventUpsertSerializer
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def _known_by(self, records, external_id: str):
        """An event's own external id, or one it took when another event merged into it."""
        return by_external_id(records, organization=self.viewer.organization, external_id=external_id)
