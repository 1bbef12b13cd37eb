from django.urls import path

from antoan.movement import record_types, views
from antoan.movement.records.views import record_urlpatterns

urlpatterns = [
    path("phong-trao/", views.movement_index, name="movement-index"),
    path("phong-trao/qua-han/", views.overdue, name="movement-overdue"),
]
for record_type in record_types.ALL:
    urlpatterns += record_urlpatterns(record_type)
