"""Section I of the report, "Kết quả": the year's work as a review writes it, each subsection from its figures.

1. lãnh đạo, chỉ đạo; 2. an ninh chính trị (and the special periods kept safe); 3. trật tự an toàn xã hội (crimes
against social order and their clearance, the other groups as detected cases, social evils); 4. trật tự an toàn giao
thông (three measures, enforcement, black spots named by road and place); 5. phòng chống thiên tai và tìm kiếm cứu
nạn; 6. phong trào Toàn dân bảo vệ an ninh Tổ quốc (models, exemplars, recognition, ratings, tips, commendations).
A subsection the unit has nothing to say about (no records, no words saved) is left out, never printed empty; a
figure the catalogue cannot give (wanted persons, fire) is not invented.
"""

from antoan.accounts.models import User
from antoan.assessment.shares import share_rows
from antoan.indicators.periods import Period, period_options
from antoan.indicators.selectors import BlackSpotResult, children_values, evaluate, indicator_children
from antoan.movement.selectors import commendation_counts
from antoan.reports.document import Chart, Section, Table
from antoan.reports.facts import Facts
from antoan.reports.naming import commune_levels, level_word
from antoan.reports.phrases import (
    capitalised,
    count_vi,
    join_clauses,
    million_vi,
    three_measures_judgement,
    with_change,
)
from antoan.units.models import Unit
from antoan.units.scope import counted_for

MAX_CHILDREN_IN_CHART = 40

# How a review names each group of crimes detected (Bộ luật Hình sự's chapters, as police reports group them).
DETECTED_GROUPS = {
    "drugs": "phạm tội về ma túy",
    "economic": "phạm tội về kinh tế",
    "smuggling": "buôn lậu, sản xuất, buôn bán hàng cấm, hàng giả",
    "environment": "phạm tội về môi trường, tài nguyên, an toàn thực phẩm",
    "high_tech": "phạm tội sử dụng công nghệ cao",
    "corruption": "phạm tội tham nhũng, chức vụ",
}
SOCIAL_EVILS = {
    "gambling": "đánh bạc, tổ chức đánh bạc",
    "loan_sharking": "cho vay lãi nặng, đòi nợ trái pháp luật",
    "prostitution": "mại dâm",
    "drug_abuse": "sử dụng trái phép chất ma túy",
}
DISASTER_DAMAGE = (
    ("disaster.dead", "người chết"),
    ("disaster.missing", "người mất tích"),
    ("disaster.injured", "người bị thương"),
    ("disaster.houses_destroyed", "căn nhà bị sập, cuốn trôi"),
    ("disaster.houses_damaged", "căn nhà bị hư hỏng"),
    ("disaster.agriculture", "ha cây trồng, đất canh tác bị thiệt hại"),
)
SUBJECT_NAMES = {
    "residential_area": "khu dân cư",
    "agency": "cơ quan, đơn vị",
    "enterprise": "doanh nghiệp",
    "school": "cơ sở giáo dục",
}


# 1. Lãnh đạo, chỉ đạo ----------------------------------------------------------------------------------------


def leadership(facts: Facts, words: tuple[str, ...]) -> Section | None:
    """The officials' account of their direction (drafted, edited), the documents issued and conferences held, and
    the officers sent to the communes."""
    paragraphs = [*words, *_direction(facts)]
    officers = facts.figure("officers.deployed")
    if officers.value:
        sentence = (f"Trong {facts.this_label}, tăng cường {count_vi(officers.value)} cán bộ, chiến sĩ công an chính "
                    "quy về công tác tại các xã")  # fmt: skip
        if officers.comparison:  # a first deployment is not an increase on nothing
            sentence = with_change(sentence, officers, facts.before_label, "người")
        paragraphs.append(sentence + ".")
    if not paragraphs:
        return None
    return Section("1", "Công tác lãnh đạo, chỉ đạo", paragraphs=tuple(paragraphs))


DOCUMENT_TYPES = {"resolution": "nghị quyết", "directive": "chỉ thị", "plan": "kế hoạch", "decision": "quyết định",
                  "letter": "công văn"}  # fmt: skip
CONFERENCE_KINDS = {"launch": "triển khai", "mid_year": "sơ kết", "year_end": "tổng kết"}


def _direction(facts: Facts) -> list[str]:
    """ "Trong năm 2020, ban hành 12 văn bản lãnh đạo, chỉ đạo (02 nghị quyết, 05 kế hoạch …); tổ chức 04 hội nghị
    (sơ kết, tổng kết) với 350 lượt người tham dự." — from the documents and conferences recorded."""
    documents, conferences = facts.figure("documents.issued"), facts.figure("conferences.held")
    said = []
    if documents.value:
        kinds = [f"{count_vi(f.value)} {DOCUMENT_TYPES[f.indicator.code.rsplit('.', 1)[-1]]}"
                 for f in facts.parts("documents.issued") if f.value]  # fmt: skip
        said.append(f"ban hành {count_vi(documents.value)} văn bản lãnh đạo, chỉ đạo về công tác bảo đảm an ninh, "
                    f"trật tự ({join_clauses(kinds)})")  # fmt: skip
    if conferences.value:
        kinds = [CONFERENCE_KINDS[f.indicator.code.rsplit(".", 1)[-1]] for f in facts.parts("conferences.held")
                 if f.value and f.indicator.code.rsplit(".", 1)[-1] in CONFERENCE_KINDS]  # fmt: skip
        held = f"tổ chức {count_vi(conferences.value)} hội nghị"
        if kinds:
            held += f" ({join_clauses(kinds)})"
        attendees = facts.value("conferences.attendees")
        if attendees:
            held += f" với {count_vi(attendees)} lượt người tham dự"
        said.append(held)
    if not said:
        return []
    return [f"Trong {facts.this_label}, {'; '.join(said)}."]


# 2. An ninh chính trị ----------------------------------------------------------------------------------------


