"""Reading the audit trail that django-simple-history keeps for every domain model."""

from dataclasses import dataclass
from datetime import datetime

CHANGE_TYPES = {"+": ("Tạo mới", "Created"), "~": ("Sửa", "Changed"), "-": ("Xóa", "Deleted")}


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

    @property
    def change_label(self) -> tuple[str, str]:
        return CHANGE_TYPES[self.change_type]


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
        entries.append(
            AuditEntry(
                when=record.history_date,
                who=str(record.history_user) if record.history_user else "hệ thống / system",
                change_type=record.history_type,
                reason=record.history_change_reason or "",
                changes=changes,
            )
        )
        previous = record
    return list(reversed(entries))
