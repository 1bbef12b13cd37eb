"""Demo records of Huyện Hàm Thuận Bắc: 2019–2021 and the first half of 2025 in its 17 legacy communes,
then from 1/7/2025 in the 8 communes of Tỉnh Lâm Đồng that succeeded them.

The 2019 and 2020 totals follow the district's 2020 review (Hội nghị tổng kết ANTT ngày 27/01/2021):
49 → 44 criminal cases, 57 → 54 traffic accidents with fewer dead and injured. Everything is drawn from
seeded generators, so every run builds the same records, and every record goes through
`incident_create_many`, the batch form of `incident_create` (validation, severity, duplicate check,
audit), in the name of the acting user.
"""

import math
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.utils import timezone

from antoan.accounts.models import User
from antoan.core import clock
from antoan.core.errors import DomainError
from antoan.core.memo import memoized
from antoan.incidents.categories import IncidentKind, IncidentStatus
from antoan.incidents.models import Incident
from antoan.incidents.services import incident_create_many
from antoan.units.models import Hierarchy, Kind, Unit
from antoan.units.selectors import unit_for_code

DISTRICT_CODE = "597"
DISTRICT_DAY = date(2020, 1, 1)
# A fixed last day keeps the data the same on every run; records after the clock are left out.
SEED_UNTIL = date(2026, 11, 24)
EXTERNAL_PREFIX = "DEMO-"
KIND_CODES = {
    IncidentKind.CRIME: "HS",
    IncidentKind.SOCIAL_EVIL: "TNXH",
    IncidentKind.TRAFFIC: "GT",
    IncidentKind.DISASTER: "TT",
    IncidentKind.FIRE: "CN",
}
# Same kind and commune closer than this in time would risk the service's duplicate flag (30 min).
MIN_GAP = timedelta(hours=2)
DUPLICATE_COMMUNE = "23059"  # the one deliberate double entry: an accident in Xã Hàm Thuận, 2026
DUPLICATE_YEAR = 2026
LEGACY_NO_BOUNDS_RADIUS_KM = 0.5


@dataclass(frozen=True)
class Period:
    year: int
    start: date
    end: date
    hierarchy: str
    crimes: int  # crimes against social order ("phạm pháp hình sự"): they happen, and most are cleared
    detected: int  # the other groups (drugs, economic, …): detected cases, each with the persons caught
    social_evils: int
    accidents: int
    dead: int
    injured: int
    disasters: tuple[tuple[str, int, int], ...]  # (category, first month, last month)


PERIODS = (
    Period(
        2019, date(2019, 1, 1), date(2019, 12, 31), Hierarchy.LEGACY, 49, 14, 12, 57, 31, 48,
        (("drought", 3, 4), ("heavy_rain", 8, 9), ("whirlwind", 10, 10)),
    ),
    Period(
        2020, date(2020, 1, 1), date(2020, 12, 31), Hierarchy.LEGACY, 44, 12, 11, 54, 26, 41,
        (("drought", 4, 4), ("whirlwind", 8, 8), ("heavy_rain", 10, 10), ("flood", 11, 11)),
    ),
    Period(
        2021, date(2021, 1, 1), date(2021, 12, 31), Hierarchy.LEGACY, 41, 11, 10, 50, 24, 37,
        (("drought", 3, 3), ("heavy_rain", 9, 9), ("storm", 11, 11)),
    ),
    Period(2025, date(2025, 1, 1), date(2025, 6, 30), Hierarchy.LEGACY, 14, 4, 5, 16, 8, 12, (("drought", 4, 4),)),
    Period(
        2025, date(2025, 7, 1), date(2025, 12, 31), Hierarchy.CURRENT, 16, 5, 5, 18, 9, 13,
        (("heavy_rain", 9, 9), ("whirlwind", 10, 10)),
    ),
    Period(
        2026, date(2026, 1, 1), SEED_UNTIL, Hierarchy.CURRENT, 28, 10, 8, 32, 15, 24,
        (("drought", 4, 4), ("heavy_rain", 8, 8), ("storm", 11, 11)),
    ),
)  # fmt: skip

# Relative weight of each commune (roughly its population; the towns more), by code.
LEGACY_WEIGHTS = {
    "23059": 3.0,  # Thị trấn Ma Lâm, the district town
    "23062": 2.4,  # Thị trấn Phú Long
    "23065": 1.0,
    "23068": 0.4,
    "23071": 1.0,
    "23074": 0.4,
    "23077": 1.0,
    "23080": 1.0,
    "23083": 1.2,
    "23086": 1.8,
    "23089": 1.4,
    "23092": 2.2,
    "23095": 1.8,
    "23098": 2.0,
    "23101": 1.6,
    "23104": 2.0,
    "23107": 0.5,
}
CURRENT_WEIGHTS = {
    "23059": 3.2,  # Xã Hàm Thuận (Ma Lâm, Thuận Minh, Hàm Đức)
    "23086": 1.8,
    "23089": 2.0,
    "23065": 1.2,
    "23074": 0.6,
    "23095": 2.2,
    "22933": 2.4,
    "22960": 1.4,
}

