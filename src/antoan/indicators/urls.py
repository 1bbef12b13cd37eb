from django.urls import include, path

from antoan.indicators.figure_views import urlpatterns as figure_patterns
from antoan.indicators.target_transfer_views import urlpatterns as target_transfer_patterns
from antoan.indicators.target_views import urlpatterns as target_patterns
from antoan.indicators.views import dashboard
from antoan.indicators.window_views import urlpatterns as window_patterns

app_name = "indicators"

urlpatterns = [
    path("chi-tieu/", dashboard, name="dashboard"),
    path("chi-tieu/", include(window_patterns)),
    path("chi-tieu/", include(target_patterns)),
    path("chi-tieu/", include(target_transfer_patterns)),
    path("chi-tieu/", include(figure_patterns)),
]
