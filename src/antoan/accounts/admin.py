from django.contrib import admin

from antoan.accounts.models import ApiToken, Membership, User
from antoan.core.admin import ReadOnlyHistoryAdmin


@admin.register(User)
class UserAdmin(ReadOnlyHistoryAdmin):
    list_display = ("username", "full_name", "job_title", "is_active", "last_login")
    search_fields = ("username", "full_name")
    exclude = ("password",)


@admin.register(Membership)
class MembershipAdmin(ReadOnlyHistoryAdmin):
    list_display = ("user", "role", "unit")
    list_filter = ("role",)


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyHistoryAdmin):
    list_display = ("user", "name", "prefix", "created_at", "last_used_at", "revoked_at")
    exclude = ("key_hash",)
