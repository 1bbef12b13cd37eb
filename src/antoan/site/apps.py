from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The top floor: what puts the apps together (URL and API roots, the home page, the demo, the commands and
    pages that span apps, running the server). It may import every app; no app imports it."""

    name = "antoan.site"
    label = "site"
    verbose_name = "antoan"
