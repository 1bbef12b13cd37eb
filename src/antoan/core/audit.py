"""Reading the audit trail that django-simple-history keeps for every domain model."""

from dataclasses import dataclass
from datetime import datetime

CHANGE_TYPES = {"+": ("Tạo mới", "Created"), "~": ("Sửa", "Changed"), "-": ("Xóa", "Deleted")}
# A soft delete and a restore (core.softdelete) are changes of `deleted_at`: named for what they are.
EVENTS = {"deleted": ("Đã xóa", "Deleted"), "restored": ("Khôi phục", "Restored")}


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    before: object
    after: object


@dataclass(frozen=True)
class AuditEntry:
    when: datetime
    who: str
    change_type: str  # "+", "~" or "-"
    reason: str
    changes: list[FieldChange]
    event: str = ""  # "deleted" or "restored" (a soft delete), else ""

    @property
    def change_label(self) -> tuple[str, str]:
        return EVENTS[self.event] if self.event else CHANGE_TYPES[self.change_type]


def _named_user(change: FieldChange) -> FieldChange:
    """Who deleted a record, by name rather than by id."""
    if change.field != "deleted_by":
        return change
    from django.contrib.auth import get_user_model

    def name(pk):
        user = get_user_model().objects.filter(pk=pk).first() if pk is not None else None
        return str(user) if user else pk

    return FieldChange(change.field, change.label, name(change.before), name(change.after))


def audit_entries(historical_records, *, excluded: tuple[str, ...] = ()) -> list[AuditEntry]:
    """Newest first, each with the fields it changed (before → after); a creation lists the values set."""
    records = list(historical_records.select_related("history_user").order_by("history_date", "history_id"))
    entries = []
    previous = None
    for record in records:
        model = record.instance_type
        if previous is None:
            changes = [
                FieldChange(f.name, str(f.verbose_name), None, getattr(record, f.attname))
                for f in model._meta.concrete_fields
                # a field the history leaves out (HistoricalRecords(excluded_fields=…)) is not on the record
                if f.name not in excluded and getattr(record, f.attname, None) not in (None, "")
            ]
        else:
            delta = record.diff_against(previous, excluded_fields=list(excluded))
            changes = [
                FieldChange(c.field, str(model._meta.get_field(c.field).verbose_name), c.old, c.new)
                for c in delta.changes
            ]
        changes = [_named_user(c) for c in changes]
        event = ""
        for change in changes if record.history_type == "~" else ():
            if change.field == "deleted_at":
                event = "deleted" if change.after is not None else "restored"
        entries.append(
            AuditEntry(
                when=record.history_date,
                who=str(record.history_user) if record.history_user else "hệ thống / system",
                change_type=record.history_type,
                reason=record.history_change_reason or "",
                changes=changes,
                event=event,
            )
        )
        previous = record
    return list(reversed(entries))
