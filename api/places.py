"""/api/v1/places/: the P-code gazetteer (OCHA, State Statistics Service of Ukraine; CC BY-IGO)."""

import re

from django.http import Http404
from django.shortcuts import get_object_or_404
from rest_framework import serializers

from api.base import APIViewSet, ListMixin, RetrieveMixin
from displacement import models as m
from displacement.selectors.filters import PlaceListFilter


class PlaceSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="pcode", read_only=True, allow_null=True)

    class Meta:
        model = m.Place
        fields = ["pcode", "name_en", "name_uk", "aliases", "admin_level", "parent", "latitude", "longitude"]


class PlaceViewSet(ListMixin, RetrieveMixin, APIViewSet):
    """Administrative units. Reference data: every caller reads all of it."""

    kind = "places"
    filterset_class = PlaceListFilter
    lookup_field = "pcode"
    ordering = ("pcode",)
    ordering_fields = ["pcode", "name_en", "updated_at"]
    partner_serializer_class = PlaceSerializer
    staff_serializer_class = PlaceSerializer

    def get_queryset(self):
        return m.Place.objects.select_related("parent")

    def get_object(self):
        pcode = self.kwargs["pcode"].upper()
        if not re.fullmatch(r"[A-Z0-9]{2,20}", pcode):
            raise Http404
        return get_object_or_404(self.get_queryset(), pcode=pcode)
