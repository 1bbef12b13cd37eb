"""The sections of section I (security, the movement, traffic, disasters, special periods), the charts and
section IV (commendations): each a `Section` of sentences and tables written from the `Facts`."""

from functools import partial

from antoan.accounts.models import User
from antoan.assessment.shares import share_rows
from antoan.indicators.format import number_vi
from antoan.indicators.periods import Period, period_options
from antoan.indicators.selectors import BlackSpotResult, children_values, evaluate, indicator_children
from antoan.movement.models import Authority, Award, RecipientKind
from antoan.movement.selectors import commendation_counts
from antoan.reports.document import Chart, Section, Table
from antoan.reports.facts import Facts
from antoan.reports.phrases import capitalised, count_vi, join_clauses
from antoan.units.models import Unit
from antoan.units.scope import counted_for

MAX_CHILDREN_IN_CHART = 40


# I.1 Security and order --------------------------------------------------------------------------------------


def security(facts: Facts) -> Section:
    paragraphs = [
        facts.sentence("crime.cases")[:-1] + facts.parts_clause("crime.cases") + ".",
        facts.sentence("crime.clearance_rate")[:-1]
        + f" ({count_vi(facts.value('crime.solved'))}/{count_vi(facts.value('crime.cases'))} vụ).",
        facts.sentence("social_evil.cases")[:-1] + facts.parts_clause("social_evil.cases") + ".",
    ]
    if facts.value("officers.deployed") or facts.figure("officers.deployed").comparison:
        paragraphs.append(facts.sentence("officers.deployed"))
    codes = ["crime.cases", *facts.figure("crime.cases").indicator.parts, "crime.solved", "crime.clearance_rate",
             "crime.suspects", "social_evil.cases", *facts.figure("social_evil.cases").indicator.parts,
             "social_evil.persons", "officers.deployed"]  # fmt: skip
    table = facts.table("an_ninh", "Bảng 1. Tình hình tội phạm, tệ nạn xã hội và lực lượng", codes)
    return Section("1", "Tình hình an ninh, trật tự", paragraphs=tuple(paragraphs), tables=(table,))


# I.2 The movement ---------------------------------------------------------------------------------------------


def movement(user: User, facts: Facts) -> Section:
    paragraphs = []
    active, inspections = facts.value("models.active"), facts.value("models.inspections")
    on_time, overdue = facts.value("models.on_time"), facts.value("models.overdue")
    paragraphs.append(
        f"Toàn địa bàn duy trì {count_vi(active)} mô hình tự quản, tự phòng, tự bảo vệ; trong {facts.this_label} đã "
        f"kiểm tra {count_vi(inspections)} lượt, {count_vi(on_time)} mô hình được kiểm tra đúng hạn"
        + (f", {count_vi(overdue)} mô hình quá hạn kiểm tra." if overdue else ", không có mô hình quá hạn kiểm tra.")
    )
    exemplars = facts.value("exemplars")
    if exemplars:
        paragraphs.append(f"Phát hiện, biểu dương {count_vi(exemplars)} điển hình tiên tiến trong phong trào.")
    shares = _recognition_sentence(user, facts)
    if shares:
        paragraphs.append(shares)
    grades = [
        f"{count_vi(facts.value(code))} {facts.figure(code).indicator.vi.split(': ', 1)[-1].lower()}"
        for code in facts.figure("ratings").indicator.parts
        if facts.value(code)
    ]
    if grades:
        paragraphs.append(f"Xếp loại phong trào: {join_clauses(grades)}.")
    received = facts.value("tips.received")
    if received:
        median = facts.value("tips.median_minutes")
        paragraphs.append(
            f"Tiếp nhận {count_vi(received)} tin báo của nhân dân qua cổng tiếp nhận tin báo; đã xử lý xong "
            f"{count_vi(facts.value('tips.handled'))} tin, chuyển thành hồ sơ sự việc "
            f"{count_vi(facts.value('tips.converted'))} tin"
            + (f"; thời gian trung vị đến lần xử lý đầu tiên {number_vi(median)} phút." if median is not None else ".")
        )
    codes = ["models.active", "models.inspections", "models.on_time", "models.overdue", "exemplars",
             "recognised.commune", "recognised.residential_area", "recognised.agency", "recognised.enterprise",
             "recognised.school", "ratings", *facts.figure("ratings").indicator.parts, "tips.received", "tips.handled",
             "tips.converted", "tips.median_minutes"]  # fmt: skip
    table = facts.table("phong_trao", "Bảng 2. Phong trào Toàn dân bảo vệ an ninh Tổ quốc", codes)
    return Section("2", "Phong trào Toàn dân bảo vệ an ninh Tổ quốc", paragraphs=tuple(paragraphs), tables=(table,))