QL1A, QL28, DT711, DT714, MALAM_HAMTRI = "Quốc lộ 1A", "Quốc lộ 28", "ĐT 711", "ĐT 714", "Đường Ma Lâm – Hàm Trí"
LOCAL_ROADS = ("Đường liên xã", "Đường liên thôn", "Đường bê tông nông thôn")
ROADS = {
    "23059": (QL28, MALAM_HAMTRI, DT711),
    "23062": (QL1A,),
    "23065": (QL28, DT714),
    "23068": (DT714,),
    "23071": (MALAM_HAMTRI, DT711),
    "23074": (QL28, DT714),
    "23077": (QL28, MALAM_HAMTRI),
    "23080": (QL1A,),
    "23083": (QL28,),
    "23086": (QL1A, DT711),
    "23089": (MALAM_HAMTRI, DT711),
    "23092": (QL1A, DT711),
    "23095": (QL28,),
    "23098": (QL28,),
    "23101": (QL28,),
    "23104": (QL1A,),
    "23107": (DT714,),
}
CURRENT_ROADS = {
    "23059": (QL28, QL1A, MALAM_HAMTRI, DT711),
    "23086": (QL1A, DT711),
    "23089": (MALAM_HAMTRI, DT711, QL28),
    "23065": (QL28, DT714),
    "23074": (QL28, DT714),
    "23095": (QL28,),
    "22933": (QL1A,),
    "22960": (QL28,),
}

# Hour-of-day weights, 0h…23h: accidents peak in the evening, thefts at night, raids in the evening.
TRAFFIC_HOURS = (1, 1, 1, 1, 1, 2, 4, 5, 3, 2, 2, 3, 3, 2, 2, 3, 4, 7, 9, 9, 7, 5, 3, 2)
CRIME_HOURS = (3, 3, 3, 2, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 4, 4, 4, 4, 3)
SOCIAL_EVIL_HOURS = (1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 3, 3, 3, 2, 2, 4, 5, 5, 4, 2)
DISASTER_HOURS = (1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 4, 5, 5, 4, 3, 2, 2, 1, 1, 1)

# The groups detected besides crimes against social order, by weight.
LEGACY_DETECTED_CATEGORIES = (
    ("drugs", 12),
    ("economic", 7),
    ("environment", 6),
    ("high_tech", 2),
    ("smuggling", 1),
)
# After 2025 online fraud takes a bigger share.
CURRENT_DETECTED_CATEGORIES = (
    ("drugs", 14),
    ("economic", 6),
    ("environment", 6),
    ("high_tech", 10),
    ("smuggling", 2),
)
# How grave each act of the demo's crimes against social order may be (Bộ luật Hình sự 2015, Điều 9: by the highest
# penalty of the charge's bracket), by the act's first words; drawn from a generator of their own, so that the rest of
# the demo stays as it was.
GRAVITY_BY_ACT = (
    ("Cố ý gây thương tích", (("less_serious", 50), ("serious", 25), ("very_serious", 20), ("especially_serious", 5))),
    ("Cướp giật", (("serious", 70), ("very_serious", 30))),
    ("Trộm cắp tiền, vàng", (("less_serious", 40), ("serious", 50), ("very_serious", 10))),
    ("Trộm cắp", (("less_serious", 80), ("serious", 20))),
    ("Hủy hoại", (("less_serious", 70), ("serious", 30))),
    ("Gây rối", (("less_serious", 100),)),
)

