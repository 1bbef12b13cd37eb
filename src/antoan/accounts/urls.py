from django.urls import path

from antoan.accounts import two_factor_views, views

urlpatterns = [
    path("dang-nhap/", views.LoginView.as_view(), name="login"),
    path("dang-xuat/", views.LogoutView.as_view(), name="logout"),
    path("xac-thuc/", two_factor_views.two_factor_verify_view, name="two-factor-verify"),
    path("xac-thuc/dang-ky/", two_factor_views.two_factor_enrol_view, name="two-factor-enrol"),
    path("tai-khoan/", two_factor_views.account, name="account"),
    path("tai-khoan/khoa-api/", views.api_tokens, name="api-tokens"),
    path("tai-khoan/nguoi-dung/", two_factor_views.users_two_factor, name="users-two-factor"),
    path("tai-khoan/<int:user_pk>/khoa-api/", views.api_tokens, name="api-tokens-of"),
    path("tai-khoan/<int:user_pk>/xac-thuc-hai-buoc/", two_factor_views.user_two_factor, name="user-two-factor"),
]
