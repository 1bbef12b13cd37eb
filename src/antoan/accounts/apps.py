from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "antoan.accounts"
    label = "accounts"
    verbose_name = "Tài khoản"
