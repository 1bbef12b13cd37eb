from django.contrib import admin
from django_otp.plugins.otp_totp.models import TOTPDevice

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


# django-otp's own admin edits devices and shows their keys: here, as everywhere, the admin only looks. A device is
# reset through accounts.two_factor (the page /tai-khoan/<id>/xac-thuc-hai-buoc/ or `antoan users reset-2fa`).
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(ReadOnlyHistoryAdmin):
    list_display = ("user", "name", "confirmed", "created_at", "last_used_at")
    list_filter = ("confirmed",)
    fields = ("user", "name", "confirmed", "created_at", "last_used_at", "throttling_failure_count")
