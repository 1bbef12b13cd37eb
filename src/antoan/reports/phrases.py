"""How Vietnamese year-end reports say figures, changes and judgements.

"Phạm pháp hình sự xảy ra 30 vụ, giảm 05 vụ (-14,3%) so với năm 2019." Counts under ten are written with a leading
zero, as police reports do ("05 vụ"); numbers use Vietnamese separators (1.234; 10,2%); money is in triệu đồng; a
figure without a comparison year is stated without a comparison (never "so với năm 2019 (không có)"); an unchanged
one reads "bằng năm 2019" (or "bằng cùng kỳ năm 2025").
"""

from decimal import ROUND_HALF_UP, Decimal

from antoan.indicators.format import number_vi

MILLION = 1_000_000


def count_vi(value) -> str:
    """A count as reports write it: 05, 44, 1.234 (a leading zero under ten); other numbers as number_vi."""
    if isinstance(value, int) and 0 < value < 10:
        return f"0{value}"
    return number_vi(value)


def million_vi(vnd) -> str:
    """An amount in đồng as triệu đồng, the one money unit of a report: 1.250.000.000 → "1.250"; 350.000 → "0,4"."""
    if vnd is None:
        return number_vi(None)
    millions = Decimal(vnd) / MILLION
    step = Decimal("1") if millions >= 100 or millions == millions.to_integral_value() else Decimal("0.1")
    rounded = millions.quantize(step, rounding=ROUND_HALF_UP)  # half up, as money is rounded (not half even)
    return number_vi(int(rounded) if step == 1 else float(rounded))


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def lowered(text: str) -> str:
    return text[:1].lower() + text[1:]


def percent_vi(value: float) -> str:
    return f"{number_vi(value)}%"


def join_clauses(clauses: list[str]) -> str:
    """["a", "b", "c"] → "a, b và c"."""
    clauses = [c for c in clauses if c]
    if len(clauses) <= 1:
        return "".join(clauses)
    return ", ".join(clauses[:-1]) + " và " + clauses[-1]


def change_only(figure, measure: str | None = None) -> str:
    """ "giảm 05 vụ (-14,3%)", "tăng 3,5 điểm phần trăm"; "" when there is no comparison or no change."""
    if figure.value is None or figure.comparison is None or not figure.change:
        return ""
    if figure.indicator.is_percent:
        points = round(figure.value - figure.comparison, 1)
        return f"{'tăng' if points > 0 else 'giảm'} {number_vi(abs(points))} điểm phần trăm" if points else ""
    measure = measure if measure is not None else figure.indicator.measure_vi
    change = f"{figure.direction} {count_vi(abs(figure.change))} {measure}".rstrip()
    if figure.change_pct is not None:
        sign = "+" if figure.change_pct > 0 else ""
        change += f" ({sign}{number_vi(figure.change_pct)}%)"
    return change


def change_clause(figure, before_label: str, measure: str | None = None) -> str:
    """ "giảm 05 vụ (-14,3%) so với năm 2019", "tăng 03 người so với năm 2019", "bằng năm 2019"; "" when the
    comparison year has no figure. `figure` is an indicators.selectors.Figure."""
    if figure.value is None or figure.comparison is None:
        return ""
    change = change_only(figure, measure)
    return f"{change} so với {before_label}" if change else f"bằng {before_label}"


def with_change(stated: str, figure, before_label: str, measure: str | None = None) -> str:
    """ "xảy ra 30 vụ" + ", giảm 05 vụ (-14,3%) so với năm 2019" (nothing added without a comparison)."""
    change = change_clause(figure, before_label, measure)
    return f"{stated}, {change}" if change else stated


THREE_MEASURES = (("vụ", "số vụ"), ("người chết", "số người chết"), ("người bị thương", "số người bị thương"))


def three_measures_judgement(figures, before_label: str) -> str:
    """Traffic safety over its three measures (cases, dead, injured) against the year before, as reviews judge it:
    "so với năm 2019, giảm 03 vụ (-5,3%), giảm 05 người chết (-16,1%), giảm 07 người bị thương (-14,6%), kéo giảm
    trên cả 3 tiêu chí"; a mixed year says each measure's change; "" when the year before has no figures. When an
    old report gave only some of the measures (indicators.history), those are compared and no verdict is drawn."""
    given = [(f, measure) for f, measure in zip(figures, THREE_MEASURES, strict=True)
             if f.value is not None and f.comparison is not None]  # fmt: skip
    if not given:
        return ""
    if len(given) < len(figures):
        changes = [change_only(f, unit) or f"{name} bằng {before_label}" for f, (unit, name) in given]
        return f"so với {before_label}, {', '.join(changes)}"
    directions = [f.direction for f in figures]
    if all(d == "không đổi" for d in directions):
        return f"bằng {before_label} trên cả 3 tiêu chí"
    changes = [change_only(f, unit) or f"{name} bằng {before_label}"
               for f, (unit, name) in zip(figures, THREE_MEASURES, strict=True)]  # fmt: skip
    verdict = ""
    if all(d == "giảm" for d in directions):
        verdict = ", kéo giảm trên cả 3 tiêu chí"
    elif all(d == "tăng" for d in directions):
        verdict = ", tăng trên cả 3 tiêu chí"
    return f"so với {before_label}, {', '.join(changes)}{verdict}"


def date_line(place: str, day) -> str:
    """ "Hàm Thuận Bắc, ngày 27 tháng 01 năm 2021": Nghị định 30/2020/NĐ-CP, Phụ lục I writes days under 10
    and the months 1 and 2 with a leading zero ("ngày 05 tháng 02", but "tháng 3")."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def day_vi(day) -> str:
    return f"{day:%d/%m/%Y}"
