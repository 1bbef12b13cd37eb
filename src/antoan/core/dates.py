from datetime import date, datetime

from antoan.core.errors import DomainError

ACCEPTED_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")


def parse_date(value: str, *, field: str = "on") -> date:
    """A date typed by a person: ISO (2025-06-30) or Vietnamese (30/06/2025)."""
    for fmt in ACCEPTED_DATE_FORMATS:
        try:
            return datetime.strptime((value or "").strip(), fmt).date()
        except ValueError:
            continue
    raise DomainError.single(
        field,
        f"Ngày không hợp lệ: '{value}' (dùng dd/mm/yyyy hoặc YYYY-MM-DD)",
        f"Invalid date '{value}' (use dd/mm/yyyy or YYYY-MM-DD)",
    )
