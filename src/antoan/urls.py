from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from antoan.core.api import api
from antoan.core.views import home

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
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
