"""Figure sentences as Vietnamese year-end reports write them.

"Số vụ phạm pháp hình sự xảy ra 44 vụ, giảm 05 vụ (-10,2%) so với năm 2019 (49 vụ)." Counts under ten are
written with a leading zero, as police reports do ("05 vụ"); numbers use Vietnamese separators (1.234; 10,2%);
a zero or an unchanged figure reads naturally ("không xảy ra …", "bằng cùng kỳ năm 2019").
"""

from dataclasses import dataclass

from antoan.indicators.format import number_vi


@dataclass(frozen=True)
class Phrase:
    subject: str  # "Số vụ phạm pháp hình sự"
    verb: str  # "xảy ra" — what the figure does ("xảy ra 44 vụ", "làm chết 3 người", "đạt 75%")
    none: str  # the whole clause when the figure is zero: "không xảy ra vụ phạm pháp hình sự nào"


# How each indicator is spoken of; an indicator not listed reads "<name>: <value> <measure>".
PHRASES: dict[str, Phrase] = {
    "crime.cases": Phrase("số vụ phạm pháp hình sự", "xảy ra", "không xảy ra vụ phạm pháp hình sự nào"),
    "crime.solved": Phrase("số vụ được điều tra, khám phá", "là", "chưa điều tra, khám phá được vụ nào"),
    "crime.clearance_rate": Phrase("tỷ lệ điều tra, khám phá", "đạt", ""),
    "crime.suspects": Phrase("số đối tượng bị phát hiện, xử lý", "là", "không có đối tượng nào bị xử lý"),
    "social_evil.cases": Phrase("số vụ tệ nạn xã hội bị phát hiện", "là", "không phát hiện vụ tệ nạn xã hội nào"),
    "traffic.accidents": Phrase("số vụ tai nạn giao thông", "xảy ra", "không xảy ra vụ tai nạn giao thông nào"),
    "traffic.dead": Phrase("số người chết do tai nạn giao thông", "là", "không có người chết do tai nạn giao thông"),
    "traffic.injured": Phrase("số người bị thương", "là", "không có người bị thương"),
    "disaster.events": Phrase("số đợt thiên tai", "xảy ra", "không xảy ra đợt thiên tai nào gây thiệt hại"),
    "disaster.dead": Phrase("số người chết do thiên tai", "là", "không có người chết do thiên tai"),
    "disaster.economic_loss": Phrase("thiệt hại kinh tế ước tính", "là", "không có thiệt hại kinh tế"),
    "officers.deployed": Phrase(
        "số cán bộ, chiến sĩ công an chính quy được tăng cường về các xã", "là", "không tăng cường thêm cán bộ"
    ),
    "traffic.patrols": Phrase("lực lượng chức năng đã tổ chức", "", "chưa tổ chức ca tuần tra, kiểm soát nào"),
    "traffic.violations_handled": Phrase("số trường hợp vi phạm đã xử lý", "là", "chưa xử lý trường hợp vi phạm nào"),
    "tips.received": Phrase("số tin báo của nhân dân tiếp nhận", "là", "không nhận được tin báo nào của nhân dân"),
}


def count_vi(value) -> str:
    """A count as reports write it: 05, 44, 1.234 (a leading zero under ten); other numbers as number_vi."""
    if isinstance(value, int) and 0 < value < 10:
        return f"0{value}"
    return number_vi(value)


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _pct(value: float) -> str:
    sign = "+" if value > 0 else ""
    return f"{sign}{number_vi(value)}%"


def figure_sentence(figure, comparison_label: str, *, phrase: Phrase | None = None) -> str:
    """One sentence for one figure with its comparison (an `indicators.selectors.Figure`)."""
    indicator = figure.indicator
    phrase = phrase or PHRASES.get(indicator.code)
    measure = indicator.measure_vi
    value, before = figure.value, figure.comparison
    if indicator.is_percent:
        return _percent_sentence(phrase, indicator, value, before, comparison_label)
    subject = phrase.subject if phrase else indicator.vi.lower()
    verb = f" {phrase.verb}" if phrase and phrase.verb else ""
    if value is None:
        return f"{capitalised(subject)}: chưa có số liệu."
    stated = f"{count_vi(value)} {measure}"
    if before is None:
        return f"{capitalised(subject)}{verb} {stated}."
    if value == 0 and phrase and phrase.none:
        opening = capitalised(phrase.none)
        if before == 0:
            return f"{opening}, bằng cùng kỳ {comparison_label}."
        return f"{opening}, giảm {count_vi(before)} {measure} so với {comparison_label}."
    if figure.change == 0:
        return f"{capitalised(subject)}{verb} {stated}, bằng cùng kỳ {comparison_label}."
    change = f"{figure.direction} {count_vi(abs(figure.change))} {measure}"
    if figure.change_pct is not None:
        change += f" ({_pct(figure.change_pct)})"
    if before == 0:
        nothing = "không xảy ra" if phrase and phrase.verb == "xảy ra" else "không có"
        return f"{capitalised(subject)}{verb} {stated}, {change} so với {comparison_label} ({nothing})."
    return f"{capitalised(subject)}{verb} {stated}, {change} so với {comparison_label} ({count_vi(before)} {measure})."


def _percent_sentence(phrase, indicator, value, before, comparison_label: str) -> str:
    subject = capitalised(phrase.subject if phrase else indicator.vi.lower())
    verb = f" {phrase.verb}" if phrase and phrase.verb else ""
    if value is None:
        return f"{subject}: chưa có số liệu (không có vụ việc để tính)."
    stated = f"{subject}{verb} {number_vi(value)}%"
    if before is None:
        return f"{stated}."
    points = round(value - before, 1)
    if points == 0:
        return f"{stated}, bằng cùng kỳ {comparison_label}."
    direction = "tăng" if points > 0 else "giảm"
    change = f"{direction} {number_vi(abs(points))} điểm phần trăm"
    return f"{stated}, {change} so với {comparison_label} ({number_vi(before)}%)."


def join_clauses(clauses: list[str]) -> str:
    """["a", "b", "c"] → "a, b và c"."""
    clauses = [c for c in clauses if c]
    if len(clauses) <= 1:
        return "".join(clauses)
    return ", ".join(clauses[:-1]) + " và " + clauses[-1]


def date_line(place: str, day) -> str:
    """ "Hàm Thuận Bắc, ngày 27 tháng 01 năm 2021": Nghị định 30/2020/NĐ-CP, Phụ lục I writes days under 10
    and the months 1 and 2 with a leading zero ("ngày 05 tháng 02", but "tháng 3")."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"
