"""The parts of a report that need judgement: what the officials saved for it, or a draft the system writes from
the figures for them to edit.

Each part is one field of the report's `ReportDraft` (one paragraph per line): I.1 leadership, I.2 political
security, II.1 strengths, II.2 shortcomings, II.3 causes, II.4 lessons, III.2 tasks, IV proposals. A saved part
prints as saved; an empty one prints the system's draft, written here from the same figures as section I — never a
placeholder: a draft says only what the figures support, in the words such reviews use, and a part with nothing to
say is left out of the document.
"""

from dataclasses import dataclass, field
from datetime import date

from antoan.indicators.selectors import BlackSpotResult
from antoan.reports.facts import Facts
from antoan.reports.models import ReportDraft
from antoan.reports.naming import committee, named, police
from antoan.reports.phrases import capitalised, count_vi, join_clauses
from antoan.units.models import Kind, Unit

PARTS = ("leadership", "political", "strengths", "shortcomings", "causes", "lessons", "tasks", "proposals")
CLEARANCE_TARGET = 75.0  # % — the National Assembly's target for clearing crimes against social order
GRAVEST_CLEARANCE_TARGET = 90.0  # % — and for the very serious and especially serious among them
LISTED = 10


@dataclass(frozen=True)
class Draft:
    """Every part, saved or drafted; `saved` names the parts the officials saved."""

    parts: dict[str, tuple[str, ...]]
    number: str = ""
    issued_on: date | None = None
    saved: frozenset[str] = field(default_factory=frozenset)

    def __getitem__(self, part: str) -> tuple[str, ...]:
        return self.parts.get(part, ())


def paragraphs(text: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in (text or "").splitlines() if p.strip())


def saved_draft(*, unit: Unit, period_code: str) -> ReportDraft | None:
    return ReportDraft.objects.filter(unit=unit, period_code=period_code).first()


@dataclass(frozen=True)
class Grounds:
    """What the drafts are written from, besides the figures."""

    facts: Facts
    kind: str  # "annual" or "period"
    spots: BlackSpotResult
    unrecognised: list[str]
    missed_targets: list[str]  # "tỷ lệ điều tra, khám phá phạm pháp hình sự không đạt chỉ tiêu (70%, chỉ tiêu 75%)"
    met_targets: list[str]
    events_this: list  # indicators.events.KnownEvent: Tết, the calendar's events, the special windows
    events_next: list
    next_label: str  # "năm 2021", "quý II/2026"


def draft_for(*, saved: ReportDraft | None, grounds: Grounds) -> Draft:
    kept = {part: paragraphs(getattr(saved, part, "")) for part in PARTS} if saved else {}
    writers = {"leadership": _leadership, "political": _political, "strengths": _strengths,
               "shortcomings": _shortcomings, "causes": _causes, "lessons": _lessons, "tasks": _tasks,
               "proposals": _proposals}  # fmt: skip
    parts = {part: kept.get(part) or tuple(writers[part](grounds)) for part in PARTS}
    return Draft(
        parts=parts,
        number=saved.number if saved else "",
        issued_on=saved.issued_on if saved else None,
        saved=frozenset(part for part in PARTS if kept.get(part)),
    )


# I.1 and I.2 --------------------------------------------------------------------------------------------------


def _below(unit: Unit) -> str:
    """Who the unit's committee directs below it."""
    if unit.kind == Kind.PROVINCE:
        return "các sở, ban, ngành, đoàn thể và UBND các xã, phường"
    if unit.kind == Kind.DISTRICT:
        return "các cơ quan, ban, ngành, đoàn thể và UBND các xã, thị trấn"
    return "các ban, ngành, đoàn thể và các thôn, khu phố"


def _leadership(g: Grounds) -> list[str]:
    unit = g.facts.unit
    lines = [
        f"{capitalised(committee(unit))} đã ban hành các kế hoạch, văn bản chỉ đạo {_below(unit)} triển khai đồng bộ "
        f"các mặt công tác bảo đảm an ninh, trật tự, trật tự an toàn giao thông, phòng, chống thiên tai và tìm kiếm "
        f"cứu nạn {g.facts.this_label}; chỉ đạo {police(unit)} phát huy vai trò nòng cốt, chủ động tham mưu và "
        "phối hợp với các lực lượng trong công tác bảo đảm an ninh, trật tự và xây dựng phong trào Toàn dân bảo vệ "
        "an ninh Tổ quốc."
    ]
    if g.events_this:
        lines.append(
            "Chỉ đạo triển khai các đợt cao điểm tấn công, trấn áp tội phạm, bảo đảm an ninh, trật tự: "
            f"{'; '.join(_event_names(g.events_this))}."
        )
    return lines


