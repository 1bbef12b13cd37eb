from django.contrib import admin

from antoan.core.admin import ReadOnlyHistoryAdmin
from antoan.incidents.models import ImportJob, Incident


@admin.register(Incident)
class IncidentAdmin(ReadOnlyHistoryAdmin):
    list_display = ("id", "kind", "category", "unit", "occurred_at", "severity", "duplicate_state")
    list_filter = ("kind", "severity", "duplicate_state")
    search_fields = ("summary", "external_id")
    raw_id_fields = ("unit", "duplicate_of", "created_by", "updated_by")


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyHistoryAdmin):
    list_display = ("file_name", "user", "state", "created", "updated", "rejected_rows", "started_at")
