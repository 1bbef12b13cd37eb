from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "antoan.core"
    label = "core"
    verbose_name = "antoan"

    def ready(self) -> None:
        from antoan.core import functions, history_guard, lookups, pg_loaders

        lookups.register()
        history_guard.connect()
        pg_loaders.connect()
        functions.connect()
