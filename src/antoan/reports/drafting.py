"""Sections II (shortcomings and causes) and III (tasks): what the officials saved for the report, or a draft
the system writes from the figures for them to edit — never the final words on its own."""

from dataclasses import dataclass

from antoan.indicators.periods import Period, can_chi
from antoan.reports.models import ReportDraft
from antoan.reports.phrases import count_vi, join_clauses
from antoan.units.models import Unit

CLEARANCE_TARGET = 75.0  # % — the National Assembly's target for the clearance rate (DESIGN.md, crime categories)
RISING = {
    "crime.cases": "số vụ phạm pháp hình sự",
    "social_evil.cases": "số vụ tệ nạn xã hội",
    "traffic.accidents": "số vụ tai nạn giao thông",
    "traffic.dead": "số người chết do tai nạn giao thông",
    "traffic.injured": "số người bị thương do tai nạn giao thông",
    "disaster.dead": "số người chết do thiên tai",
}
LISTED = 10


@dataclass(frozen=True)
class Draft:
    shortcomings: tuple[str, ...]
    tasks: tuple[str, ...]
    number: str
    saved: bool  # the officials saved these words (else the system's draft)


def paragraphs(text: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in (text or "").splitlines() if p.strip())


def draft_for(*, user, unit: Unit, period: Period, facts) -> Draft:
    saved = ReportDraft.objects.filter(unit=unit, period_code=period.code).first()
    shortcomings = paragraphs(saved.shortcomings) if saved else ()
    tasks = paragraphs(saved.tasks) if saved else ()
    auto = None
    if not shortcomings or not tasks:
        auto = auto_draft(user=user, facts=facts)
    return Draft(
        shortcomings=shortcomings or auto[0],
        tasks=tasks or auto[1],
        number=saved.number if saved else "",
        saved=bool(saved and (saved.shortcomings or saved.tasks)),
    )


def auto_draft(*, user, facts) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The system's draft of sections II and III from the figures: what rose, the clearance rate under target,
    models overdue for inspection, units not recognised, plans overdue."""
    from antoan.assessment.selectors import units_not_recognised

    shortcomings, tasks = [], []
    rose = [
        f"{label} tăng {count_vi(facts.figure(code).change)} {facts.figure(code).indicator.measure_vi}"
        for code, label in RISING.items()
        if facts.figure(code).direction == "tăng"
    ]
    if rose:
        shortcomings.append(
            f"Một số chỉ tiêu tăng so với {facts.before_label}: {join_clauses(rose)}. Nguyên nhân: (đề nghị bổ sung)."
        )
    rate = facts.value("crime.clearance_rate")
    if rate is not None and rate < CLEARANCE_TARGET:
        shortcomings.append(
            f"Tỷ lệ điều tra, khám phá án ({count_vi(rate)}%) chưa đạt chỉ tiêu {count_vi(CLEARANCE_TARGET)}%."
        )
        tasks.append(f"Nâng cao tỷ lệ điều tra, khám phá án đạt trên {count_vi(CLEARANCE_TARGET)}%.")
    overdue = facts.value("models.overdue")
    if overdue:
        shortcomings.append(
            "Công tác hướng dẫn, kiểm tra chất lượng hoạt động mô hình, điển hình chưa thường xuyên: "
            f"{count_vi(overdue)} mô hình quá hạn kiểm tra."
        )
        tasks.append(
            f"Kiểm tra, đánh giá chất lượng {count_vi(overdue)} mô hình quá hạn kiểm tra; củng cố, nhân rộng các mô "
            "hình hoạt động hiệu quả."
        )
    names = units_not_recognised(user=user, unit=facts.unit, year=facts.period.end.year)
    if names:
        listed = ", ".join(names[:LISTED]) + (f" và {len(names) - LISTED} đơn vị khác" if len(names) > LISTED else "")
        shortcomings.append(
            f'{count_vi(len(names))} đơn vị chưa đạt tiêu chuẩn "An toàn về an ninh, trật tự": {listed}.'
        )
        tasks.append(
            'Hướng dẫn, giúp đỡ các đơn vị chưa đạt tiêu chuẩn "An toàn về an ninh, trật tự" khắc phục tồn tại.'
        )
    plans = facts.value("plans.overdue")
    if plans:
        shortcomings.append(f"{count_vi(plans)} phương án ứng phó thiên tai quá hạn rà soát, cập nhật.")
        tasks.append("Rà soát, cập nhật các phương án ứng phó thiên tai quá hạn; sẵn sàng lực lượng, phương tiện.")
    if not shortcomings:
        shortcomings.append(
            "Số liệu trong kỳ chưa cho thấy tồn tại nổi bật; đề nghị các cơ quan, đơn vị bổ sung tồn tại, hạn chế và "
            "nguyên nhân."
        )
    if facts.figure("traffic.accidents").direction == "tăng" or facts.figure("traffic.dead").direction == "tăng":
        tasks.insert(
            0,
            "Tăng cường tuần tra, kiểm soát, xử lý vi phạm; kéo giảm tai nạn giao thông trên cả ba tiêu chí "
            "(số vụ, số người chết, số người bị thương).",
        )
    if facts.figure("crime.cases").direction == "tăng":
        tasks.insert(0, "Tập trung đấu tranh, trấn áp tội phạm; kéo giảm số vụ phạm pháp hình sự.")
    next_year = facts.period.end.year + 1
    tasks.insert(
        0,
        "Tiếp tục triển khai có hiệu quả các chủ trương của Đảng, Nhà nước về bảo đảm an ninh, trật tự; giữ vững an "
        "ninh chính trị, trật tự, an toàn xã hội trên địa bàn.",
    )
    tasks.append(
        f"Bảo đảm an ninh, trật tự dịp Tết Nguyên đán {can_chi(next_year)} {next_year} và các sự kiện chính trị quan "
        "trọng; đẩy mạnh phong trào Toàn dân bảo vệ an ninh Tổ quốc."
    )
    return tuple(shortcomings), tuple(tasks)
