"""How a unit's reports are headed, opened and signed: its saved ReportProfile, with defaults drawn from the unit and
its place in the hierarchy on the day of issue."""

from dataclasses import dataclass

from antoan.reports.models import ChartPlacement, ReportProfile
from antoan.reports.naming import committee, commune_levels, level_word, party_committee, police
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
    opening: str  # the basis clause ("Thực hiện Kế hoạch số …"), "" for the usual wording
    chart_placement: str
    saved: bool  # the unit saved a profile (else every value is a default)


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in (text or "").splitlines() if line.strip())


def default_recipients(unit: Unit, children_names: list[str] = ()) -> tuple[str, ...]:
    """The "Nơi nhận" of a People's Committee's annual security report: the real superior bodies of the unit by
    name (its parent's People's Committee and police), its own party committee's standing board, council and
    leaders, its police, and its archive."""
    level = level_word(unit)
    communes = f"UBND các {commune_levels(children_names) if children_names else 'xã'};"
    own = [f"Thường trực {party_committee(unit)} (b/c);", f"Thường trực HĐND {level} (b/c);",
           f"Chủ tịch, các PCT UBND {level};"]  # fmt: skip
    if unit.kind == Kind.PROVINCE:
        return ("Bộ Công an (b/c);", *own, f"{police(unit)};", "Các sở, ban, ngành, đoàn thể tỉnh;",
                communes, "Lưu: VT, NC.")  # fmt: skip
    superiors = [f"{committee(unit.parent)} (b/c);", f"{police(unit.parent)} (b/c);"] if unit.parent else []
    if unit.kind == Kind.DISTRICT:
        return (*superiors, *own, f"{police(unit)};", f"Các cơ quan, ban, ngành, đoàn thể {level};",
                communes, "Lưu: VT.")  # fmt: skip
    return (*superiors, *own, f"Công an {level};", f"Các ban, ngành, đoàn thể {level};", "Lưu: VT.")


def report_profile(unit: Unit, children_names: list[str] = ()) -> Profile:
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
        recipients=recipients or default_recipients(unit, children_names),
        opening=(saved.opening if saved else "").strip(),
        chart_placement=(saved.chart_placement if saved else "") or ChartPlacement.INLINE,
        saved=saved is not None,
    )
