from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "antoan.portal"
    label = "portal"
    verbose_name = _("Citizen tips")

    def ready(self) -> None:
        from antoan.incidents.views import INCIDENT_PAGE_EXTRAS
        from antoan.portal.selectors import tip_for_incident

        INCIDENT_PAGE_EXTRAS.append(lambda *, user, incident: {"tip": tip_for_incident(user=user, incident=incident)})