CRIME_ACTS = {
    "social_order": (
        "Trộm cắp 01 xe mô tô dựng trước nhà",
        "Trộm cắp thanh long trong vườn",
        "Trộm cắp máy bơm nước ở rẫy",
        "Trộm cắp 02 con bò thả ngoài đồng",
        "Trộm cắp tiền, vàng trong nhà dân",
        "Trộm cắp dây điện của trạm bơm",
        "Cướp giật điện thoại di động của người đi đường",
        "Cố ý gây thương tích do mâu thuẫn khi uống rượu",
        "Cố ý gây thương tích do tranh chấp đất rẫy",
        "Gây rối trật tự công cộng, đánh nhau ở quán nhậu",
        "Trộm cắp điện thoại di động của khách ở quán cà phê",
        "Hủy hoại tài sản (chặt phá vườn thanh long)",
    ),
    "drugs": (
        "Bắt quả tang đối tượng tàng trữ trái phép chất ma túy",
        "Bắt quả tang đối tượng mua bán trái phép chất ma túy",
        "Phát hiện đối tượng tổ chức sử dụng trái phép chất ma túy",
    ),
    "economic": (
        "Lừa đảo chiếm đoạt tài sản qua hình thức vay mượn",
        "Lạm dụng tín nhiệm chiếm đoạt tài sản (giật hụi)",
        "Lừa đảo bán đất nền, chiếm đoạt tiền đặt cọc",
    ),
    "environment": (
        "Khai thác cát trái phép trên sông",
        "Vận chuyển gỗ trái phép",
        "Phá rừng, lấn chiếm đất lâm nghiệp",
    ),
    "high_tech": (
        "Lừa đảo qua mạng xã hội, giả danh công an gọi điện",
        "Lừa đảo tuyển cộng tác viên bán hàng trực tuyến",
        "Tổ chức đánh bạc qua mạng",
    ),
    "smuggling": (
        "Tàng trữ, buôn bán pháo nổ dịp Tết",
        "Buôn bán thuốc lá điếu nhập lậu",
    ),
}
SOLVED_OUTCOMES = (
    "Đã bắt giữ {n} đối tượng",
    "Đã xác định {n} đối tượng, thu hồi tài sản trả cho bị hại",
    "Đã khởi tố vụ án, tạm giữ {n} đối tượng",
    "Đã làm rõ {n} đối tượng, chuyển hồ sơ Cơ quan điều tra",
)
OPEN_OUTCOMES = (
    "Đang điều tra, xác minh",
    "Đang truy xét đối tượng",
    "Đã trưng cầu giám định, đang xác minh làm rõ",
)

SOCIAL_EVIL_CATEGORIES = (("gambling", 50), ("drug_abuse", 35), ("loan_sharking", 15))
SOCIAL_EVIL_ACTS = {
    "gambling": (
        ("Bắt quả tang {n} đối tượng đánh bạc bằng hình thức đánh bài tiến lên", 4, 10),
        ("Bắt quả tang {n} đối tượng đánh bạc bằng hình thức đá gà", 5, 12),
        ("Bắt quả tang {n} đối tượng đánh bạc bằng hình thức xóc đĩa", 4, 9),
        ("Phát hiện {n} đối tượng ghi số đề", 1, 3),
    ),
    "drug_abuse": (
        ("Phát hiện {n} đối tượng sử dụng trái phép chất ma túy", 1, 4),
        ("Test nhanh {n} đối tượng dương tính với ma túy", 1, 3),
    ),
    "loan_sharking": (
        ("Phát hiện {n} đối tượng cho vay lãi nặng, dán tờ rơi quảng cáo cho vay", 1, 3),
        ("{n} đối tượng cho vay lãi nặng, đe dọa người vay để đòi nợ", 1, 2),
    ),
}
SOCIAL_EVIL_OUTCOMES = {
    "gambling": ("thu giữ {m} triệu đồng", "lập biên bản, xử phạt hành chính", "thu giữ tang vật, {m} triệu đồng"),
    "drug_abuse": (
        "lập hồ sơ đưa đi cai nghiện bắt buộc",
        "xử phạt hành chính, giao xã quản lý",
        "giao gia đình quản lý",
    ),
    "loan_sharking": ("thu giữ sổ ghi nợ, lập hồ sơ xử lý", "đang xác minh các khoản vay"),
}

ONE_VEHICLE = (
    "Xe mô tô tự gây tai nạn khi vào cua",
    "Xe mô tô tông vào người đi bộ qua đường",
    "Xe mô tô tông vào trụ điện ven đường",
    "Ô tô tải lật khi xuống dốc",
)
TWO_VEHICLES = (
    "Xe mô tô va chạm với xe mô tô",
    "Xe mô tô va chạm với ô tô tải",
    "Ô tô khách va chạm với xe mô tô",
    "Xe mô tô va chạm với xe công nông",
    "Ô tô con va chạm với xe mô tô",
    "Xe đầu kéo va chạm với xe mô tô",
    "Xe mô tô va chạm với xe đạp điện",
)
THREE_VEHICLES = (
    "Ô tô tải va chạm liên hoàn với hai xe mô tô",
    "Ba xe mô tô va chạm liên hoàn",
    "Ô tô khách, ô tô con và xe mô tô va chạm liên hoàn",
)
CAUSES = (
    "Phóng nhanh",
    "Vượt ẩu",
    "Say rượu bia",
    "Không nhường đường",
    "Đi sai phần đường",
    "Chuyển hướng không quan sát",
    "Không làm chủ tốc độ",
)

