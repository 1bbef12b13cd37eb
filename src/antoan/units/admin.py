from django.contrib import admin

from antoan.core.admin import ReadOnlyHistoryAdmin
from antoan.units.models import PeriodLock, Succession, Unit


@admin.register(Unit)
class UnitAdmin(ReadOnlyHistoryAdmin):
    list_display = ("code", "name", "kind", "hierarchy", "valid_from", "valid_to")
    list_filter = ("hierarchy", "kind")
    search_fields = ("code", "name")


@admin.register(Succession)
class SuccessionAdmin(ReadOnlyHistoryAdmin):
    list_display = ("predecessor", "successor", "is_default")
    search_fields = ("predecessor__name", "successor__name", "predecessor__code", "successor__code")


@admin.register(PeriodLock)
class PeriodLockAdmin(ReadOnlyHistoryAdmin):
    list_display = ("unit", "month", "locked_by", "locked_at")
    raw_id_fields = ("unit",)
