from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "antoan.incidents"
    label = "incidents"
    verbose_name = _("Incidents")

    def ready(self):
        from django.urls import reverse

        from antoan.core import rules
        from antoan.core.softdelete import DeletedKind, deleted_kind_register
        from antoan.incidents import services
        from antoan.incidents.models import Incident
        from antoan.incidents.severity import severity_rule_versions

        rules.register("traffic_severity", severity_rule_versions)

        deleted_kind_register(
            DeletedKind(
                key="incidents", model=Incident, title=_("Incident"), unit_field="unit",
                restore=services.incident_restore, detail_url=lambda r: reverse("incident-detail", args=[r.pk]),
                order=10,
            )
        )  # fmt: skip