DISASTER_TEXTS = {
    "drought": "Nắng hạn kéo dài, thiếu nước tưới làm {ha} ha lúa, thanh long bị ảnh hưởng",
    "heavy_rain": "Mưa lớn kéo dài gây ngập cục bộ, làm hư hỏng {houses} nhà dân và {ha} ha hoa màu",
    "flood": "Lũ trên sông dâng cao gây ngập {houses} nhà dân, {ha} ha lúa và hoa màu bị ngập úng",
    "whirlwind": "Lốc xoáy kèm mưa lớn làm tốc mái {houses} nhà dân, gãy đổ {ha} ha trụ thanh long",
    "storm": "Ảnh hưởng hoàn lưu bão gây mưa to, gió mạnh làm hư hỏng {houses} nhà dân, {ha} ha cây trồng",
}
# (houses damaged, houses destroyed, crops ha, road m, slid m³, loss million VND, duration hours) ranges
DISASTER_DAMAGE = {
    "drought": ((0, 0), (0, 0), (30, 150), (0, 0), (0, 0), (600, 3000), (480, 1080)),
    "heavy_rain": ((2, 15), (0, 0), (5, 40), (50, 400), (20, 200), (200, 1500), (6, 20)),
    "flood": ((5, 30), (0, 1), (20, 100), (100, 600), (50, 300), (500, 3000), (24, 72)),
    "whirlwind": ((5, 25), (0, 2), (1, 10), (0, 0), (0, 0), (100, 800), (1, 2)),
    "storm": ((10, 40), (0, 3), (20, 120), (100, 500), (50, 400), (1000, 5000), (12, 30)),
}
RECOVERY_TEXTS = (
    "Hỗ trợ sửa chữa nhà ở cho các hộ bị thiệt hại",
    "Hỗ trợ giống cây trồng, khôi phục sản xuất",
    "Huy động lực lượng giúp dân dọn dẹp, khắc phục hậu quả",
)
AGRICULTURE_OTHER = {
    "drought": "Nhiều hồ chứa nhỏ cạn nước, phải điều tiết nước tưới",
    "heavy_rain": "Sạt lở taluy đường giao thông nông thôn",
    "flood": "Một số tuyến đường bị ngập, chia cắt cục bộ",
    "whirlwind": "Gãy đổ cây xanh, cột điện hạ thế",
    "storm": "Gãy đổ cây xanh, mất điện cục bộ",
}


@dataclass
class _Record:
    unit: Unit
    kind: str
    occurred_at: datetime
    fields: dict


def point_radius_km(unit: Unit) -> float:
    """How far from its centre a current commune's records are placed: 0.3 of a same-area disc's radius."""
    if unit.area_km2:
        return 0.3 * math.sqrt(unit.area_km2 / math.pi)
    return 1.0


def _centre(unit: Unit) -> tuple[float, float] | None:
    if unit.is_legacy and unit.bounds:
        south, west, north, east = unit.bounds
        return (south + north) / 2, (west + east) / 2
    if unit.latitude is None or unit.longitude is None:
        return None
    return unit.latitude, unit.longitude


def _point(rng: random.Random, unit: Unit) -> tuple[float | None, float | None]:
    """A point inside the commune: the central 60% of its bounding box, or a disc around its centre."""
    if unit.is_legacy and unit.bounds:
        south, west, north, east = unit.bounds
        dlat, dlon = 0.2 * (north - south), 0.2 * (east - west)
        return round(rng.uniform(south + dlat, north - dlat), 6), round(rng.uniform(west + dlon, east - dlon), 6)
    if _centre(unit) is None:
        return None, None
    radius = LEGACY_NO_BOUNDS_RADIUS_KM if unit.is_legacy else point_radius_km(unit)
    r, theta = radius * math.sqrt(rng.random()) * 0.99, rng.uniform(0, 2 * math.pi)
    lat = unit.latitude + r * math.cos(theta) / 111.32
    lon = unit.longitude + r * math.sin(theta) / (111.32 * math.cos(math.radians(unit.latitude)))
    return round(lat, 6), round(lon, 6)


def _place(unit: Unit, rng: random.Random) -> tuple[str, str]:
    """("thôn 3", "xã Hàm Trí"): a village (khu phố in towns and wards) and the commune, as written."""
    village = "khu phố" if unit.type_name in ("Thị trấn", "Phường") else "thôn"
    return f"{village} {rng.randint(1, 8 if unit.is_legacy else 12)}", f"{unit.type_name.lower()} {unit.short_name}"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _weighted(rng: random.Random, pairs) -> str:
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


def _spread_days(rng: random.Random, start: date, end: date, n: int) -> list[date]:
    """n days spread over [start, end]: one random day in each of n equal slices."""
    span = (end - start).days + 1
    days = []
    for i in range(n):
        low, high = span * i // n, max(span * (i + 1) // n - 1, span * i // n)
        days.append(start + timedelta(days=rng.randint(low, high)))
    return days


