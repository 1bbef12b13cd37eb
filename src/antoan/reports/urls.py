from django.urls import path

from antoan.reports import views

app_name = "reports"

urlpatterns = [
    path("bao-cao/", views.report_page, name="page"),
    path("bao-cao/tai-ve/", views.report_download, name="download"),
    path("bao-cao/lo/", views.batch_list_or_start, name="batches"),
    path("bao-cao/lo/<int:pk>/", views.batch_page, name="batch"),
    path("bao-cao/lo/<int:pk>/tai-ve/", views.batch_zip, name="batch_zip"),
]