def special_period_figures(*, user: User, unit: Unit, period: Period) -> list[tuple[Period, int, int, int]]:
    """Tết and the special windows (party congresses, elections) inside `period`, each with its crimes against
    social order, traffic accidents and dead: every window in one evaluation (a query per source, not per window)."""
    windows = [
        p for p in period_options(period.end.year, user=user)
        if p.kind in ("tet", "window") and period.start <= p.start and p.end <= period.end
    ]  # fmt: skip
    if not windows:
        return []
    codes = ("crime.social_order", "traffic.accidents", "traffic.dead")
    evaluation = evaluate(user=user, unit=unit, periods=windows, codes=list(codes))
    return [(window, *(evaluation.value(code, index) or 0 for code in codes)) for index, window in enumerate(windows)]


def _window_name(window: Period) -> str:
    """ "Tết Nguyên đán Canh Tý", "Đại hội Đảng bộ huyện" — a window's label without its dates."""
    return window.label_vi.split(" (", 1)[0]


def political(facts: Facts, words: tuple[str, ...], windows: list[tuple[Period, int, int, int]]) -> Section | None:
    """The officials' assessment of political security (drafted, edited), and the special periods kept safe:
    "bảo đảm an ninh, trật tự … không xảy ra …" from the figures of each window."""
    paragraphs = [*words, *_security_events(facts)]
    quiet = [_window_name(w) for w, crimes, _accidents, dead in windows if not crimes and not dead]
    eventful = [(w, crimes, accidents, dead) for w, crimes, accidents, dead in windows if crimes or dead]
    if quiet:
        paragraphs.append(
            "Bảo đảm an ninh, trật tự các sự kiện chính trị, ngày lễ, Tết diễn ra trên địa bàn "
            f"({join_clauses(quiet)}); "
            "trong các đợt cao điểm không xảy ra vụ phạm pháp hình sự, không có người chết do tai nạn giao thông."
        )
    for window, crimes, accidents, dead in eventful:
        happened = [
            f"{count_vi(crimes)} vụ phạm pháp hình sự" if crimes else "",
            f"{count_vi(accidents)} vụ tai nạn giao thông làm chết {count_vi(dead)} người" if dead else "",
        ]
        paragraphs.append(f"Trong dịp {_window_name(window)}, trên địa bàn xảy ra {join_clauses(happened)}.")
    if not paragraphs:
        return None
    return Section("2", "Tình hình an ninh chính trị", paragraphs=tuple(paragraphs))


# The kinds of political-security event as a report counts them ("02 vụ khiếu kiện đông người").
SECURITY_EVENTS = {
    "mass_gathering": "vụ tụ tập đông người",
    "group_complaint": "vụ khiếu kiện đông người",
    "religious": "vụ việc liên quan đến tôn giáo",
    "ethnic": "vụ việc liên quan đến dân tộc",
    "propaganda": "vụ tuyên truyền, phát tán tài liệu phản động",
    "other": "vụ việc khác",
}


def _security_events(facts: Facts) -> list[str]:
    """The recorded events of political security and the hot spots: "phát sinh 03 vụ việc … (02 vụ khiếu kiện đông
    người, …), thu hút 45 người tham gia; không để xảy ra điểm nóng" — said only by a unit that records them (events
    this period or the one before)."""
    if not facts.any_value("security.events"):
        return []
    events, hot_spots = facts.figure("security.events"), facts.figure("security.hot_spots")
    if not events.value:
        return [f"Trong {facts.this_label}, trên địa bàn không phát sinh vụ việc phức tạp về an ninh chính trị, "
                "không để xảy ra điểm nóng."]  # fmt: skip
    kinds = [f"{count_vi(f.value)} {SECURITY_EVENTS[f.indicator.code.rsplit('.', 1)[-1]]}"
             for f in facts.parts("security.events") if f.value]  # fmt: skip
    sentence = (f"Trong {facts.this_label}, trên địa bàn phát sinh {count_vi(events.value)} vụ việc liên quan đến an "
                "ninh chính trị")  # fmt: skip
    if kinds:
        sentence += f" ({join_clauses(kinds)})"
    people = facts.value("security.people")
    if people:
        sentence += f", thu hút {count_vi(people)} người tham gia"
    if not hot_spots.value:
        return [sentence + "; các vụ việc được nắm chắc, giải quyết từ cơ sở, không để xảy ra điểm nóng."]
    resolved = facts.value("security.hot_spots.resolved") or 0
    sentence += f"; trong đó {count_vi(hot_spots.value)} điểm nóng"
    if resolved == hot_spots.value:
        sentence += ", đã được giải quyết dứt điểm"
    elif resolved:
        sentence += f", đã giải quyết xong {count_vi(resolved)} điểm"
    else:
        sentence += ", đang tiếp tục giải quyết"
    return [sentence + "."]


# 3. Trật tự, an toàn xã hội ----------------------------------------------------------------------------------


