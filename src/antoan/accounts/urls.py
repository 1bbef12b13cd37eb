from django.urls import path

from antoan.accounts import views

urlpatterns = [
    path("dang-nhap/", views.LoginView.as_view(), name="login"),
    path("dang-xuat/", views.LogoutView.as_view(), name="logout"),
    path("tai-khoan/khoa-api/", views.api_tokens, name="api-tokens"),
    path("tai-khoan/<int:user_pk>/khoa-api/", views.api_tokens, name="api-tokens-of"),
]
