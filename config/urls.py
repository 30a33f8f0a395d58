"""URLs: the API (v1), its schema and docs, the admin, and health checks."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularSwaggerSplitView

from api import health
from api.schema import SchemaView

urlpatterns = [
    path("api/v1/", include("api.urls")),
    path("api/schema/", SchemaView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="docs"),
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]

handler400 = "api.problems.json_handler400"
handler403 = "api.problems.json_handler403"
handler404 = "api.problems.json_handler404"
handler500 = "api.problems.json_handler500"