def social_order(facts: Facts, judged: dict[str, str]) -> Section | None:
    """Crimes against social order (*phạm pháp hình sự*) happen and are cleared; the other groups are detected;
    social evils are found and dealt with. `judged`: indicator code → "đạt chỉ tiêu …" from the targets."""
    paragraphs = []
    crimes, solved, rate = (facts.figure(c) for c in ("crime.social_order", "crime.social_order.solved",
                                                       "crime.social_order.clearance_rate"))  # fmt: skip
    if crimes.value or crimes.comparison:
        sentence = with_change(f"Phạm pháp hình sự xảy ra {count_vi(crimes.value)} vụ", crimes, facts.before_label)
        if crimes.value:
            sentence += f"; đã điều tra, khám phá {count_vi(solved.value)} vụ"
            if rate.value is not None:
                sentence += f", đạt tỷ lệ {count_vi(rate.value)}%"
                if judged.get(rate.indicator.code):
                    sentence += f", {judged[rate.indicator.code]}"
        paragraphs.append(sentence + "." + _gravest(facts, judged))
    elif facts.has("crime.social_order"):
        paragraphs.append(f"Trong {facts.this_label}, trên địa bàn không xảy ra vụ phạm pháp hình sự.")
    detected = []
    for group, name in DETECTED_GROUPS.items():
        cases, persons = f"crime.detected.{group}", f"crime.detected.suspects.{group}"
        if facts.has(cases) and facts.value(cases):
            people = (
                f", {count_vi(facts.value(persons))} đối tượng" if facts.has(persons) and facts.value(persons) else ""
            )
            detected.append(f"{count_vi(facts.value(cases))} vụ{people} {name}")
    if detected:
        paragraphs.append(f"Phát hiện, bắt giữ {'; '.join(detected)}.")
    paragraphs.extend(_crime_detail(facts))
    evils = facts.figure("social_evil.cases")
    if evils.value:
        kinds = [f"{count_vi(f.value)} vụ {SOCIAL_EVILS[f.indicator.code.rsplit('.', 1)[-1]]}"
                 for f in facts.parts("social_evil.cases") if f.value]  # fmt: skip
        persons = facts.value("social_evil.persons")
        sentence = f"Phát hiện, xử lý {count_vi(evils.value)} vụ tệ nạn xã hội"
        if persons:
            sentence += f" với {count_vi(persons)} đối tượng"
        sentence = with_change(sentence, evils, facts.before_label)
        if len(kinds) > 1:
            sentence += f"; trong đó {'; '.join(kinds)}"
        rehabilitated = facts.value("social_evil.rehabilitation")
        if rehabilitated:
            sentence += f"; đưa {count_vi(rehabilitated)} người đi cai nghiện"
        paragraphs.append(sentence + ".")
    elif evils.comparison:
        paragraphs.append(f"Trong {facts.this_label}, không phát hiện vụ tệ nạn xã hội nào, giảm "
                          f"{count_vi(evils.comparison)} vụ so với {facts.before_label}.")  # fmt: skip
    paragraphs.extend(_wanted_and_weapons(facts))
    paragraphs.extend(_fires(facts))
    if not paragraphs:
        return None
    codes = ["crime.social_order", "crime.social_order.solved", "crime.social_order.clearance_rate",
             *GRAVEST_CODES, "crime.detected", *(f"crime.detected.{g}" for g in DETECTED_GROUPS),
             "crime.detected.suspects",
             "social_evil.cases", *facts.figure("social_evil.cases").indicator.parts,
             "social_evil.persons", "social_evil.rehabilitation", "crime.prosecuted", "crime.dead", "crime.injured",
             "crime.property_damage", "drugs.grams", "drugs.tablets",
             "wanted.handled", *facts.figure("wanted.handled").indicator.parts,
             *(f"weapons.{k}" for k in WEAPON_NAMES), "weapons.handed_in",
             "fire.events", *facts.figure("fire.events").indicator.parts, "fire.dead", "fire.injured",
             "fire.property_damage"]  # fmt: skip
    table = facts.table("an_ninh", "Bảng 1. Tình hình tội phạm, tệ nạn xã hội, cháy, nổ", codes,
                        keep_empty=("crime.social_order",))  # fmt: skip
    return Section("3", "Tình hình trật tự, an toàn xã hội", paragraphs=tuple(paragraphs), tables=(table,))


def _crime_detail(facts: Facts) -> list[str]:
    """The offences most cases were charged with, the persons prosecuted, what the crimes cost, the drugs seized:
    "Tội danh chủ yếu: trộm cắp tài sản (12 vụ); cố ý gây thương tích … (05 vụ). Đã khởi tố 20 bị can …" """
    said = []
    offences = sorted((f for f in facts.parts("crime.offences") if f.value and not f.indicator.code.endswith(".other")),
                      key=lambda f: -f.value)[:4]  # fmt: skip
    if offences:
        named = [f"{f.indicator.vi.split(': ', 1)[-1].split(' (Điều')[0].lower()} ({count_vi(f.value)} vụ)"
                 for f in offences]  # fmt: skip
        said.append(f"Tội danh chủ yếu: {'; '.join(named)}.")
    prosecuted = facts.value("crime.prosecuted")
    people = join_clauses([f"chết {count_vi(facts.value('crime.dead'))} người" if facts.value("crime.dead") else "",
                           f"bị thương {count_vi(facts.value('crime.injured'))} người"
                           if facts.value("crime.injured") else ""])  # fmt: skip
    harm = [f"làm {people}" if people else "",
            f"thiệt hại tài sản ước tính {million_vi(facts.value('crime.property_damage'))} triệu đồng"
            if facts.value("crime.property_damage") else ""]  # fmt: skip
    if prosecuted or any(harm):
        parts = [f"Đã khởi tố {count_vi(prosecuted)} bị can" if prosecuted else "",
                 f"các vụ án {join_clauses(harm)}" if any(harm) else ""]  # fmt: skip
        said.append(capitalised("; ".join(p for p in parts if p)) + ".")
    seized = [f"{count_vi(f.value)} {f.indicator.measure_vi} {f.indicator.vi.split(': ', 1)[-1].lower()}"
              for code in ("drugs.grams", "drugs.tablets") for f in facts.parts(code) if f.value]  # fmt: skip
    if seized:
        said.append(f"Thu giữ {join_clauses(seized)}.")
    return said