def _event_names(events) -> list[str]:
    """Events as a sentence names them: a proper name as it is ("Đại hội đại biểu toàn quốc lần thứ XIII của Đảng",
    "Tết Nguyên đán Tân Sửu 2021"), an election as "cuộc bầu cử …"."""
    names = []
    for event in events:
        name = event.name_vi
        if name.startswith("Bầu cử"):
            name = "cuộc bầu cử" + name[len("Bầu cử") :]
        if name not in names:
            names.append(name)
    return names


def _political(g: Grounds) -> list[str]:
    return [
        f"Tình hình an ninh chính trị trên địa bàn {named(g.facts.unit)} cơ bản ổn định; công tác nắm tình hình, "
        "bảo vệ an ninh nông thôn, an ninh tôn giáo, dân tộc được quan tâm; các vụ việc phát sinh được tham mưu giải "
        "quyết kịp thời ngay từ cơ sở."
    ]


# II. Đánh giá chung --------------------------------------------------------------------------------------------


def _fell(g: Grounds, code: str) -> bool:
    f = g.facts.figure(code) if g.facts.has(code) else None
    return bool(f and f.direction == "giảm")


def _rose(g: Grounds, code: str) -> bool:
    f = g.facts.figure(code) if g.facts.has(code) else None
    return bool(f and f.direction == "tăng")


def _traffic_down(g: Grounds) -> bool:
    return all(_fell(g, c) for c in ("traffic.accidents", "traffic.dead", "traffic.injured"))


def _value(facts, code: str):
    """The figure's value, or None where the catalogue has no such indicator."""
    return facts.value(code) if facts.has(code) else None


def _strengths(g: Grounds) -> list[str]:
    facts = g.facts
    results = []
    if _fell(g, "crime.social_order"):
        results.append("số vụ phạm pháp hình sự giảm")
    rate = _value(facts, "crime.social_order.clearance_rate")
    if rate is not None and rate >= CLEARANCE_TARGET:
        results.append(f"tỷ lệ điều tra, khám phá án phạm pháp hình sự đạt {count_vi(rate)}%")
    if _traffic_down(g):
        results.append("tai nạn giao thông được kéo giảm trên cả 3 tiêu chí")
    elif _fell(g, "traffic.accidents"):
        results.append("số vụ tai nạn giao thông giảm")
    if facts.value("models.active") and not facts.value("models.overdue"):
        results.append("các mô hình tự quản được duy trì và kiểm tra thường xuyên")
    if facts.value("exemplars"):
        results.append("nhiều điển hình tiên tiến được phát hiện, biểu dương")
    results.extend(g.met_targets)
    lines = [
        "Công tác bảo đảm an ninh, trật tự nhận được sự quan tâm lãnh đạo, chỉ đạo thường xuyên của cấp ủy, chính "
        "quyền; sự phối hợp giữa lực lượng Công an với các ban, ngành, đoàn thể được duy trì; phong trào Toàn dân "
        "bảo vệ an ninh Tổ quốc tiếp tục được triển khai sâu rộng, thu hút đông đảo nhân dân tham gia."
    ]
    if results:
        lines.append(f"Kết quả nổi bật: {join_clauses(results)}.")
    return lines