def _casualties(rng: random.Random, accidents: int, dead: int, injured: int) -> list[tuple[int, int]]:
    """(dead, injured) per accident with exactly the given totals; every accident has a victim."""
    double = min(rng.randint(1, 3), dead // 2)  # accidents with two dead
    fatal = dead - double
    if fatal > accidents or accidents - fatal > injured:
        raise ValueError(f"cannot spread {dead} dead and {injured} injured over {accidents} accidents")
    people = [[2, 0] for _ in range(double)] + [[1, 0] for _ in range(fatal - double)]
    people += [[0, 1] for _ in range(accidents - fatal)]
    for _ in range(injured - (accidents - fatal)):
        rng.choice([p for p in people if p[1] < 4])[1] += 1
    rng.shuffle(people)
    return [tuple(p) for p in people]


class _Builder:
    """Picks the commune and the time of each record of a period; same-kind records of a commune stay hours
    apart, so that none is flagged as a possible duplicate by accident."""

    def __init__(self, communes: list[tuple[Unit, float]], taken: dict):
        self.units = [u for u, _ in communes]
        self.weights = [w for _, w in communes]
        self.taken = taken

    def commune(self, rng: random.Random) -> Unit:
        return rng.choices(self.units, self.weights)[0]

    def moment(self, rng: random.Random, kind: str, unit: Unit, day: date, hours) -> datetime:
        times = self.taken.setdefault((kind, unit.pk), [])
        for _ in range(50):
            hour = rng.choices(range(24), hours)[0]
            when = timezone.make_aware(datetime(day.year, day.month, day.day, hour, 5 * rng.randint(0, 11)))
            if all(abs(when - t) >= MIN_GAP for t in times):
                break
        times.append(when)
        return when


def _end_of(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, 23, 59))


def _status(day: date, done: bool) -> str:
    if (SEED_UNTIL - day).days < 10:
        return IncidentStatus.RECEIVED
    return IncidentStatus.CLOSED if done else IncidentStatus.PROCESSING


def _crimes(rng, builder: _Builder, period: Period) -> list[_Record]:
    """Crimes against social order (the review's "phạm pháp hình sự": 49 in 2019, 44 in 2020), then the detected
    cases of the other groups, each with the persons caught."""
    others = LEGACY_DETECTED_CATEGORIES if period.hierarchy == Hierarchy.LEGACY else CURRENT_DETECTED_CATEGORIES
    categories = ["social_order"] * period.crimes + [_weighted(rng, others) for _ in range(period.detected)]
    rng.shuffle(categories)
    records = []
    gravity_rng = random.Random(f"gravity {period.start}")
    for day, category in zip(_spread_days(rng, period.start, period.end, len(categories)), categories, strict=True):
        unit = builder.commune(rng)
        village, commune = _place(unit, rng)
        if category == "social_order":
            low, high = rng.choices(((1, 10), (10, 30), (30, 75)), (60, 30, 10))[0]
            solved_on = day + timedelta(days=rng.randint(low, high))
            solved = rng.random() < 0.86 and solved_on <= SEED_UNTIL
        else:  # detected: the case is known when the persons are caught
            solved_on = day + timedelta(days=1)
            solved = solved_on <= SEED_UNTIL
        suspects = rng.choice((1, 1, 1, 2, 2, 3, 4)) if solved else None
        outcome = rng.choice(SOLVED_OUTCOMES).format(n=suspects) if solved else rng.choice(OPEN_OUTCOMES)
        act = rng.choice(CRIME_ACTS[category])
        fields = {
            "category": category,
            "gravity": _gravity(gravity_rng, act) if category == "social_order" else "",
            "summary": f"{act} tại {village}, {commune}. {outcome}.",
            "address": _cap(f"{village}, {commune}"),
            "solved": solved,
            "solved_on": solved_on if solved else None,
            "suspects": suspects,
            "status": _status(day, solved),
        }
        when = builder.moment(rng, IncidentKind.CRIME, unit, day, CRIME_HOURS)
        records.append(_Record(unit, IncidentKind.CRIME, when, fields))
    return records


def _gravity(rng: random.Random, act: str) -> str:
    return next(_weighted(rng, weights) for start, weights in GRAVITY_BY_ACT if act.startswith(start))


def _social_evils(rng, builder: _Builder, period: Period) -> list[_Record]:
    records = []
    for day in _spread_days(rng, period.start, period.end, period.social_evils):
        unit = builder.commune(rng)
        category = _weighted(rng, SOCIAL_EVIL_CATEGORIES)
        text, low, high = rng.choice(SOCIAL_EVIL_ACTS[category])
        persons = rng.randint(low, high)
        village, commune = _place(unit, rng)
        outcome = rng.choice(SOCIAL_EVIL_OUTCOMES[category]).format(m=rng.randint(2, 40))
        fields = {
            "category": category,
            "summary": f"{text.format(n=persons)} tại {village}, {commune}; {outcome}.",
            "address": _cap(f"{village}, {commune}"),
            "persons_involved": persons,
            "status": _status(day, True),
        }
        when = builder.moment(rng, IncidentKind.SOCIAL_EVIL, unit, day, SOCIAL_EVIL_HOURS)
        records.append(_Record(unit, IncidentKind.SOCIAL_EVIL, when, fields))
    return records


