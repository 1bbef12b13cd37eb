"""How a unit's reports are headed and signed: its saved ReportProfile, with defaults drawn from the unit."""

from dataclasses import dataclass

from antoan.reports.models import ReportProfile
from antoan.units.models import Kind, Unit


@dataclass(frozen=True)
class Profile:
    issuer_lines: tuple[str, ...]
    number_suffix: str
    place: str
    sign_form: str
    signer_title: str
    signer_name: str
    recipients: tuple[str, ...]


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in (text or "").splitlines() if line.strip())


def default_recipients(unit: Unit) -> tuple[str, ...]:
    """The usual "Nơi nhận" of a People's Committee's annual security report, by level."""
    if unit.kind == Kind.PROVINCE:
        return ("Bộ Công an (b/c);", "TT. Tỉnh ủy, HĐND tỉnh (b/c);", "Chủ tịch, các PCT UBND tỉnh;",
                "Công an tỉnh;", "Các sở, ban, ngành, đoàn thể tỉnh;", "UBND các xã, phường, đặc khu;",
                "Lưu: VT, NC.")  # fmt: skip
    if unit.kind == Kind.DISTRICT:
        return ("UBND tỉnh (b/c);", "Công an tỉnh (b/c);", "TT. Huyện ủy, HĐND huyện (b/c);",
                "Chủ tịch, các PCT UBND huyện;", "Các cơ quan, ban, ngành, đoàn thể huyện;",
                "UBND các xã, thị trấn;", "Lưu: VT, CA.")  # fmt: skip
    return ("UBND cấp trên (b/c);", "Công an cấp trên (b/c);", "TT. Đảng ủy, HĐND xã (b/c);",
            "Chủ tịch, các PCT UBND xã;", "Công an xã;", "Các ban, ngành, đoàn thể xã;", "Lưu: VT.")  # fmt: skip


def report_profile(unit: Unit) -> Profile:
    saved = ReportProfile.objects.filter(unit=unit).first()
    issuer = _lines(saved.issuer_lines) if saved else ()
    recipients = _lines(saved.recipients) if saved else ()
    return Profile(
        issuer_lines=issuer or ("ỦY BAN NHÂN DÂN", unit.name.upper()),
        number_suffix=(saved.number_suffix if saved else "") or "BC-UBND",
        place=(saved.place if saved else "") or unit.short_name or unit.name,
        sign_form=saved.sign_form if saved else "TM.",
        signer_title=(saved.signer_title if saved else "") or "CHỦ TỊCH",
        signer_name=saved.signer_name if saved else "",
        recipients=recipients or default_recipients(unit),
    )