def _shortcomings(g: Grounds) -> list[str]:
    facts, lines = g.facts, []
    rose = [label for code, label in (("crime.social_order", "số vụ phạm pháp hình sự"),
                                      ("social_evil.cases", "số vụ tệ nạn xã hội"),
                                      ("traffic.accidents", "số vụ tai nạn giao thông"),
                                      ("traffic.dead", "số người chết do tai nạn giao thông"),
                                      ("traffic.injured", "số người bị thương do tai nạn giao thông"))
            if _rose(g, code)]  # fmt: skip
    if rose:
        lines.append(f"Một số chỉ tiêu tăng so với {facts.before_label}: {join_clauses(rose)}.")
    rate = _value(facts, "crime.social_order.clearance_rate")
    rate_judged = any("khám phá phạm pháp hình sự" in m for m in g.missed_targets)  # said with the targets below
    if rate is not None and rate < CLEARANCE_TARGET and not rate_judged:
        lines.append(f"Tỷ lệ điều tra, khám phá án phạm pháp hình sự ({count_vi(rate)}%) chưa đạt yêu cầu "
                     f"(trên {count_vi(CLEARANCE_TARGET)}%).")  # fmt: skip
    gravest = _value(facts, "crime.social_order.gravest.clearance_rate")
    gravest_judged = any("rất nghiêm trọng, đặc biệt nghiêm trọng" in m for m in g.missed_targets)
    if gravest is not None and gravest < GRAVEST_CLEARANCE_TARGET and not gravest_judged:
        lines.append(f"Tỷ lệ điều tra, khám phá án rất nghiêm trọng, đặc biệt nghiêm trọng ({count_vi(gravest)}%) chưa "
                     f"đạt yêu cầu (trên {count_vi(GRAVEST_CLEARANCE_TARGET)}%).")  # fmt: skip
    if g.missed_targets:
        lines.append(f"Một số chỉ tiêu chưa đạt: {join_clauses(g.missed_targets)}.")
    overdue = facts.value("models.overdue")
    if overdue:
        lines.append("Công tác hướng dẫn, kiểm tra chất lượng hoạt động của các mô hình, điển hình chưa thường xuyên "
                     f"({count_vi(overdue)} mô hình quá hạn kiểm tra).")  # fmt: skip
    if g.unrecognised:
        listed = ", ".join(g.unrecognised[:LISTED])
        if len(g.unrecognised) > LISTED:
            listed += f" và {count_vi(len(g.unrecognised) - LISTED)} đơn vị khác"
        lines.append(f'Còn {count_vi(len(g.unrecognised))} đơn vị chưa đạt tiêu chuẩn "An toàn về an ninh, trật tự" '
                     f"({listed}).")  # fmt: skip
    plans = facts.value("plans.overdue")
    if plans:
        lines.append(f"Việc rà soát, cập nhật phương án ứng phó thiên tai chưa kịp thời ({count_vi(plans)} phương án "
                     "quá hạn rà soát).")  # fmt: skip
    if g.spots.spots:
        lines.append(f"Trên địa bàn còn {count_vi(len(g.spots.spots))} điểm thường xảy ra tai nạn giao thông chưa được "
                     "khắc phục triệt để.")  # fmt: skip
    if not lines:
        lines.append("Phong trào Toàn dân bảo vệ an ninh Tổ quốc ở một số nơi chưa đồng đều; sự phối hợp giữa một số "
                     "cơ quan, đơn vị trong công tác bảo đảm an ninh, trật tự có lúc chưa chặt chẽ.")  # fmt: skip
    return lines


def _causes(g: Grounds) -> list[str]:
    objective, subjective = [], []
    if _rose(g, "crime.social_order") or _rose(g, "social_evil.cases"):
        objective.append("tình hình tội phạm, tệ nạn xã hội diễn biến phức tạp, phương thức, thủ đoạn ngày càng "
                         "tinh vi")  # fmt: skip
    if any(_rose(g, c) for c in ("traffic.accidents", "traffic.dead", "traffic.injured")):
        objective.append("lưu lượng phương tiện tham gia giao thông lớn, ý thức chấp hành pháp luật về trật tự, an "
                         "toàn giao thông của một bộ phận người dân còn hạn chế")  # fmt: skip
        subjective.append("công tác tuần tra, kiểm soát, xử lý vi phạm có lúc, có nơi chưa thường xuyên")
    if g.facts.value("disaster.events"):
        objective.append("thiên tai diễn biến bất thường, khó dự báo")
    if g.facts.value("models.overdue"):
        subjective.append("việc kiểm tra, hướng dẫn hoạt động của các mô hình chưa được duy trì thường xuyên")
    if g.unrecognised:
        subjective.append('một số đơn vị chưa chú trọng khắc phục các tiêu chí chưa đạt tiêu chuẩn "An toàn về an '
                          'ninh, trật tự"')  # fmt: skip
    if g.facts.value("plans.overdue"):
        subjective.append("việc rà soát, cập nhật phương án ứng phó thiên tai chưa được quan tâm đúng mức")
    objective = objective or ["địa bàn rộng, điều kiện kinh tế - xã hội còn nhiều khó khăn"]
    subjective = subjective or ["sự phối hợp giữa một số cơ quan, đơn vị có lúc chưa chặt chẽ, thiếu chủ động"]
    return [f"- Nguyên nhân khách quan: {'; '.join(objective)}.", f"- Nguyên nhân chủ quan: {'; '.join(subjective)}."]


def _lessons(g: Grounds) -> list[str]:
    if g.kind != "annual":
        return []
    return [
        "Một là, bám sát sự lãnh đạo, chỉ đạo của cấp ủy, chính quyền; phát huy sức mạnh tổng hợp của cả hệ thống "
        "chính trị và của nhân dân trong công tác bảo đảm an ninh, trật tự.",
        "Hai là, lực lượng Công an phải làm tốt vai trò tham mưu, nòng cốt; nắm chắc tình hình, giải quyết kịp thời "
        "các vụ việc ngay từ cơ sở, không để bị động, bất ngờ.",
        "Ba là, gắn phong trào Toàn dân bảo vệ an ninh Tổ quốc với các phong trào thi đua, cuộc vận động ở địa "
        "phương; kịp thời phát hiện, nhân rộng các mô hình, điển hình tiên tiến.",
        "Bốn là, thường xuyên kiểm tra, đôn đốc, sơ kết, rút kinh nghiệm; kịp thời khen thưởng các tập thể, cá nhân "
        "có thành tích.",
    ]