def _wanted_and_weapons(facts: Facts) -> list[str]:
    """ "Bắt, vận động đầu thú 05 đối tượng truy nã (03 bắt giữ, 02 đầu thú); đình nã 01 đối tượng." and "Thu hồi 02
    khẩu súng, 35 viên đạn và 12 kg pháo; trong đó 04 lượt nhân dân tự nguyện giao nộp." """
    said = []
    arrested, surrendered, cancelled = (facts.value(f"wanted.handled.{o}") or 0
                                        for o in ("arrested", "surrendered", "cancelled"))  # fmt: skip
    if arrested or surrendered:
        parts = [f"{count_vi(arrested)} bắt giữ" if arrested else "", f"{count_vi(surrendered)} đầu thú" if surrendered
                 else ""]  # fmt: skip
        sentence = f"Bắt, vận động đầu thú {count_vi(arrested + surrendered)} đối tượng truy nã ({join_clauses(parts)})"
        if cancelled:
            sentence += f"; đình nã {count_vi(cancelled)} đối tượng"
        said.append(sentence + ".")
    elif cancelled:
        said.append(f"Đình nã {count_vi(cancelled)} đối tượng truy nã.")
    recovered = [f"{count_vi(facts.value(code))} {facts.figure(code).indicator.measure_vi} "
                 f"{WEAPON_NAMES[code.rsplit('.', 1)[-1]]}" for code in (f"weapons.{k}" for k in WEAPON_NAMES)
                 if facts.value(code)]  # fmt: skip
    if recovered:
        sentence = f"Thu hồi {join_clauses(recovered)}"
        handed_in = facts.value("weapons.handed_in")
        if handed_in:
            sentence += f"; trong đó có {count_vi(handed_in)} lượt nhân dân tự nguyện giao nộp"
        said.append(sentence + ".")
    return said


WEAPON_NAMES = {"firearm": "súng", "ammunition": "đạn", "explosive": "vật liệu nổ", "detonator": "nổ",
                "cold_weapon": "vũ khí thô sơ", "support_tool": "công cụ hỗ trợ", "fireworks": "pháo"}  # fmt: skip


def _fires(facts: Facts) -> list[str]:
    """ "Xảy ra 03 vụ cháy, nổ (02 vụ cháy, 01 vụ nổ), làm chết 01 người, bị thương 02 người; thiệt hại tài sản ước
    tính 1.250 triệu đồng; cứu được 04 người." — with the change on the year before."""
    fires = facts.figure("fire.events")
    if not fires.value:
        if fires.comparison:
            return [f"Trong {facts.this_label}, trên địa bàn không xảy ra cháy, nổ, giảm {count_vi(fires.comparison)} "
                    f"vụ so với {facts.before_label}."]  # fmt: skip
        return []
    kinds = [f"{count_vi(f.value)} vụ {f.indicator.vi.split(': ', 1)[-1].lower()}"
             for f in facts.parts("fire.events") if f.value]  # fmt: skip
    sentence = f"Xảy ra {count_vi(fires.value)} vụ cháy, nổ"
    if len(kinds) > 1:
        sentence += f" ({join_clauses(kinds)})"
    sentence = with_change(sentence, fires, facts.before_label)  # the change is of the count, so beside it
    dead, injured = facts.value("fire.dead"), facts.value("fire.injured")
    harm = [f"chết {count_vi(dead)} người" if dead else "", f"bị thương {count_vi(injured)} người" if injured else ""]
    if any(harm):
        sentence += f"; làm {join_clauses(harm)}"
    damage = facts.value("fire.property_damage")
    if damage:
        sentence += f"; thiệt hại về tài sản ước tính {million_vi(damage)} triệu đồng"
    rescued = facts.value("fire.rescued")
    if rescued:
        sentence += f"; lực lượng chức năng đã cứu được {count_vi(rescued)} người"
    return [sentence + "."]


GRAVEST_CODES = ("crime.social_order.gravest", "crime.social_order.gravest.solved",
                 "crime.social_order.gravest.clearance_rate")  # fmt: skip


def _gravest(facts: Facts, judged: dict[str, str]) -> str:
    """ " Trong đó, án rất nghiêm trọng, đặc biệt nghiêm trọng xảy ra 07 vụ; đã điều tra, khám phá 05 vụ, đạt tỷ lệ
    71,4%, không đạt chỉ tiêu …": the second rate police reports give, when such cases happened."""
    cases, solved, rate = (facts.figure(code) for code in GRAVEST_CODES)
    if not cases.value:
        return ""
    sentence = (f" Trong đó, án rất nghiêm trọng, đặc biệt nghiêm trọng xảy ra {count_vi(cases.value)} vụ; đã điều "
                f"tra, khám phá {count_vi(solved.value)} vụ, đạt tỷ lệ {count_vi(rate.value)}%")  # fmt: skip
    if judged.get(rate.indicator.code):
        sentence += f", {judged[rate.indicator.code]}"
    return sentence + "."


# 4. Trật tự, an toàn giao thông ------------------------------------------------------------------------------


VIOLATIONS = {"alcohol": "vi phạm nồng độ cồn", "speed": "chạy quá tốc độ", "helmet": "không đội mũ bảo hiểm",
              "overload": "chở quá tải trọng"}  # fmt: skip


def _violation_kinds(facts: Facts) -> str:
    """ "; trong đó 120 trường hợp vi phạm nồng độ cồn, 80 trường hợp chạy quá tốc độ" — the kinds recorded."""
    kinds = [f"{count_vi(facts.value(f'traffic.violations.{k}'))} trường hợp {name}" for k, name in VIOLATIONS.items()
             if facts.value(f"traffic.violations.{k}")]  # fmt: skip
    return f"; trong đó {join_clauses(kinds)}" if kinds else ""


def _spot_toll(spot) -> str:
    """"04 vụ, làm chết 02 người và bị thương 01 người": the casualties only as far as there were any."""
    harm = [f"chết {count_vi(spot.dead)} người" if spot.dead else "",
            f"bị thương {count_vi(spot.injured)} người" if spot.injured else ""]  # fmt: skip
    said = join_clauses(harm)
    return f"{count_vi(spot.accident_count)} vụ" + (f", làm {said}" if said else "")