SUBJECT_NAMES = {
    "commune": "xã, phường, thị trấn",
    "residential_area": "khu dân cư",
    "agency": "cơ quan, đơn vị",
    "enterprise": "doanh nghiệp",
    "school": "cơ sở giáo dục",
}


def _recognition_sentence(user: User, facts: Facts) -> str:
    """ "100% cơ quan, đơn vị (12/12) và 17/17 xã, phường, thị trấn đạt tiêu chuẩn …" for the year."""
    years = [y for y in range(facts.period.start.year, facts.period.end.year + 1)]
    if not any(facts.figure(f"recognised.{s}").value is not None for s in SUBJECT_NAMES):
        return ""
    rows = share_rows(unit=facts.unit, year=years[-1], within=partial(counted_for, user, facts.unit))
    clauses = [
        f"{count_vi(r.recognised)}/{count_vi(r.total)} {SUBJECT_NAMES[r.subject_type]} ({r.share_vi})"
        for r in rows
        if r.assessed
    ]
    return f'Kết quả đánh giá năm {years[-1]}: {join_clauses(clauses)} đạt tiêu chuẩn "An toàn về an ninh, trật tự".'


# I.3 Traffic ---------------------------------------------------------------------------------------------------


def traffic(facts: Facts, spots: BlackSpotResult) -> Section:
    """`spots`: the black spots of the unit in the rule's window ending with the period (black_spot_list)."""
    accidents = facts.sentence("traffic.accidents")[:-1]
    severities = facts.parts_clause("traffic.accidents")
    paragraphs = [
        accidents + severities + "; " + _lower(facts.sentence("traffic.dead")[:-1]) + "; "
        + _lower(facts.sentence("traffic.injured")),
    ]  # fmt: skip
    patrols = facts.value("traffic.patrols")
    if patrols:
        paragraphs.append(
            f"Lực lượng chức năng tổ chức {count_vi(patrols)} ca tuần tra, kiểm soát, phát hiện "
            f"{count_vi(facts.value('traffic.violations_found'))} trường hợp vi phạm, xử lý "
            f"{count_vi(facts.value('traffic.violations_handled'))} trường hợp, phạt tiền "
            f"{number_vi(facts.value('traffic.fines'))} đồng, tạm giữ "
            f"{count_vi(facts.value('traffic.vehicles_impounded'))} phương tiện."
        )
    sessions = facts.value("propaganda.sessions")
    if sessions:
        paragraphs.append(
            f"Tổ chức {count_vi(sessions)} buổi tuyên truyền với {number_vi(facts.value('propaganda.attendees'))} "
            "lượt người nghe."
        )
    repaired, installed = facts.value("signs.repaired"), facts.value("signs.installed")
    if repaired or installed:
        paragraphs.append(f"Sửa chữa {count_vi(repaired)} biển báo, lắp đặt mới {count_vi(installed)} biển báo.")
    paragraphs.append(_black_spot_sentence(spots))
    codes = ["traffic.accidents", *facts.figure("traffic.accidents").indicator.parts, "traffic.dead",
             "traffic.injured", "traffic.property_damage", "traffic.patrols", "traffic.violations_found",
             "traffic.violations_handled", "traffic.fines", "traffic.vehicles_impounded", "propaganda.sessions",
             "propaganda.attendees", "signs.repaired", "signs.installed"]  # fmt: skip
    tables = [facts.table("giao_thong", "Bảng 3. Tai nạn giao thông và công tác bảo đảm trật tự, an toàn giao thông",
                          codes)]  # fmt: skip
    if spots.spots:
        tables.append(_black_spot_table(spots))
    return Section("3", "Trật tự, an toàn giao thông", paragraphs=tuple(paragraphs), tables=tuple(tables))


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:]


def _black_spot_sentence(spots) -> str:
    window = f"{spots.window_start:%d/%m/%Y} – {spots.window_end:%d/%m/%Y}"
    if not spots.spots:
        return f"Trong 12 tháng ({window}) không phát hiện điểm đen tai nạn giao thông theo tiêu chí hiện hành."
    return (
        f"Trong thời gian {window} phát hiện {count_vi(len(spots.spots))} điểm đen tai nạn giao thông "
        f"({join_clauses([s.reason_vi for s in spots.spots[:3]])}); cần tham mưu xử lý, khắc phục."
    )


def _black_spot_table(spots) -> Table:
    rows = tuple(
        (f"{s.latitude:.5f}, {s.longitude:.5f}", s.accident_count, s.fatal_accidents, s.injury_accidents, s.dead,
         s.injured, f"{s.first_occurred:%d/%m/%Y} – {s.last_occurred:%d/%m/%Y}")
        for s in spots.spots
    )  # fmt: skip
    return Table(
        key="diem_den",
        title="Bảng 4. Điểm đen tai nạn giao thông",
        columns=(
            "Vị trí (vĩ độ, kinh độ)",
            "Số vụ",
            "Vụ có người chết",
            "Vụ có người bị thương",
            "Số người chết",
            "Số người bị thương",
            "Thời gian",
        ),  # fmt: skip
        rows=rows,
        number_format=("", "int", "int", "int", "int", "int", ""),
        note=f"Tiêu chí: {spots.rule.source}",
    )