# III. Nhiệm vụ, giải pháp and IV. Đề xuất, kiến nghị -----------------------------------------------------------


def _tasks(g: Grounds) -> list[str]:
    facts, lines = g.facts, []
    lines.append("Tiếp tục quán triệt, triển khai thực hiện nghiêm các chủ trương của Đảng, pháp luật của Nhà nước về "
                 "bảo đảm an ninh, trật tự; giữ vững an ninh chính trị, trật tự, an toàn xã hội trên địa bàn, không để "
                 "bị động, bất ngờ, không để hình thành điểm nóng.")  # fmt: skip
    if g.events_next:
        lines.append(f"Tập trung bảo đảm tuyệt đối an ninh, an toàn {'; '.join(_event_names(g.events_next))}; các "
                     f"ngày lễ, sự kiện chính trị, văn hóa diễn ra trên địa bàn trong {g.next_label}.")  # fmt: skip
    crime = "Đẩy mạnh đấu tranh phòng, chống tội phạm và tệ nạn xã hội"
    if _rose(g, "crime.social_order"):
        crime += ", tập trung kéo giảm số vụ phạm pháp hình sự"
    rate = _value(facts, "crime.social_order.clearance_rate")
    crime += f"; nâng cao tỷ lệ điều tra, khám phá án phạm pháp hình sự đạt trên {count_vi(CLEARANCE_TARGET)}%"
    if rate is not None and rate >= CLEARANCE_TARGET:
        crime = crime.replace("nâng cao tỷ lệ", "duy trì tỷ lệ")
    if facts.has("crime.social_order.gravest") and facts.any_value("crime.social_order.gravest"):
        crime += f", trong đó án rất nghiêm trọng, đặc biệt nghiêm trọng đạt trên {count_vi(GRAVEST_CLEARANCE_TARGET)}%"
    lines.append(crime + ".")
    traffic = "Tăng cường tuần tra, kiểm soát, xử lý nghiêm các hành vi vi phạm trật tự, an toàn giao thông"
    if g.spots.spots:
        roads = []
        for spot in g.spots.spots:
            road = spot.place_vi.split(",", 1)[0]
            if road not in roads:
                roads.append(road)
        traffic += f"; phối hợp khắc phục các điểm thường xảy ra tai nạn giao thông trên {join_clauses(roads[:4])}"
    traffic += "; kéo giảm tai nạn giao thông trên cả 3 tiêu chí (số vụ, số người chết, số người bị thương)."
    lines.append(traffic)
    disaster = ("Chủ động phòng, chống thiên tai theo phương châm \"bốn tại chỗ\"; rà soát, cập nhật các phương án "
                "ứng phó")  # fmt: skip
    if facts.value("plans.overdue"):
        disaster += f" (trong đó {count_vi(facts.value('plans.overdue'))} phương án đã quá hạn rà soát)"
    lines.append(disaster + "; sẵn sàng lực lượng, phương tiện tìm kiếm cứu nạn.")
    movement = (
        "Nâng cao chất lượng phong trào Toàn dân bảo vệ an ninh Tổ quốc; củng cố, kiểm tra, nhân rộng các mô hình"
    )
    if facts.value("models.overdue"):
        movement += f", trước hết là {count_vi(facts.value('models.overdue'))} mô hình đã quá hạn kiểm tra"
    if g.unrecognised:
        movement += '; hướng dẫn các đơn vị chưa đạt tiêu chuẩn "An toàn về an ninh, trật tự" khắc phục tồn tại'
    lines.append(movement + "; làm tốt công tác sơ kết, tổng kết, khen thưởng.")
    return lines


def _proposals(g: Grounds) -> list[str]:
    unit, lines = g.facts.unit, []
    if g.kind != "annual":
        return lines
    if g.spots.spots:
        lines.append("Đề nghị cơ quan quản lý đường bộ khảo sát, có giải pháp khắc phục các điểm thường xảy ra tai nạn "
                     "giao thông trên địa bàn.")  # fmt: skip
    parent = unit.parent
    if parent is not None and parent.kind != Kind.ESTABLISHMENT:
        lines.append(f"Đề nghị {committee(parent)}, {police(parent)} tiếp tục "
                     "quan tâm chỉ đạo, hướng dẫn, hỗ trợ nguồn lực cho công tác bảo đảm an ninh, trật tự và xây dựng "
                     "phong trào Toàn dân bảo vệ an ninh Tổ quốc ở cơ sở; bố trí kinh phí hỗ trợ hoạt động của "
                     "lực lượng tham gia bảo vệ an ninh, trật tự ở cơ sở và các mô hình tự quản.")  # fmt: skip
    return lines