def traffic(facts: Facts, spots: BlackSpotResult, judged: dict[str, str], charts: tuple[Chart, ...]) -> Section | None:
    """The three measures and how they moved, the severity classes, enforcement, propaganda, signs and the black
    spots, each named by its road and commune."""
    accidents, dead, injured = (facts.figure(c) for c in ("traffic.accidents", "traffic.dead", "traffic.injured"))
    paragraphs = []
    if accidents.value or accidents.comparison:
        sentence = (f"Trên địa bàn xảy ra {count_vi(accidents.value)} vụ tai nạn giao thông, làm chết "
                    f"{count_vi(dead.value or 0)} người, bị thương {count_vi(injured.value or 0)} người")  # fmt: skip
        judgement = three_measures_judgement((accidents, dead, injured), facts.before_label)
        if judgement:
            sentence += f"; {judgement}"
        sentence += "."
        severities = [f"{count_vi(f.value)} vụ {f.indicator.vi.split(': ', 1)[-1].lower()}"
                      for f in facts.parts("traffic.accidents") if f.value]  # fmt: skip
        if severities:
            sentence += f" Trong đó: {join_clauses(severities)}."
        causes = sorted((f for f in facts.parts("traffic.causes") if f.value), key=lambda f: -f.value)[:3]  # stable
        if causes:
            named = [f"{f.indicator.vi.split(': ', 1)[-1].lower()} ({count_vi(f.value)} vụ)" for f in causes]
            sentence += f" Nguyên nhân chủ yếu: {'; '.join(named)}."
        damage = facts.value("traffic.property_damage")
        if damage:
            sentence += f" Thiệt hại tài sản ước tính {million_vi(damage)} triệu đồng."
        for code in ("traffic.accidents", "traffic.dead", "traffic.injured"):
            if judged.get(code):
                sentence += f" {capitalised(accidents_target_subject(code))} {judged[code]}."
        paragraphs.append(sentence)
    elif facts.has("traffic.accidents") and facts.any_value("traffic.patrols", "propaganda.sessions"):
        paragraphs.append(f"Trong {facts.this_label}, trên địa bàn không xảy ra tai nạn giao thông.")
    patrols = facts.value("traffic.patrols")
    if patrols:
        fines = facts.value("traffic.fines")
        paragraphs.append(
            f"Các lực lượng chức năng tổ chức {count_vi(patrols)} ca tuần tra, kiểm soát, phát hiện "
            f"{count_vi(facts.value('traffic.violations_found'))} trường hợp vi phạm, xử lý "
            f"{count_vi(facts.value('traffic.violations_handled'))} trường hợp"
            + (f", phạt tiền {million_vi(fines)} triệu đồng" if fines else "")
            + (f", tạm giữ {count_vi(facts.value('traffic.vehicles_impounded'))} phương tiện"
               if facts.value("traffic.vehicles_impounded") else "")
            + (f", tước {count_vi(facts.value('traffic.licences_suspended'))} giấy phép lái xe"
               if facts.value("traffic.licences_suspended") else "")
            + _violation_kinds(facts) + "."
        )  # fmt: skip
    sessions = facts.value("propaganda.sessions")
    if sessions:
        attendees = facts.value("propaganda.attendees")
        paragraphs.append(
            f"Tổ chức {count_vi(sessions)} buổi tuyên truyền pháp luật về an ninh, trật tự, an toàn giao thông và "
            "phòng, chống thiên tai" + (f" cho {count_vi(attendees)} lượt người tham dự" if attendees else "") + "."
        )
    repaired, installed = facts.value("signs.repaired"), facts.value("signs.installed")
    if repaired or installed:
        done = [f"sửa chữa {count_vi(repaired)} biển báo" if repaired else "",
                f"lắp đặt bổ sung {count_vi(installed)} biển báo" if installed else ""]  # fmt: skip
        paragraphs.append(f"Phối hợp {join_clauses(done)} trên các tuyến đường.")
    if spots.spots:
        named = [f"{s.place_vi} ({_spot_toll(s)})" for s in spots.spots[:5]]
        more = f" và {count_vi(len(spots.spots) - 5)} điểm khác" if len(spots.spots) > 5 else ""
        paragraphs.append(
            f"Qua rà soát, trên địa bàn có {count_vi(len(spots.spots))} điểm thường xảy ra tai nạn giao thông: "
            f"{'; '.join(named)}{more}."
        )
    if spots.potential:  # the rule's lower tier (điểm tiềm ẩn), named only by count: the list is the app's
        paragraphs.append(
            f"{'Ngoài ra, có' if spots.spots else 'Qua rà soát, trên địa bàn có'} {count_vi(len(spots.potential))} "
            "điểm tiềm ẩn tai nạn giao thông cần tiếp tục theo dõi, đề xuất xử lý."
        )
    if not paragraphs:
        return None
    codes = ["traffic.accidents", *facts.figure("traffic.accidents").indicator.parts, "traffic.dead",
             "traffic.injured", "traffic.property_damage", "traffic.patrols", "traffic.violations_found",
             "traffic.violations_handled", *(f"traffic.violations.{k}" for k in VIOLATIONS),
             "traffic.licences_suspended", "traffic.fines", "traffic.vehicles_impounded", "propaganda.sessions",
             "propaganda.attendees", "signs.repaired", "signs.installed"]  # fmt: skip
    tables = [facts.table("giao_thong", "Bảng 2. Tai nạn giao thông và công tác bảo đảm trật tự, an toàn giao thông",
                          codes, keep_empty=("traffic.accidents", "traffic.dead", "traffic.injured"))]  # fmt: skip
    if spots.spots:
        tables.append(_black_spot_table(spots))
    return Section("4", "Tình hình trật tự, an toàn giao thông", paragraphs=tuple(paragraphs), tables=tuple(tables),
                   charts=charts)  # fmt: skip


