from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from antoan.core import unavailable
from antoan.core.health import healthz
from antoan.core.observability import metrics
from antoan.site.api import api
from antoan.site.views import home

urlpatterns = [
    path("", home, name="home"),
    path("", include("antoan.accounts.urls")),
    path("", include("antoan.units.urls")),
    path("", include("antoan.incidents.urls")),
    path("", include("antoan.portal.urls")),
    path("", include("antoan.movement.urls")),
    path("", include("antoan.assessment.urls")),
    path("", include("antoan.indicators.urls")),
    path("", include("antoan.reports.urls")),
    path("", include("antoan.site.deleted")),
    path("", include("antoan.site.rules")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("metrics", metrics, name="metrics"),
]

# The database going away is a 503 (bilingual page, or JSON under /api/), not a 500: see core/unavailable.py.
handler500 = unavailable.server_error
for _error in unavailable.DATABASE_DOWN:
    api.add_exception_handler(_error, unavailable.database_unavailable)