def _accidents(rng, builder: _Builder, period: Period) -> list[_Record]:
    records = []
    people = _casualties(rng, period.accidents, period.dead, period.injured)
    for day, (dead, injured) in zip(_spread_days(rng, period.start, period.end, period.accidents), people, strict=True):
        unit = builder.commune(rng)
        roads = (ROADS if unit.is_legacy else CURRENT_ROADS).get(unit.code, ())
        road = rng.choice(roads) if roads and rng.random() < 0.8 else rng.choice(LOCAL_ROADS)
        vehicles = rng.choices((1, 2, 3), (25, 65, 10))[0]
        what = rng.choice({1: ONE_VEHICLE, 2: TWO_VEHICLES, 3: THREE_VEHICLES}[vehicles])
        cause = rng.choice(CAUSES)
        victims = []
        if dead:
            victims.append(f"{dead} người {'tử vong' if rng.random() < 0.3 else 'chết'}")
        if injured:
            victims.append(f"{injured} người bị thương")
        village, commune = _place(unit, rng)
        on_road = road.lower() if road in LOCAL_ROADS else road
        summary = f"{what} trên {on_road} đoạn qua {village}, làm {', '.join(victims)}."
        if rng.random() < 0.6:
            summary += f" Nguyên nhân ban đầu: {cause.lower()}."
        damage = None
        if rng.random() < 0.35:
            damage = rng.randint(4, 120) * 500_000 if rng.random() < 0.93 else rng.randint(100, 400) * 1_000_000
        rate = sum(rng.randint(11, 45) for _ in range(injured)) if injured and rng.random() < 0.8 else None
        fields = {
            "category": "road",
            "summary": summary,
            "address": f"{road}, {village}, {commune}",
            "road_name": road,
            "cause": cause,
            "vehicles": vehicles,
            "dead": dead,
            "injured": injured,
            "injury_rate_total_pct": rate,
            "property_damage_vnd": damage,
            "status": _status(day, True),
        }
        when = builder.moment(rng, IncidentKind.TRAFFIC, unit, day, TRAFFIC_HOURS)
        records.append(_Record(unit, IncidentKind.TRAFFIC, when, fields))
    return records


def _disasters(rng, builder: _Builder, period: Period) -> list[_Record]:
    records = []
    for category, first, last in period.disasters:
        low = max(period.start, date(period.year, first, 1))
        high = min(period.end, date(period.year + (last == 12), last % 12 + 1, 1) - timedelta(days=1))
        day = low + timedelta(days=rng.randint(0, (high - low).days))
        unit = builder.commune(rng)
        ranges = DISASTER_DAMAGE[category]
        damaged, destroyed, hectares, road_m, slid_m3, loss, hours = (rng.randint(a, b) for a, b in ranges)
        village, commune = _place(unit, rng)
        text = DISASTER_TEXTS[category].format(ha=hectares, houses=damaged)
        when = builder.moment(rng, IncidentKind.DISASTER, unit, day, DISASTER_HOURS)
        support = damaged * rng.choice((2, 3, 5)) * 1_000_000 + hectares * 1_000_000 if rng.random() < 0.7 else None
        injured = rng.choice((0, 0, 0, 1, 2)) if category in ("whirlwind", "storm") else 0
        fields = {
            "category": category,
            "summary": f"{text} tại {village} và các khu vực lân cận, {commune}.",
            "address": _cap(f"{village}, {commune}"),
            "ended_at": min(when + timedelta(hours=hours), _end_of(SEED_UNTIL)),
            "dead": 0,
            "missing": 0,
            "injured": injured,
            "houses_damaged": damaged or None,
            "houses_destroyed": destroyed or None,
            "agriculture_ha": hectares,
            "transport_m": road_m or None,
            "transport_m3": slid_m3 or None,
            "other_damage": AGRICULTURE_OTHER[category],
            "economic_loss_million_vnd": loss,
            "recovery_support_vnd": support,
            "recovery_support_description": rng.choice(RECOVERY_TEXTS) if support else "",
            "status": _status(day, True),
        }
        records.append(_Record(unit, IncidentKind.DISASTER, when, fields))
    return records


# Fires and explosions a district of ~180,000 people sees: a few a year, most in houses and small workshops.
FIRE_TEXTS = {
    "fire": (
        ("electrical", "Cháy nhà dân do chập điện tại {place}; người dân và lực lượng công an xã dập tắt đám cháy"),
        ("careless", "Cháy kho chứa nông sản do sơ suất khi đốt rác gần kho tại {place}"),
        ("electrical", "Cháy cơ sở kinh doanh tạp hóa do sự cố thiết bị điện tại {place}"),
        ("safety_violation", "Cháy xưởng chế biến gỗ tại {place}; cơ sở chưa trang bị đủ phương tiện chữa cháy"),
        ("unknown", "Cháy xe ô tô đang đỗ bên đường tại {place}, chưa rõ nguyên nhân"),
    ),
    "explosion": (
        ("careless", "Nổ bình gas mini khi nấu ăn tại {place}"),
        ("safety_violation", "Nổ lò hơi tại cơ sở sấy nông sản ở {place}"),
    ),
}
FIRE_HOURS = (1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 3, 4, 4, 3, 3, 3, 3, 3, 4, 4, 3, 2, 2, 1)