def accidents_target_subject(code: str) -> str:
    return {"traffic.accidents": "số vụ tai nạn giao thông", "traffic.dead": "số người chết",
            "traffic.injured": "số người bị thương"}[code]  # fmt: skip


def _black_spot_table(spots: BlackSpotResult) -> Table:
    rows = tuple(
        (s.place_vi, s.accident_count, s.dead, s.injured, f"{s.first_occurred:%m/%Y} – {s.last_occurred:%m/%Y}")
        for s in spots.spots
    )
    return Table(
        key="diem_den",
        title="Bảng 3. Các điểm thường xảy ra tai nạn giao thông",
        columns=("Vị trí", "Số vụ", "Số người chết", "Số người bị thương", "Thời gian"),
        rows=rows,
        number_format=("", "int", "int", "int", ""),
    )


# 5. Phòng, chống thiên tai và tìm kiếm cứu nạn --------------------------------------------------------------


def disaster(facts: Facts) -> Section | None:
    paragraphs = []
    events = facts.figure("disaster.events")
    if events.value:
        kinds = [f"{count_vi(f.value)} đợt {f.indicator.vi.split(': ', 1)[-1].lower()}"
                 for f in facts.parts("disaster.events") if f.value]  # fmt: skip
        sentence = f"Trong {facts.this_label}, trên địa bàn xảy ra {count_vi(events.value)} đợt thiên tai"
        if kinds and len(kinds) > 1:
            sentence += f" ({join_clauses(kinds)})"
        elif kinds:
            sentence = f"Trong {facts.this_label}, trên địa bàn xảy ra {kinds[0]}"
        damage = [f"{count_vi(facts.value(code))} {label}" for code, label in DISASTER_DAMAGE if facts.value(code)]
        if damage:
            sentence += f", làm {join_clauses(damage)}"
        loss = facts.value("disaster.economic_loss")
        if loss:
            sentence += f"; thiệt hại về kinh tế ước tính {count_vi(loss)} triệu đồng"
        paragraphs.append(sentence + ".")
        support = facts.value("disaster.recovery_support")
        if support:
            paragraphs.append(f"Đã huy động, hỗ trợ khắc phục hậu quả {million_vi(support)} triệu đồng.")
    elif events.comparison:
        paragraphs.append(f"Trong {facts.this_label}, trên địa bàn không xảy ra thiên tai gây thiệt hại.")
    plans, overdue = facts.value("plans.total"), facts.value("plans.overdue")
    if plans:
        sentence = f"Toàn địa bàn có {count_vi(plans)} phương án ứng phó thiên tai được phê duyệt"
        sentence += (f"; còn {count_vi(overdue)} phương án quá hạn rà soát, cập nhật" if overdue
                     else ", được rà soát, cập nhật đúng hạn")  # fmt: skip
        paragraphs.append(sentence + ".")
    paragraphs.extend(_rescues(facts))
    if not paragraphs:
        return None
    codes = ["disaster.events", *facts.figure("disaster.events").indicator.parts, "disaster.dead", "disaster.missing",
             "disaster.injured", "disaster.houses_damaged", "disaster.houses_destroyed", "disaster.agriculture",
             "disaster.economic_loss", "disaster.recovery_support", "plans.total", "plans.overdue",
             "rescues.operations", "rescues.forces", "rescues.vehicles", "rescues.people_rescued",
             "rescues.property_saved"]  # fmt: skip
    table = facts.table("thien_tai", "Bảng 4. Thiên tai, thiệt hại và công tác phòng, chống", codes)
    return Section("5", "Công tác phòng, chống thiên tai và tìm kiếm cứu nạn", paragraphs=tuple(paragraphs),
                   tables=(table,))  # fmt: skip


# 6. Phong trào Toàn dân bảo vệ an ninh Tổ quốc ---------------------------------------------------------------


def _rescues(facts: Facts) -> list[str]:
    """ "Tổ chức 03 đợt tìm kiếm cứu nạn, huy động 120 lượt người, 08 phương tiện; cứu được 05 người, tìm được 01 thi
    thể, cứu tài sản trị giá 250 triệu đồng." """
    operations = facts.value("rescues.operations")
    if not operations:
        return []
    sentence = f"Tổ chức {count_vi(operations)} đợt tìm kiếm cứu nạn, cứu hộ"
    mobilised = [f"{count_vi(facts.value('rescues.forces'))} lượt người" if facts.value("rescues.forces") else "",
                 f"{count_vi(facts.value('rescues.vehicles'))} phương tiện" if facts.value("rescues.vehicles") else ""]
    if any(mobilised):
        sentence += f", huy động {join_clauses(mobilised)}"
    outcome = [f"cứu được {count_vi(facts.value('rescues.people_rescued'))} người"
               if facts.value("rescues.people_rescued") else "",
               f"tìm được {count_vi(facts.value('rescues.bodies'))} thi thể" if facts.value("rescues.bodies") else "",
               f"cứu tài sản trị giá {million_vi(facts.value('rescues.property_saved'))} triệu đồng"
               if facts.value("rescues.property_saved") else ""]  # fmt: skip
    if any(outcome):
        sentence += f"; {join_clauses(outcome)}"
    return [sentence + "."]


# The movement's other results as a report says them ("vận động, cảm hóa, giáo dục 12 người").
MOVEMENT_RESULTS = {
    "reformed": "tiếp nhận, quản lý, cảm hóa, giáo dục {n} người tại cộng đồng",
    "cameras": "lắp đặt {n} camera an ninh từ nguồn xã hội hóa",
    "pacts": "ký kết {n} bản giao ước thi đua",
    "troubled_areas": "chuyển hóa {n} địa bàn trọng điểm, phức tạp về an ninh, trật tự",
    "criterion_19_2": "{n} xã đạt tiêu chí 19.2 về an ninh, trật tự trong xây dựng nông thôn mới",
}


