from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "antoan.assessment"
    label = "assessment"
    verbose_name = _("ANTT assessments and movement ratings")

    def ready(self):
        from django.urls import reverse

        from antoan.assessment import services
        from antoan.assessment.criteria import criteria_versions
        from antoan.assessment.models import Assessment, Rating
        from antoan.assessment.ratings import rating_versions
        from antoan.core import rules
        from antoan.core.softdelete import DeletedKind, deleted_kind_register

        rules.register("antt_standard", criteria_versions)
        rules.register("movement_rating", rating_versions)

        deleted_kind_register(
            DeletedKind(
                key="assessments", model=Assessment, title=_("ANTT assessment"), unit_field="unit",
                restore=services.assessment_restore,
                detail_url=lambda r: reverse("assessment-detail", args=[r.pk]), order=80,
            )
        )  # fmt: skip
        deleted_kind_register(
            DeletedKind(
                key="ratings", model=Rating, title=_("Movement rating"), unit_field="unit",
                restore=services.rating_restore, detail_url=lambda r: reverse("rating-detail", args=[r.pk]),
                order=90,
            )
        )  # fmt: skip