def _fires(rng, builder: _Builder, period: Period) -> list[_Record]:
    """About one fire or explosion for every fifteen traffic accidents, few people hurt, nobody left out of the
    people who were there (the service checks that)."""
    records = []
    for _ in range(max(1, round(period.accidents / 15))):
        day = period.start + timedelta(days=rng.randint(0, (period.end - period.start).days))
        unit = builder.commune(rng)
        category = "explosion" if rng.random() < 0.2 else "fire"
        cause, text = rng.choice(FIRE_TEXTS[category])
        village, commune = _place(unit, rng)
        dead = 1 if rng.random() < 0.1 else 0
        injured = rng.choice((0, 0, 1, 1, 2))
        rescued = rng.choice((0, 0, 1, 2, 3))
        fields = {
            "category": category,
            "fire_cause": cause,
            "summary": text.format(place=f"{village}, {commune}") + ".",
            "address": _cap(f"{village}, {commune}"),
            "dead": dead,
            "injured": injured,
            "rescued": rescued,
            "persons_involved": dead + injured + rescued + rng.randint(0, 4),
            "property_damage_vnd": rng.randint(4, 160) * 10_000_000,
            "status": _status(day, True),
        }
        when = builder.moment(rng, IncidentKind.FIRE, unit, day, FIRE_HOURS)
        records.append(_Record(unit, IncidentKind.FIRE, when, fields))
    return records


# The offences of a rural district's crimes against social order, by how often its reviews name them.
OFFENCE_WEIGHTS = (("theft", 42), ("assault", 16), ("fraud", 10), ("snatching", 7), ("public_disorder", 7),
                   ("property_damage", 5), ("robbery", 3), ("breach_of_trust", 4), ("usury", 2), ("murder", 1),
                   ("rape", 1), ("other", 2))  # fmt: skip


def _crime_detail(rng: random.Random, records: list) -> None:
    """Each crime's offence; the persons prosecuted in a solved case; what a drug case seized."""
    for record in records:
        fields = record.fields
        suspects = fields.get("suspects") or 0
        if fields.get("category") == "social_order":
            fields["offence"] = rng.choices([c for c, _ in OFFENCE_WEIGHTS], [w for _, w in OFFENCE_WEIGHTS])[0]
            if fields["offence"] in ("theft", "fraud", "snatching", "robbery", "breach_of_trust", "property_damage"):
                fields["property_damage_vnd"] = rng.randint(2, 120) * 1_000_000
            if fields["offence"] == "assault":
                fields["injured"] = rng.randint(1, 2)
        elif fields.get("category") == "drugs":
            fields["offence"] = rng.choice(("drug_trafficking", "drug_possession", "drug_possession"))
            substance = rng.choice(("heroin", "methamphetamine", "synthetic_tablets"))
            fields["drug_substance"] = substance
            if substance == "synthetic_tablets":
                fields["drug_tablets"] = rng.randint(5, 400)
            else:
                fields["drug_grams"] = rng.randint(1, 60)
        if fields.get("solved") and suspects:
            fields["prosecuted"] = rng.randint(max(1, suspects - 1), suspects)


# How often each main cause comes up in rural districts' reviews: speed, alcohol and lanes first.
ACCIDENT_CAUSE_WEIGHTS = (("speeding", 22), ("alcohol", 18), ("wrong_lane", 16), ("unsafe_turn", 10),
                          ("overtaking", 8), ("no_yield", 8), ("inattention", 10), ("vehicle", 3), ("road", 2),
                          ("other", 3))  # fmt: skip


def _duplicate_of(rng, record: _Record) -> _Record:
    """The same accident entered a second time: a quarter of an hour later, 40 m away, in other words."""
    fields = dict(record.fields)
    lat, lon = fields["latitude"], fields["longitude"]
    centre = _centre(record.unit)
    if lat is not None and centre is not None:  # towards the centre, so the copy stays inside the commune
        step = min(1.0, 40 / max(1.0, math.dist((lat, lon), centre) * 111_320))
        fields["latitude"] = round(lat + (centre[0] - lat) * step, 6)
        fields["longitude"] = round(lon + (centre[1] - lon) * step, 6)
    fields["summary"] = f"Báo cáo nhanh của tổ tuần tra: {fields['summary'][:1].lower()}{fields['summary'][1:]}"
    fields["injury_rate_total_pct"] = None
    return _Record(record.unit, record.kind, record.occurred_at + timedelta(minutes=15), fields)