def _movement_results(facts: Facts) -> list[str]:
    """ "Trong năm 2020, tiếp nhận, quản lý, cảm hóa, giáo dục 12 người tại cộng đồng, lắp đặt 40 camera an ninh từ
    nguồn xã hội hóa (kinh phí 320 triệu đồng) và ký kết 15 bản giao ước thi đua." """
    done = []
    for kind, phrase in MOVEMENT_RESULTS.items():
        value = facts.value(f"results.{kind}")
        if not value:
            continue
        said = phrase.format(n=count_vi(value))
        funds = facts.value("results.camera_funds") if kind == "cameras" else None
        done.append(f"{said} (kinh phí {million_vi(funds)} triệu đồng)" if funds else said)
    return [f"Trong {facts.this_label}, {join_clauses(done)}."] if done else []


def movement(user: User, facts: Facts, commune_names: list[str], judged: dict[str, str]) -> Section | None:
    paragraphs = []
    active, inspections = facts.value("models.active"), facts.value("models.inspections")
    on_time, overdue = facts.value("models.on_time"), facts.value("models.overdue")
    if active:
        sentence = (f"Toàn địa bàn duy trì {count_vi(active)} mô hình tự quản, tự phòng, tự bảo vệ về an ninh, trật tự"
                    + (f"; trong {facts.this_label} đã kiểm tra {count_vi(inspections)} lượt"
                       if inspections else ""))  # fmt: skip
        if overdue:
            sentence += (
                f", {count_vi(on_time)} mô hình được kiểm tra đúng hạn, {count_vi(overdue)} mô hình quá hạn kiểm tra"
            )
        elif inspections:
            sentence += ", các mô hình được kiểm tra đúng hạn"
        paragraphs.append(sentence + ".")
    exemplars = facts.figure("exemplars")
    if exemplars.value:
        parts = [f"{count_vi(f.value)} {f.indicator.vi.split(': ', 1)[-1].lower()}" for f in facts.parts("exemplars")
                 if f.value]  # fmt: skip
        paragraphs.append(f"Phát hiện, xây dựng và biểu dương {count_vi(exemplars.value)} điển hình tiên tiến"
                          + (f" ({join_clauses(parts)})" if parts else "") + " trong phong trào.")  # fmt: skip
    recognition = _recognition_sentence(user, facts, commune_names, judged)
    if recognition:
        paragraphs.append(recognition)
    grades = [f"{count_vi(f.value)} đơn vị {f.indicator.vi.split(': ', 1)[-1].lower()}" for f in facts.parts("ratings")
              if f.value]  # fmt: skip
    if grades:
        paragraphs.append(f"Kết quả xếp loại phong trào: {join_clauses(grades)}.")
    received = facts.value("tips.received")
    if received:
        handled, converted = facts.value("tips.handled"), facts.value("tips.converted")
        paragraphs.append(
            f"Quần chúng nhân dân cung cấp {count_vi(received)} tin báo qua cổng tiếp nhận tin báo; đã xác minh, xử lý "
            f"xong {count_vi(handled)} tin"
            + (f", {count_vi(converted)} tin được thụ lý thành vụ việc" if converted else "")
            + "."
        )  # fmt: skip
    paragraphs.extend(_movement_results(facts))
    awards = _commendation_sentence(user, facts)
    if awards:
        paragraphs.append(awards)
    if not paragraphs:
        return None
    codes = ["models.active", "models.inspections", "models.on_time", "models.overdue", "exemplars",
             *facts.figure("exemplars").indicator.parts, "recognised.commune", "recognised.residential_area",
             "recognised.agency", "recognised.enterprise", "recognised.school", "ratings",
             *facts.figure("ratings").indicator.parts, "tips.received", "tips.handled", "tips.converted",
             "commendations", *facts.figure("commendations").indicator.parts,
             *(f"results.{kind}" for kind in MOVEMENT_RESULTS), "results.camera_funds"]  # fmt: skip
    table = facts.table("phong_trao", "Bảng 5. Phong trào Toàn dân bảo vệ an ninh Tổ quốc", codes)
    by_unit = movement_by_unit(user, facts)
    return Section("6", "Phong trào Toàn dân bảo vệ an ninh Tổ quốc", paragraphs=tuple(paragraphs),
                   tables=(table, by_unit) if by_unit else (table,))  # fmt: skip


# The movement's main results, one column each, in the table by child unit (#23).
MOVEMENT_BY_UNIT = (
    ("models.active", "Mô hình tự quản đang hoạt động"),
    ("results.reformed", "Cảm hóa, giáo dục (người)"),
    ("results.cameras", "Camera an ninh xã hội hóa"),
    ("results.pacts", "Giao ước thi đua (bản)"),
    ("results.troubled_areas", "Địa bàn trọng điểm được chuyển hóa"),
    ("exemplars", "Điển hình tiên tiến"),
    ("commendations", "Khen thưởng (lượt)"),
)


def movement_by_unit(user: User, facts: Facts) -> Table | None:
    """ "Bảng 6. Kết quả phong trào … theo đơn vị, năm 2020": for a unit with communes (or districts) under it, one
    row per child unit (indicator_children's order, full names) with its figures of the period counted, and "Cộng",
    the unit's own figures. Records kept at the unit's own level (or by an establishment directly under it) count
    toward the unit but no child: they get their row ("Cấp huyện"), so the rows add up to "Cộng". A column that is
    zero for every unit is left out, as the other tables leave out a row with nothing in it; with nothing at all, or
    no child, there is no table."""
    children = [c for c in indicator_children(user=user, unit=facts.unit) if c.pk != facts.unit.pk]
    codes = [code for code, _header in MOVEMENT_BY_UNIT if facts.has(code)]
    if not children or not codes:
        return None
    values = children_values(user=user, unit=facts.unit, periods=[facts.counted], codes=codes)
    figures = {child.pk: {code: value(code, 0) or 0 for code in codes} for child, value in values}
    total = {code: facts.value(code) or 0 for code in codes}
    own = {code: total[code] - sum(figures[c.pk][code] for c in children) for code in codes}
    rows = [(child.name, *(figures[child.pk][code] for code in codes)) for child in children]
    if all(v >= 0 for v in own.values()) and any(own.values()):
        rows.append((f"Cấp {level_word(facts.unit)}", *(own[code] for code in codes)))
    rows.append(("Cộng", *(total[code] for code in codes)))
    shown = [i for i, code in enumerate(codes) if any(row[1 + i] for row in rows)]
    if not shown:
        return None
    headers = dict(MOVEMENT_BY_UNIT)
    return Table(
        key="phong_trao_don_vi",
        title=f"Bảng 6. Kết quả phong trào Toàn dân bảo vệ an ninh Tổ quốc theo đơn vị, {facts.this_label}",
        columns=("Đơn vị", *(headers[codes[i]] for i in shown)),
        rows=tuple((row[0], *(row[1 + i] for i in shown)) for row in rows),
        number_format=("", *("int" for _ in shown)),
    )


