from django.apps import AppConfig


class LegacyConfig(AppConfig):
    name = "antoan.legacy"
    label = "legacy"
    verbose_name = "Legacy text"
