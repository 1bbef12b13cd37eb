from django.contrib import admin

from antoan.assessment.models import Assessment, AssessmentCriterion, Rating
from antoan.core.admin import ReadOnlyHistoryAdmin


class AssessmentCriterionInline(admin.TabularInline):
    model = AssessmentCriterion
    extra = 0
    can_delete = False
    readonly_fields = ("code", "passed", "evidence")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyHistoryAdmin):
    list_display = ("unit", "year", "subject_type", "criteria_set", "criteria_passed")
    list_filter = ("year", "subject_type", "criteria_set")
    raw_id_fields = ("unit", "created_by", "updated_by")
    inlines = [AssessmentCriterionInline]


@admin.register(Rating)
class RatingAdmin(ReadOnlyHistoryAdmin):
    list_display = ("unit", "year", "subject_type", "total", "grade")
    list_filter = ("year", "subject_type", "grade")
    raw_id_fields = ("unit", "created_by", "updated_by")