# I.4 Disasters -------------------------------------------------------------------------------------------------


def disaster(facts: Facts) -> Section:
    paragraphs = [facts.sentence("disaster.events")[:-1] + facts.parts_clause("disaster.events", "đợt") + "."]
    if facts.value("disaster.events"):
        damage = [
            f"{count_vi(facts.value(code))} {label}"
            for code, label in (
                ("disaster.dead", "người chết"),
                ("disaster.missing", "người mất tích"),
                ("disaster.injured", "người bị thương"),
                ("disaster.houses_destroyed", "nhà bị sập"),
                ("disaster.houses_damaged", "nhà bị hư hỏng"),
                ("disaster.agriculture", "ha cây trồng bị thiệt hại"),
            )  # fmt: skip
            if facts.value(code)
        ]
        if damage:
            paragraphs.append(f"Thiên tai làm {join_clauses(damage)}.")
        paragraphs.append(facts.sentence("disaster.economic_loss"))
        support = facts.value("disaster.recovery_support")
        if support:
            paragraphs.append(f"Đã hỗ trợ khắc phục hậu quả {number_vi(support)} đồng.")
    plans, overdue = facts.value("plans.total"), facts.value("plans.overdue")
    paragraphs.append(
        f"Toàn địa bàn có {count_vi(plans)} phương án ứng phó thiên tai được phê duyệt"
        + (f", {count_vi(overdue)} phương án quá hạn rà soát." if overdue else ", không có phương án quá hạn rà soát.")
    )
    codes = ["disaster.events", *facts.figure("disaster.events").indicator.parts, "disaster.dead", "disaster.missing",
             "disaster.injured", "disaster.houses_damaged", "disaster.houses_destroyed", "disaster.agriculture",
             "disaster.economic_loss", "disaster.recovery_support", "plans.total", "plans.overdue"]  # fmt: skip
    rows = [c for c in codes if not facts.figure(c).indicator.parent or facts.value(c) or facts.figure(c).comparison]
    table = facts.table("thien_tai", "Bảng 5. Thiên tai, thiệt hại và công tác phòng, chống", rows)
    return Section("4", "Phòng, chống thiên tai và tìm kiếm cứu nạn", paragraphs=tuple(paragraphs), tables=(table,))


# I.5 Special periods ---------------------------------------------------------------------------------------------


def special_period_figures(*, user: User, unit: Unit, period: Period) -> list[tuple[Period, int, int, int]]:
    """Tết and the special windows (party congresses, elections) inside `period`, each with its criminal cases,
    traffic accidents and dead: every window in one evaluation (a query per source, not per window)."""
    windows = [
        p for p in period_options(period.end.year, user=user)
        if p.kind in ("tet", "window") and period.start <= p.start and p.end <= period.end
    ]  # fmt: skip
    if not windows:
        return []
    codes = ("crime.cases", "traffic.accidents", "traffic.dead")
    evaluation = evaluate(user=user, unit=unit, periods=windows, codes=list(codes))
    return [(window, *(evaluation.value(code, index) for code in codes)) for index, window in enumerate(windows)]


def special_periods(figures: list[tuple[Period, int, int, int]]) -> Section:
    """Each special period (special_period_figures) kept safe — no criminal case and nobody killed on the roads —
    or what happened in it."""
    paragraphs = []
    for window, crimes, accidents, dead in figures:
        if not crimes and not dead:
            paragraphs.append(
                f"{window.label_vi}: bảo đảm an ninh, trật tự, không xảy ra vụ phạm pháp hình sự, không có người chết "
                "do tai nạn giao thông."
            )
        else:
            paragraphs.append(
                f"{window.label_vi}: xảy ra {count_vi(crimes)} vụ phạm pháp hình sự, {count_vi(accidents)} vụ tai nạn "
                f"giao thông làm chết {count_vi(dead)} người."
            )
    if not paragraphs:
        paragraphs.append("Trong kỳ không có đợt cao điểm, sự kiện đặc biệt nào được ghi nhận trên hệ thống.")
    return Section("5", "Bảo đảm an ninh, trật tự các dịp lễ, Tết và sự kiện", paragraphs=tuple(paragraphs))


# Charts ------------------------------------------------------------------------------------------------------------


TREND_CODES = ("traffic.accidents", "crime.cases")  # the monthly lines of Hình 1 (indicator_trends of the year)


