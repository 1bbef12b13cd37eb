from django.urls import path

from antoan.assessment import rating_views, transfer_views, views

urlpatterns = [
    path("danh-gia/", views.assessment_list, name="assessment-list"),
    path("danh-gia/them/", views.assessment_create, name="assessment-create"),
    path("danh-gia/xuat.<str:fmt>", transfer_views.assessment_export, name="assessment-export"),
    path("danh-gia/nhap/", transfer_views.assessment_import, name="assessment-import"),
    path("danh-gia/nhap/mau-<str:kind>.csv", transfer_views.import_template, name="assessment-import-template"),
    path("danh-gia/don-vi/<int:pk>/", views.assessment_unit, name="assessment-unit"),
    path("danh-gia/<int:pk>/", views.assessment_detail, name="assessment-detail"),
    path("danh-gia/<int:pk>/sua/", views.assessment_update, name="assessment-update"),
    path("danh-gia/<int:pk>/xoa/", views.assessment_delete, name="assessment-delete"),
    path("xep-loai/", rating_views.rating_list, name="rating-list"),
    path("xep-loai/them/", rating_views.rating_create, name="rating-create"),
    path("xep-loai/xuat.<str:fmt>", transfer_views.rating_export, name="rating-export"),
    path("xep-loai/nhap/", transfer_views.rating_import, name="rating-import"),
    path("xep-loai/<int:pk>/", rating_views.rating_detail, name="rating-detail"),
    path("xep-loai/<int:pk>/sua/", rating_views.rating_update, name="rating-update"),
    path("xep-loai/<int:pk>/xoa/", rating_views.rating_delete, name="rating-delete"),
]
