from django.contrib import admin

from antoan.core.admin import ReadOnlyHistoryAdmin
from antoan.portal.models import Tip, TipPhoto


class TipPhotoInline(admin.TabularInline):
    model = TipPhoto
    fields = ("stored_name", "content_type", "width", "height", "size_bytes")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Tip)
class TipAdmin(ReadOnlyHistoryAdmin):
    """Tips are handled on the triage pages, never here. The tracking code is the sender's key to the tip's
    status and is not shown (the audit history leaves it out too)."""

    list_display = ("id", "category", "unit", "status", "received_at", "assigned_to", "first_action_at")
    list_filter = ("status", "category")
    search_fields = ("description", "address")
    raw_id_fields = ("unit", "assigned_to", "duplicate_of", "incident")
    exclude = ("tracking_code",)
    inlines = [TipPhotoInline]