def _communes(hierarchy: str) -> list[tuple[Unit, float]]:
    if hierarchy == Hierarchy.LEGACY:
        district = unit_for_code(code=DISTRICT_CODE, day=DISTRICT_DAY)
        units = Unit.objects.filter(parent=district, kind=Kind.COMMUNE)
        weights = LEGACY_WEIGHTS
    else:
        units = Unit.objects.filter(hierarchy=Hierarchy.CURRENT, kind=Kind.COMMUNE, code__in=CURRENT_WEIGHTS)
        weights = CURRENT_WEIGHTS
    return [(u, weights.get(u.code, 1.0)) for u in units.order_by("code")]


def demo_records() -> list[_Record]:
    """Every demo record, with its external id, in the order they are created (no database writes)."""
    communes = {h: _communes(h) for h in (Hierarchy.LEGACY, Hierarchy.CURRENT)}
    taken: dict = {}
    numbers: dict = {}
    records = []
    makers = (
        (IncidentKind.CRIME, _crimes),
        (IncidentKind.SOCIAL_EVIL, _social_evils),
        (IncidentKind.TRAFFIC, _accidents),
        (IncidentKind.DISASTER, _disasters),
        (IncidentKind.FIRE, _fires),
    )
    for period in PERIODS:
        builder = _Builder(communes[period.hierarchy], taken)
        for kind, make in makers:
            # One generator per period and kind: changing one table does not reshuffle the others.
            rng = random.Random(f"antoan-demo-{period.start.isoformat()}-{kind}")
            made = make(rng, builder, period)
            for record in made:
                record.fields["latitude"], record.fields["longitude"] = _point(rng, record.unit)
            if kind == IncidentKind.CRIME:  # offences, people prosecuted, drugs seized: a generator of their own too
                _crime_detail(random.Random(f"antoan-demo-crime-detail-{period.start.isoformat()}"), made)
            if kind == IncidentKind.SOCIAL_EVIL:
                rehab = random.Random(f"antoan-demo-rehabilitation-{period.start.isoformat()}")
                for record in made:
                    if record.fields.get("category") == "drug_abuse" and rehab.random() < 0.5:
                        record.fields["rehabilitation"] = rehab.randint(1, record.fields.get("persons_involved") or 1)
            if kind == IncidentKind.TRAFFIC:  # the main causes, from a generator of their own: nothing else moves
                causes = random.Random(f"antoan-demo-causes-{period.start.isoformat()}")
                for record in made:
                    record.fields["accident_cause"] = causes.choices(
                        [code for code, _ in ACCIDENT_CAUSE_WEIGHTS], [w for _, w in ACCIDENT_CAUSE_WEIGHTS]
                    )[0]
            if kind == IncidentKind.TRAFFIC and period.year == DUPLICATE_YEAR:
                original = next((r for r in made if r.unit.code == DUPLICATE_COMMUNE), None)
                if original is not None:
                    made.append(_duplicate_of(rng, original))
            for record in sorted(made, key=lambda r: r.occurred_at):
                number = numbers[period.year, kind] = numbers.get((period.year, kind), 0) + 1
                record.fields["external_id"] = f"{EXTERNAL_PREFIX}{period.year}-{KIND_CODES[kind]}-{number:03d}"
                records.append(record)
    return records


def demo_incident_counts() -> dict[int, dict[str, int]]:
    """{year: {kind: n}} of the demo records in the database."""
    rows = (
        Incident.objects.filter(external_id__startswith=EXTERNAL_PREFIX)
        .annotate(year=ExtractYear("occurred_at"))
        .values_list("year", "kind")
        .annotate(n=Count("pk"))
    )
    counts: dict[int, dict[str, int]] = {}
    for year, kind, n in rows:
        counts.setdefault(year, {})[kind] = n
    return dict(sorted(counts.items()))


@transaction.atomic
def seed_incidents(*, user: User) -> dict:
    """Create the demo records that are missing, as `user`. Returns {"created": n, "counts": {year: {kind: n}}}."""
    now, today = clock.now(), clock.today()
    existing = set(
        Incident.objects.filter(external_id__startswith=EXTERNAL_PREFIX).values_list("unit_id", "external_id")
    )
    items = [
        {**record.fields, "unit": record.unit, "kind": record.kind, "occurred_at": record.occurred_at}
        for record in demo_records()
        if (record.unit.pk, record.fields["external_id"]) not in existing
        # only when the clock is behind SEED_UNTIL: the service would refuse a future record
        and record.occurred_at <= now
        and (record.fields.get("solved_on") or today) <= today
    ]
    # The batch form of incident_create (same checks, severity, duplicate flag and audit rows), five
    # times faster than one call per record; scope and period-lock reads are answered once.
    with memoized.scope():
        results = incident_create_many(user=user, items=items)
    for result in results:
        if isinstance(result, DomainError):
            raise result  # the demo data are meant to be valid: say which rule they broke
    return {"created": len(results), "counts": demo_incident_counts()}
