from django.urls import path

from antoan.incidents import views
from antoan.incidents.transfer_views import transfer_urlpatterns

urlpatterns = [
    path("su-viec/", views.incident_list, name="incident-list"),
    path("su-viec/trung-lap/", views.incident_duplicates, name="incident-duplicates"),
    path("su-viec/them/<str:kind>/", views.incident_create, name="incident-create"),
    path("su-viec/<int:pk>/", views.incident_detail, name="incident-detail"),
    path("su-viec/<int:pk>/sua/", views.incident_update, name="incident-update"),
    path("su-viec/<int:pk>/xoa/", views.incident_delete, name="incident-delete"),
    path("su-viec/<int:pk>/gop/", views.incident_merge_duplicate, name="incident-merge-duplicate"),
    path("su-viec/<int:pk>/khong-trung/", views.incident_dismiss_duplicate, name="incident-dismiss-duplicate"),
    *transfer_urlpatterns,
]