def charts(user: User, facts: Facts, trends: dict[str, dict]) -> tuple[Chart, ...]:
    year = facts.period.end.year
    trend, crime = trends["traffic.accidents"], trends["crime.cases"]
    months = tuple(f"T{m}" for m in range(1, 13))
    charts = [
        Chart(
            key="xu_huong",
            title=f"Hình 1. Số vụ theo tháng, năm {year} so với năm {year - 1}",
            kind="line",
            labels=months,
            series=(
                (f"Tai nạn giao thông {year}", tuple(trend["this_year"])),
                (f"Tai nạn giao thông {year - 1}", tuple(trend["last_year"])),
                (f"Phạm pháp hình sự {year}", tuple(crime["this_year"])),
                (f"Phạm pháp hình sự {year - 1}", tuple(crime["last_year"])),
            ),
            y_label="vụ",
        ),
        Chart(
            key="so_sanh",
            title=f"Hình 2. So sánh {facts.this_label} với {facts.before_label}",
            kind="bar",
            labels=(
                "Phạm pháp hình sự",
                "Tệ nạn xã hội",
                "Tai nạn giao thông",
                "Người chết (TNGT)",
                "Người bị thương (TNGT)",
            ),  # fmt: skip
            series=tuple(
                (
                    label,
                    tuple(
                        getattr(facts.figure(c), attr)
                        for c in (
                            "crime.cases",
                            "social_evil.cases",
                            "traffic.accidents",
                            "traffic.dead",
                            "traffic.injured",
                        )
                    ),
                )  # fmt: skip
                for label, attr in (
                    (capitalised(facts.this_label), "value"),
                    (capitalised(facts.before_label), "comparison"),
                )
            ),
        ),
    ]
    children = indicator_children(user=user, unit=facts.unit)
    if 1 < len(children) <= MAX_CHILDREN_IN_CHART:
        codes = ["crime.cases", "traffic.accidents"]
        values = [
            tuple(value(code, 0) for code in codes)
            for _child, value in children_values(user=user, unit=facts.unit, periods=[facts.period], codes=codes)
        ]
        charts.append(
            Chart(
                key="theo_don_vi",
                title=f"Hình 3. Số vụ theo đơn vị, {facts.this_label}",
                kind="barh",
                labels=tuple(c.short_name or c.name for c in children),
                series=(
                    ("Phạm pháp hình sự", tuple(v[0] for v in values)),
                    ("Tai nạn giao thông", tuple(v[1] for v in values)),
                ),  # fmt: skip
            )
        )
    return tuple(charts)


# IV. Commendations -------------------------------------------------------------------------------------------------

AWARD_VI = {Award.MEDAL: 'Kỷ niệm chương "Bảo vệ an ninh Tổ quốc"', Award.MERIT: "Bằng khen",
            Award.COMMENDATION: "Giấy khen", Award.OTHER: "hình thức khen thưởng khác"}  # fmt: skip
AUTHORITY_VI = {Authority.MINISTRY: "Bộ Công an", Authority.PROVINCIAL_POLICE: "Giám đốc Công an tỉnh",
                Authority.PROVINCE_CHAIR: "Chủ tịch UBND tỉnh", Authority.DISTRICT_CHAIR: "Chủ tịch UBND huyện",
                Authority.COMMUNE_CHAIR: "Chủ tịch UBND xã", Authority.OTHER: "cấp khác"}  # fmt: skip
RECIPIENT_VI = {RecipientKind.INDIVIDUAL: "cá nhân", RecipientKind.COLLECTIVE: "tập thể"}


def commendations(user: User, facts: Facts) -> Section:
    groups = commendation_counts(user=user, unit=facts.unit, start=facts.period.start, end=facts.period.end)
    clauses = [
        f"{count_vi(n)} {RECIPIENT_VI[kind]} được {AUTHORITY_VI[authority]} tặng {AWARD_VI[award]}"
        for award, authority, kind, n in groups
    ]
    if clauses:
        paragraphs = (f"Trong {facts.this_label}, {join_clauses(clauses)}.",)
    else:
        paragraphs = (f"Trong {facts.this_label}, chưa có quyết định khen thưởng nào được ghi nhận trên hệ thống.",)
    rows = tuple(
        (AWARD_VI[award], AUTHORITY_VI[authority], RECIPIENT_VI[kind], n) for award, authority, kind, n in groups
    )
    table = Table(
        key="khen_thuong",
        title="Bảng 6. Khen thưởng",
        columns=("Hình thức", "Cấp khen", "Đối tượng", "Số lượng"),
        rows=rows,
        number_format=("", "", "", "int"),
    )
    return Section("IV", "Công tác thi đua, khen thưởng", paragraphs=paragraphs, tables=(table,) if rows else ())
