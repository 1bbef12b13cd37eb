from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MovementConfig(AppConfig):
    name = "antoan.movement"
    label = "movement"
    verbose_name = _("The movement")

    def ready(self):
        from antoan.core import rules
        from antoan.movement import record_types  # noqa: F401 -- registers the record types
        from antoan.movement.medal import medal_rule_versions

        rules.register("commemorative_medal", medal_rule_versions)
