from django.urls import path

from antoan.units import views

urlpatterns = [
    path("don-vi/<int:pk>/", views.unit_detail, name="unit-detail"),
    path("don-vi/<int:pk>/lich-su/", views.unit_history, name="unit-history"),
    path("don-vi/<int:pk>/khoa-so/", views.unit_period_locks, name="unit-period-locks"),
    path("don-vi/<int:pk>/them-co-so/", views.establishment_create, name="establishment-create"),
    path("co-so/<int:pk>/sua/", views.establishment_update, name="establishment-update"),
    path("co-so/<int:pk>/xoa/", views.establishment_delete, name="establishment-delete"),
]
