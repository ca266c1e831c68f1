"""Routes of the partner API, under /api/v1/. Resources arrive with the API issue."""

from rest_framework.routers import DefaultRouter

app_name = "api"
router = DefaultRouter()
urlpatterns = router.urls
