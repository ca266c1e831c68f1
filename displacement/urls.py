from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from displacement.dashboard.views import dashboard
from displacement.views import report_download

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("dashboard/", admin.site.admin_view(dashboard), name="dashboard"),
    path("reports/<str:token>/", report_download, name="report-download"),
    path("api/v1/", include("api.urls")),
]

#: A 404 under /api/ answers in the API's error format (``api.errors.page_not_found``).
handler404 = "api.errors.page_not_found"
