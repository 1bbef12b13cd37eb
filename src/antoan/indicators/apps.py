from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "antoan.indicators"
    label = "indicators"
    verbose_name = _("Indicators")

    def ready(self):
        from django.urls import reverse

        from antoan.core import rules
        from antoan.core.softdelete import DeletedKind, deleted_kind_register
        from antoan.indicators import figure_services, target_services
        from antoan.indicators.blackspots import black_spot_rule_versions
        from antoan.indicators.models import HistoricalFigure, Target

        rules.register("black_spots", black_spot_rule_versions)

        deleted_kind_register(
            DeletedKind(
                key="targets", model=Target, title=_("Target"), unit_field="unit",
                restore=target_services.target_restore,
                detail_url=lambda r: reverse("indicators:target_detail", args=[r.pk]), order=95,
            )
        )  # fmt: skip
        deleted_kind_register(
            DeletedKind(
                key="figures", model=HistoricalFigure, title=_("Historical figure"), unit_field="unit",
                restore=figure_services.figure_restore,
                detail_url=lambda r: reverse("indicators:figures:detail", args=[r.pk]), order=96,
            )
        )  # fmt: skip
