"""Routes of the partner API, under /api/v1/."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from api.cases import CaseViewSet
from api.deletions import DeletionViewSet
from api.displacements import DisplacementViewSet
from api.events import EventViewSet
from api.households import HouseholdViewSet
from api.places import PlaceViewSet
from api.reports import ReportRunViewSet
from api.sources import SourceViewSet
from api.summaries import SummaryViewSet
from api.testimonies import TestimonyViewSet

app_name = "api"
router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("events", EventViewSet, basename="event")
router.register("testimonies", TestimonyViewSet, basename="testimony")
router.register("cases", CaseViewSet, basename="case")
router.register("households", HouseholdViewSet, basename="household")
router.register("displacements", DisplacementViewSet, basename="displacement")
router.register("places", PlaceViewSet, basename="place")
router.register("sources", SourceViewSet, basename="source")
router.register("summaries", SummaryViewSet, basename="summary")
router.register("deletions", DeletionViewSet, basename="deletion")
router.register("report-runs", ReportRunViewSet, basename="report-run")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    *router.urls,
]