def _recognition_sentence(user: User, facts: Facts, commune_names: list[str], judged: dict[str, str]) -> str:
    """ "Kết quả đánh giá năm 2020: 12/12 cơ quan, đơn vị (100%) và 17/17 xã, thị trấn đạt tiêu chuẩn …" """
    year = facts.period.end.year
    if not any(facts.has(f"recognised.{s}") and facts.value(f"recognised.{s}") is not None
               for s in ("commune", *SUBJECT_NAMES)):  # fmt: skip
        return ""
    names = {**SUBJECT_NAMES, "commune": commune_levels(commune_names)}
    rows = share_rows(unit=facts.unit, year=year, within=lambda field: counted_for(user, facts.unit, field))
    clauses = [
        f"{count_vi(r.recognised)}/{count_vi(r.total)} {names[r.subject_type]} ({r.share_vi})"
        for r in rows
        if r.assessed
    ]
    if not clauses:
        return ""
    sentence = f'Kết quả đánh giá năm {year}: {join_clauses(clauses)} đạt tiêu chuẩn "An toàn về an ninh, trật tự"'
    target = judged.get("recognised.commune")
    return sentence + (f", {target}" if target else "") + "."


AWARD_VI = {"medal": 'Kỷ niệm chương "Bảo vệ an ninh Tổ quốc"', "merit": "Bằng khen", "commendation": "Giấy khen",
            "other": "khen thưởng"}  # fmt: skip
AUTHORITY_VI = {"ministry": "Bộ Công an", "provincial_police": "Giám đốc Công an tỉnh",
                "province_chair": "Chủ tịch UBND tỉnh", "district_chair": "Chủ tịch UBND huyện",
                "commune_chair": "Chủ tịch UBND xã", "other": "cấp có thẩm quyền"}  # fmt: skip
RECIPIENT_VI = {"individual": "cá nhân", "collective": "tập thể"}


def _commendation_sentence(user: User, facts: Facts) -> str:
    """ "09 cá nhân được Bộ Công an tặng Kỷ niệm chương …; 02 tập thể và 02 cá nhân được Giám đốc Công an tỉnh tặng
    Giấy khen": one clause per authority and award, collectives before individuals (as the seed review says it)."""
    groups: dict[tuple[str, str], list[str]] = {}
    for award, authority, kind, n in commendation_counts(
        user=user, unit=facts.unit, start=facts.counted.start, end=facts.counted.end
    ):
        groups.setdefault((award, authority), []).append(f"{count_vi(n)} {RECIPIENT_VI[kind]}")
    clauses = [f"{join_clauses(who)} được {AUTHORITY_VI[authority]} tặng {AWARD_VI[award]}"
               for (award, authority), who in groups.items()]  # fmt: skip
    if not clauses:
        return ""
    return f"Công tác thi đua, khen thưởng được quan tâm: {'; '.join(clauses)}."


# Charts -------------------------------------------------------------------------------------------------------


TREND_CODES = ("traffic.accidents",)  # the monthly line of the traffic chart (indicator_trends of the year)


def traffic_charts(user: User, facts: Facts, trends: dict[str, dict]) -> tuple[Chart, ...]:
    """The traffic accidents month by month, this year against the year before (two lines, readable in black and
    white), and — for a unit with communes or districts under it — the accidents and crimes by unit."""
    year = facts.period.end.year
    trend = trends["traffic.accidents"]
    months = tuple(f"T{m}" for m in range(1, 13))
    charts = []
    if any(trend["this_year"]) or any(trend["last_year"]):
        charts.append(Chart(
            key="tai_nan_theo_thang",
            title=f"Hình 1. Số vụ tai nạn giao thông theo tháng, năm {year} so với năm {year - 1}",
            kind="line",
            labels=months,
            series=((f"Năm {year}", tuple(trend["this_year"])), (f"Năm {year - 1}", tuple(trend["last_year"]))),
            y_label="vụ",
        ))  # fmt: skip
    children = indicator_children(user=user, unit=facts.unit)
    if 1 < len(children) <= MAX_CHILDREN_IN_CHART:
        codes = ["crime.social_order", "traffic.accidents"]
        values = [
            tuple(value(code, 0) for code in codes)
            for _child, value in children_values(user=user, unit=facts.unit, periods=[facts.counted], codes=codes)
        ]
        if any(any(v) for v in values):
            charts.append(Chart(
                key="theo_don_vi",
                title=f"Hình {len(charts) + 1}. Phạm pháp hình sự và tai nạn giao thông theo đơn vị, "
                f"{facts.this_label}",
                kind="barh",
                labels=tuple(c.short_name or c.name for c in children),
                series=(("Phạm pháp hình sự", tuple(v[0] for v in values)),
                        ("Tai nạn giao thông", tuple(v[1] for v in values))),
            ))  # fmt: skip
    return tuple(charts)
