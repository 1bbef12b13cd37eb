"""Demo records of the movement "Toàn dân bảo vệ an ninh Tổ quốc" in Huyện Hàm Thuận Bắc: 2019–2021 and
the first half of 2025 in its 17 legacy communes, then from 1/7/2025 in the 8 communes that succeeded them.

The 2020 figures follow the seeds: 75 regular police officers sent to the communes (Hội nghị tổng kết ANTT
ngày 27/01/2021), 9 Kỷ niệm chương "Bảo vệ an ninh Tổ quốc" from Bộ Công an, 2 collectives and 2 persons
commended by the director of the provincial police, 5 and 5 by the district chairman. The legacy
communes' models ended with their communes on 30/06/2025 (several carried on under the new commune);
some of the new communes' models and plans are left without their last inspection or review, so that
the overdue lists have something to show ("công tác hướng dẫn, kiểm tra chất lượng hoạt động mô hình …
chưa thường xuyên").

Everything is drawn from seeded generators, so every run builds the same records; each one goes through
`record_create` (validation, unit in force, locks, audit) in the name of the acting user, and is
skipped when its external id is already taken in its unit, so a second run creates nothing.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction

from antoan.accounts.models import User
from antoan.core import clock
from antoan.core.memo import memoized
from antoan.incidents.demo import CURRENT_ROADS, DISTRICT_CODE, DISTRICT_DAY, LOCAL_ROADS, ROADS, SEED_UNTIL
from antoan.movement import record_types as rt
from antoan.movement.models import Authority, Award, ModelStatus, ModelType, RecipientKind, Topic
from antoan.movement.records import RecordType
from antoan.movement.records.services import record_create
from antoan.units.models import CUTOVER, LEGACY_LAST_DAY, Hierarchy, Kind, Unit
from antoan.units.selectors import unit_for_code

EXTERNAL_PREFIX = "DEMO-"
LEGACY_END, CURRENT_START = LEGACY_LAST_DAY, CUTOVER
TYPE_CODES = {
    rt.MODELS.key: "MH",  # mô hình
    rt.INSPECTIONS.key: "KT",  # kiểm tra
    rt.EXEMPLARS.key: "DH",  # điển hình
    rt.COMMENDATIONS.key: "KTH",  # khen thưởng
    rt.DEPLOYMENTS.key: "TC",  # tăng cường lực lượng
    rt.PATROLS.key: "TTGT",  # tuần tra giao thông
    rt.PROPAGANDA.key: "TTR",  # tuyên truyền
    rt.SIGNAGE.key: "BB",  # biển báo
    rt.PLANS.key: "PA",  # phương án
    rt.SECURITY_EVENTS.key: "ANCT",  # an ninh chính trị
    rt.WANTED.key: "TN",  # truy nã
    rt.WEAPONS.key: "VK",  # vũ khí, vật liệu nổ
    rt.DOCUMENTS.key: "VB",  # văn bản chỉ đạo
    rt.CONFERENCES.key: "HN",  # hội nghị
    rt.RESCUES.key: "TKCN",  # tìm kiếm cứu nạn
    rt.RESULTS.key: "KQ",  # kết quả phong trào
}

# Villages (thôn; khu phố in the towns) of each legacy commune, by code.
VILLAGES = {
    "23059": ("khu phố Lâm Hòa", "khu phố Lâm Giáo", "khu phố Lâm Thành", "khu phố Lâm Bình", "khu phố Lâm Hiệp"),
    "23062": ("khu phố Phú Hòa", "khu phố Phú Thịnh", "khu phố Phú Trường", "khu phố Phú Xuân"),
    "23065": ("thôn Dân Hiệp", "thôn Dân Hòa", "thôn Dân Thành", "thôn Dân Phú"),
    "23068": ("thôn 1", "thôn 2", "thôn 3"),
    "23071": ("thôn Thuận Điền", "thôn Thuận Hiệp", "thôn Ku Kê", "thôn Ú Lò"),
    "23074": ("thôn 1", "thôn 2", "thôn 3"),
    "23077": ("thôn Phú Thuận", "thôn Phú Hòa", "thôn Phú An", "thôn Phú Cường"),
    "23080": ("thôn 1", "thôn 2", "thôn 4", "thôn 5"),
    "23083": ("thôn Minh Hòa", "thôn Minh Tiến", "thôn Minh An", "thôn Minh Thành"),
    "23086": ("thôn 1", "thôn 2", "thôn 3", "thôn 4"),
    "23089": ("thôn 1", "thôn 2", "thôn 3", "thôn 5"),
    "23092": ("thôn Phú Điền", "thôn 1", "thôn 3", "thôn 6"),
    "23095": ("thôn Phú Thái", "thôn Phú Hòa", "thôn Phú Lập", "thôn Phú Hiệp"),
    "23098": ("thôn 1", "thôn 2", "thôn 3", "thôn Ninh Thuận"),
    "23101": ("thôn Phú Khánh", "thôn Phú Vinh", "thôn Phú Hòa"),
    "23104": ("thôn 1", "thôn 2", "thôn 3", "thôn 4"),
    "23107": ("thôn La Ngâu", "thôn 1", "thôn 2"),
}
# The legacy communes each current commune (or ward) was formed from (Nghị quyết 1671/NQ-UBTVQH15).
PREDECESSORS = {
    "23059": ("23059", "23083", "23092"),
    "23086": ("23086", "23080"),
    "23089": ("23089", "23071", "23077"),
    "23065": ("23065", "23107"),
    "23074": ("23074", "23068"),
    "23095": ("23095", "23098"),
    "22933": ("23104", "23062"),
    "22960": ("23101",),
}
TOWNS = ("23059", "23062")  # Thị trấn Ma Lâm and Phú Long had regular police before 2020
# Traffic patrols, every so many days: Ma Lâm on Quốc lộ 28 weekly, Phú Long on Quốc lộ 1A every week or
# two, Hàm Liêm (Quốc lộ 28) about monthly.
PATROL_COMMUNES = {"23059": (5, 6, 7, 7, 7, 8, 9), "23062": (7, 8, 10, 12, 14), "23095": (21, 28, 35)}
CURRENT_PATROL_COMMUNES = ("23059", "23089")
HAZARDS_BY_COMMUNE = {  # the hazards each legacy commune plans against, most pressing first
    "23059": ("storm", "flood"),
    "23062": ("flood", "storm"),
    "23065": ("landslide", "drought"),
    "23068": ("landslide",),
    "23071": ("drought", "storm"),
    "23074": ("landslide", "flood"),
    "23077": ("drought",),
    "23080": ("drought", "storm"),
    "23083": ("flood",),
    "23086": ("landslide", "drought"),
    "23089": ("drought",),
    "23092": ("flood", "storm"),
    "23095": ("flood",),
    "23098": ("flood", "storm"),
    "23101": ("flood",),
    "23104": ("storm", "flood"),
    "23107": ("landslide", "flood"),
}
CURRENT_HAZARDS = {
    "23059": ("flood", "storm"),
    "23086": ("landslide",),
    "23089": ("drought", "storm"),
    "23065": ("landslide",),
    "23074": ("landslide", "flood"),
    "23095": ("flood",),
    "22933": ("storm",),
    "22960": ("flood",),
}

MODEL_INSPECTORS_LEGACY = (
    "Ban Chỉ đạo Phong trào Toàn dân bảo vệ ANTQ huyện Hàm Thuận Bắc",
    "Công an huyện Hàm Thuận Bắc (Đội Tham mưu – Tổng hợp)",
    "Ủy ban MTTQ Việt Nam huyện Hàm Thuận Bắc",
)
MODEL_INSPECTORS_CURRENT = (
    "Công an tỉnh Lâm Đồng (Phòng Tham mưu)",
    "Ủy ban MTTQ Việt Nam tỉnh Lâm Đồng",
)
FINDINGS = {
    "good": (
        "Mô hình duy trì hoạt động thường xuyên, có sổ theo dõi và lịch trực; trong kỳ cung cấp {n} nguồn tin "
        "có giá trị cho Công an xã.",
        "Hoạt động hiệu quả, được nhân dân đồng tình ủng hộ; trong kỳ không để xảy ra trộm cắp tài sản trên địa bàn.",
        "Kiện toàn đủ thành viên, sinh hoạt định kỳ hằng tháng; phối hợp tốt với Công an xã trong tuần tra "
        "ban đêm ({n} lượt).",
    ),
    "fair": (
        "Duy trì hoạt động khá; một số thành viên chưa tham gia trực thường xuyên, sổ sách ghi chép chưa đầy đủ.",
        "Hoạt động nền nếp; đề nghị bổ sung {n} thành viên thay người đi làm ăn xa.",
        "Cơ bản đạt yêu cầu; cần tăng cường tuyên truyền để nhân rộng trong các hộ gia đình.",
    ),
    "average": (
        "Hoạt động chưa đều, kinh phí duy trì còn khó khăn; đề nghị UBND xã hỗ trợ và kiện toàn lại tổ.",
        "Chỉ {n} buổi sinh hoạt trong kỳ; chưa phát huy vai trò trong phát hiện, tố giác tội phạm.",
    ),
    "poor": (
        "Mô hình hoạt động hình thức, nhiều thành viên bỏ sinh hoạt; đề nghị kiện toàn ngay và kiểm tra lại "
        "sau 3 tháng.",
    ),
}
CAMERA_FINDINGS = {
    "good": "{ok}/{all} camera hoạt động tốt, hình ảnh rõ; trích xuất hình ảnh giúp xác minh {n} vụ việc.",
    "fair": "{ok}/{all} camera hoạt động; một số mắt camera bị che khuất, cần điều chỉnh góc quay.",
    "average": "Chỉ {ok}/{all} camera hoạt động; đường truyền chập chờn, chưa có người theo dõi thường xuyên.",
    "poor": "Phần lớn camera hư hỏng ({ok}/{all} hoạt động); đề nghị các hộ tham gia đóng góp sửa chữa.",
}
RATINGS = ("good", "fair", "average", "poor")

PROPAGANDA_NOTES = {
    Topic.SECURITY: (
        "Tuyên truyền phòng, chống tội phạm lừa đảo chiếm đoạt tài sản qua mạng tại nhà văn hóa {village}",
        "Lồng ghép tuyên truyền Phong trào Toàn dân bảo vệ ANTQ trong họp dân {village}",
        "Tuyên truyền phòng, chống ma túy, tín dụng đen cho đoàn viên thanh niên",
        "Tuyên truyền lưu động trên xe loa về phòng ngừa trộm cắp thanh long, tài sản trong mùa thu hoạch",
    ),
    Topic.TRAFFIC: (
        "Tuyên truyền Luật Giao thông đường bộ, đội mũ bảo hiểm cho học sinh Trường THCS trên địa bàn",
        'Tuyên truyền "Đã uống rượu, bia thì không lái xe" tại {village}',
        "Tuyên truyền bảo đảm TTATGT dịp Tết Nguyên đán, phát tờ rơi tại chợ",
        "Ký cam kết không vi phạm TTATGT với phụ huynh học sinh đầu năm học",
    ),
    Topic.DISASTER: (
        "Hướng dẫn người dân chằng chống nhà cửa, chủ động phòng tránh mưa lớn, lốc xoáy",
        "Tuyên truyền phòng, chống thiên tai và diễn tập sơ tán dân tại {village}",
        "Tuyên truyền sử dụng nước tiết kiệm, phòng chống hạn hán cho cây thanh long",
    ),
}
PLAN_RESOURCES = {
    "flood": "Lực lượng xung kích {crew} người; {boats} xuồng máy, {vests} áo phao; điểm sơ tán: trường học và nhà "
    "văn hóa {village}; dự trữ {rice} tấn gạo, nước uống, thuốc men tại UBND {commune}.",
    "storm": "Lực lượng xung kích {crew} người; phương tiện: {trucks} xe tải, cưa máy, dây chằng; sơ tán {houses} hộ "
    "nhà yếu về trụ sở UBND {commune} và trường học; dự trữ {rice} tấn gạo.",
    "landslide": "Theo dõi {spots} điểm có nguy cơ sạt lở trên địa bàn {village}; lực lượng xung kích {crew} người; "
    "{trucks} máy xúc huy động của doanh nghiệp; di dời {houses} hộ khi mưa lớn kéo dài.",
    "drought": "Điều tiết nước hồ chứa và kênh tưới cho {ha} ha thanh long và lúa; {trucks} xe bồn cấp nước sinh "
    "hoạt; lực lượng xung kích {crew} người phòng chống cháy rừng mùa khô.",
}

# The seeds (2020 review): 9 persons given the medal by Bộ Công an, one decision for all.
# (name, year of birth, legacy commune code or the district's)
MEDALS_2020 = (
    ("Nguyễn Văn Tám", 1958, "23092"),
    ("Trần Thị Hồng", 1966, "23059"),
    ("Lê Văn Chín", 1955, "23089"),
    ("Phạm Ngọc Sơn", 1962, "23086"),
    ("Huỳnh Văn Lợi", 1970, "23095"),
    ("Võ Thị Kim Liên", 1968, "23062"),
    ("Đặng Văn Mười", 1957, "23098"),
    ("Bùi Quang Hiển", 1974, "23077"),
    ("Ngô Văn Thuận", 1961, "23107"),
)
MEDAL_DECISION = ("3456/QĐ-BCA-X01", date(2020, 8, 12))
# Giấy khen of the director of the provincial police: 2 collectives and 2 persons.
PROVINCIAL_2020 = (
    (RecipientKind.COLLECTIVE, "Công an xã Hàm Trí", None, "23089"),
    (RecipientKind.COLLECTIVE, "Tổ tự quản an ninh trật tự thôn Phú Điền, xã Hàm Đức", None, "23092"),
    (RecipientKind.INDIVIDUAL, "Trương Văn Hậu", 1985, "23086"),
    (RecipientKind.INDIVIDUAL, "Nguyễn Thị Thanh Thủy", 1979, "23059"),
)
PROVINCIAL_DECISION = ("1872/QĐ-CAT-PX01", date(2020, 12, 15))
# Giấy khen of the chairman of the district People's Committee: 5 collectives and 5 persons.
DISTRICT_2020 = (
    (RecipientKind.COLLECTIVE, "Ban Bảo vệ dân phố khu phố Lâm Hòa, thị trấn Ma Lâm", None, "23059"),
    (RecipientKind.COLLECTIVE, "Tổ dân phòng khu phố Phú Thịnh, thị trấn Phú Long", None, "23062"),
    (RecipientKind.COLLECTIVE, "Chi hội Cựu chiến binh thôn 2, xã Hồng Sơn", None, "23086"),
    (RecipientKind.COLLECTIVE, "Công an xã Hàm Liêm", None, "23095"),
    (RecipientKind.COLLECTIVE, "Ban Công tác Mặt trận thôn Dân Hiệp, xã La Dạ", None, "23065"),
    (RecipientKind.INDIVIDUAL, "Lê Thị Mỹ Hạnh", 1988, "23059"),
    (RecipientKind.INDIVIDUAL, "Phan Văn Đức", 1972, "23071"),
    (RecipientKind.INDIVIDUAL, "Hồ Văn Nhân", 1980, "23104"),
    (RecipientKind.INDIVIDUAL, "Dương Thị Ngọc", 1991, "23083"),
    (RecipientKind.INDIVIDUAL, "K'Lời", 1976, "23107"),
)
DISTRICT_DECISION = ("4120/QĐ-UBND", date(2020, 12, 28))

# (kind, name, legacy commune code, year, achievement, recognised by)
EXEMPLARS = (
    (RecipientKind.INDIVIDUAL, "Nguyễn Văn Tám", "23092", 2019,
     "Tổ trưởng Tổ tự quản an ninh trật tự thôn Phú Điền; vận động nhân dân tố giác 3 đối tượng trộm cắp thanh long, "
     "hòa giải thành 12 vụ mâu thuẫn trong khu dân cư.", "UBND huyện Hàm Thuận Bắc"),
    (RecipientKind.COLLECTIVE, "Tổ tự quản an ninh trật tự thôn Phú Điền", "23092", 2019,
     "Duy trì tuần tra ban đêm mùa thu hoạch thanh long; 2 năm liền không để xảy ra trộm cắp trong thôn.",
     "Công an tỉnh Bình Thuận"),
    (RecipientKind.INDIVIDUAL, "Trần Thị Hồng", "23059", 2019,
     "Trưởng Ban Công tác Mặt trận khu phố Lâm Hòa; vận động 120 hộ lắp camera an ninh, góp phần làm rõ 2 vụ trộm.",
     "UBND huyện Hàm Thuận Bắc"),
    (RecipientKind.COLLECTIVE, "Công an xã Hàm Trí", "23089", 2019,
     "Xây dựng và nhân rộng mô hình tự quản; kéo giảm 30% số vụ phạm pháp hình sự so với năm trước.",
     "Ban Chỉ đạo Phong trào Toàn dân bảo vệ ANTQ huyện Hàm Thuận Bắc"),
    (RecipientKind.INDIVIDUAL, "Lê Văn Chín", "23089", 2019,
     "Cựu chiến binh, thành viên tổ tự quản; phát hiện, cùng Công an xã bắt quả tang đối tượng tàng trữ ma túy.",
     "UBND huyện Hàm Thuận Bắc"),
    (RecipientKind.COLLECTIVE, "Tổ dân phòng khu phố Phú Thịnh", "23062", 2020,
     "Phối hợp giữ gìn trật tự tại các khu cách ly phòng chống dịch Covid-19 và trên Quốc lộ 1A.",
     "UBND huyện Hàm Thuận Bắc"),
    (RecipientKind.INDIVIDUAL, "Phạm Ngọc Sơn", "23086", 2020,
     "Trưởng thôn 2; vận động nhân dân hiến đất mở rộng đường liên thôn, tự quản tuyến đường an toàn giao thông.",
     "UBND huyện Hàm Thuận Bắc"),
    (RecipientKind.COLLECTIVE, "Chi đoàn thanh niên thôn Phú Thái", "23095", 2020,
     "Duy trì đội thanh niên tình nguyện hướng dẫn giao thông trước cổng trường mỗi sáng trong năm học.",
     "Công an tỉnh Bình Thuận"),
    (RecipientKind.INDIVIDUAL, "Ngô Văn Thuận", "23107", 2020,
     "Già làng uy tín; vận động đồng bào không nghe, không theo kẻ xấu, giao nộp 2 khẩu súng tự chế.",
     "Công an tỉnh Bình Thuận"),
    (RecipientKind.COLLECTIVE, "Công an xã Hàm Liêm", "23095", 2020,
     "Tăng cường tuần tra kiểm soát trên Quốc lộ 28, kéo giảm tai nạn giao thông; điển hình trong đợt thi đua "
     "cao điểm dịp Đại hội Đảng các cấp.", "Ban Chỉ đạo Phong trào Toàn dân bảo vệ ANTQ huyện Hàm Thuận Bắc"),
)  # fmt: skip

FINE_LEVELS = (300_000, 400_000, 600_000, 800_000, 1_000_000, 1_500_000, 3_000_000, 6_000_000)
IMPOUNDING_FINE = 3_000_000  # alcohol and the like: the vehicle is held as well


@dataclass
class _Item:
    rt: RecordType
    unit: Unit
    day: date  # dates the record: its order, its number, whether the clock has reached it
    values: dict
    model_ref: str = ""  # an inspection's model, by its external id
    meta: dict = field(default_factory=dict)


def _between(rng: random.Random, low: date, high: date) -> date:
    return low + timedelta(days=rng.randint(0, max(0, (high - low).days)))


def _commune_name(unit: Unit) -> str:
    """ "xã Hàm Trí", "thị trấn Ma Lâm", "phường Hàm Thắng" — as written inside a sentence."""
    return f"{unit.type_name.lower()} {unit.short_name}"


def _villages(unit: Unit) -> tuple[str, ...]:
    if unit.hierarchy == Hierarchy.LEGACY:
        return VILLAGES[unit.code]
    return tuple(v for code in PREDECESSORS[unit.code] for v in VILLAGES[code])


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _model(rng: random.Random, unit: Unit, model_type: str, started: date, village: str, status: str) -> dict:
    commune = _commune_name(unit)
    roads = (ROADS if unit.hierarchy == Hierarchy.LEGACY else CURRENT_ROADS).get(unit.code) or LOCAL_ROADS
    road = rng.choice(roads)
    if model_type == ModelType.SELF_MANAGED:
        name = rng.choice((f"Tổ tự quản an ninh trật tự {village}", f"Khu dân cư tự quản về an ninh trật tự {village}"))
        households = rng.randint(60, 220)
        places = f"{_cap(village)}: {households} hộ chia thành các tổ liên gia; điểm sinh hoạt tại nhà văn hóa"
        teams, members = rng.randint(3, 8), rng.randint(20, 60)
        lead = rng.choice((f"Ban Công tác Mặt trận {village}", f"Công an {commune}"))
    elif model_type == ModelType.SELF_DEFENCE:
        name, places = rng.choice(
            (
                (
                    f"Tổ tự phòng, tự bảo vệ vườn thanh long {village}",
                    f"Các vườn thanh long và đường nội đồng {village}; chốt trực mùa thu hoạch tại nhà văn hóa",
                ),
                (f"Tổ dân phòng {village}", f"Các tuyến đường, hẻm {village}; tuần tra từ 22 giờ đến 4 giờ sáng"),
                (
                    f"Tổ liên gia tự phòng, tự bảo vệ {village}",
                    f"{rng.randint(6, 20)} cụm liên gia {village}; báo tin qua kẻng và nhóm Zalo của {village}",
                ),
            )
        )
        teams, members = rng.randint(1, 4), rng.randint(8, 30)
        lead = rng.choice((f"Công an {commune}", f"Chi hội Cựu chiến binh {village}"))
    elif model_type == ModelType.SECURITY_CAMERA:
        name = f"Camera an ninh {village}"
        cameras = rng.randint(8, 40)
        places = f"{cameras} camera tại các ngã ba, ngã tư, cổng trường và {road} đoạn qua {village}"
        teams, members = 1, rng.randint(4, 12)
        lead = rng.choice((f"Công an {commune}", f"Ban Công tác Mặt trận {village}"))
    else:
        name = rng.choice(
            (
                f"Tuyến đường tự quản về ATGT {village}",
                f"Cổng trường an toàn giao thông Trường Tiểu học {unit.short_name} {rng.randint(1, 2)}",
            )
        )
        length = f"{rng.randint(8, 35) / 10:.1f}".replace(".", ",")
        places = f"{road} đoạn qua {village}, dài {length} km"
        teams, members = rng.randint(1, 3), rng.randint(10, 30)
        lead = rng.choice((f"Đoàn Thanh niên {commune}", f"Ban Công tác Mặt trận {village}"))
    return {
        "unit": unit,
        "name": name,
        "model_type": str(model_type),
        "started_on": started,
        "places": places,
        "teams": teams,
        "members": members,
        "lead_body": lead,
        "status": status,
    }


def _models(legacy: list[Unit], current: list[Unit]) -> list[_Item]:
    rng = random.Random("antoan-movement-models")
    kinds = (ModelType.SELF_MANAGED, ModelType.SELF_DEFENCE, ModelType.SECURITY_CAMERA, ModelType.SAFE_ROAD)
    items = []
    by_commune: dict[str, list[_Item]] = {}
    for unit in legacy:
        count = rng.randint(3, 4) if unit.code in TOWNS else rng.randint(2, 4)
        villages = rng.sample(VILLAGES[unit.code], min(count, len(VILLAGES[unit.code])))
        for model_type, village in zip(rng.sample(kinds, count), villages * 2, strict=False):
            # cameras came later than the older forms of self-management
            low = date(2018, 1, 1) if model_type == ModelType.SECURITY_CAMERA else date(2016, 1, 1)
            started = _between(rng, low, date(2020, 9, 30))
            # The commune ended on 30/06/2025, and the model with it (some carried on under the new commune).
            values = {**_model(rng, unit, model_type, started, village, ModelStatus.ENDED), "ended_on": LEGACY_END}
            item = _Item(rt.MODELS, unit, started, values, meta={"quality": _quality(rng)})
            items.append(item)
            by_commune.setdefault(unit.code, []).append(item)
    for unit in current:
        # The first model carries on one of a predecessor's, from the new commune's first weeks.
        old = rng.choice([m for code in PREDECESSORS[unit.code] for m in by_commune.get(code, [])])
        started = _between(rng, CURRENT_START, date(2025, 8, 31))
        lead = old.values["lead_body"]
        values = {
            **old.values,
            "unit": unit,
            "started_on": started,
            "status": ModelStatus.ACTIVE,
            "ended_on": None,
            "lead_body": f"Công an {_commune_name(unit)}" if lead.startswith("Công an ") else lead,
        }
        items.append(_Item(rt.MODELS, unit, started, values, meta={"quality": max(0, old.meta["quality"] - 1)}))
        others = [k for k in kinds if k != old.values["model_type"]]
        for model_type in rng.sample(others, rng.randint(1, 2)):
            started = _between(rng, date(2025, 9, 1), date(2026, 6, 30))
            values = _model(rng, unit, model_type, started, rng.choice(_villages(unit)), ModelStatus.ACTIVE)
            items.append(_Item(rt.MODELS, unit, started, values, meta={"quality": _quality(rng)}))
    return items


def _quality(rng: random.Random) -> int:
    """How well a model works, 0 (good) … 3 (poor): most good or fair, a few weak."""
    return rng.choices(range(4), (50, 36, 10, 4))[0]


def _inspection(rng: random.Random, model: _Item, day: date, inspector: str) -> _Item:
    rating = RATINGS[max(0, min(3, model.meta["quality"] + rng.choice((-1, -1, 0, 0, 0, 0, 0, 1))))]
    n = rng.randint(1, 6)
    if model.values["model_type"] == ModelType.SECURITY_CAMERA:
        cameras = int(model.values["places"].split(" ", 1)[0])
        share = {"good": 1.0, "fair": 0.85, "average": 0.6, "poor": 0.35}[rating]
        ok = max(1, min(cameras, round(cameras * share) - rng.randint(0, 1)))
        findings = CAMERA_FINDINGS[rating].format(ok=ok, all=cameras, n=n)
    else:
        findings = rng.choice(FINDINGS[rating]).format(n=n)
    values = {"inspected_on": day, "inspector": inspector, "rating": rating, "findings": findings}
    return _Item(rt.INSPECTIONS, model.unit, day, values, model_ref=model.values["external_id"])


def _inspections(models: list[_Item]) -> list[_Item]:
    rng = random.Random("antoan-movement-inspections")
    items = []
    legacy = [m for m in models if m.unit.hierarchy == Hierarchy.LEGACY]
    current = [m for m in models if m.unit.hierarchy == Hierarchy.CURRENT]
    for model in legacy:
        commune = _commune_name(model.unit)
        # Twice a year in 2019–2021 and once in the first half of 2025; now and then one is missed.
        windows = [(date(y, 4, 1), date(y, 6, 25), date(y, 10, 1), date(y, 12, 20)) for y in (2019, 2020, 2021)]
        halves = [(a, b) for w in windows for a, b in (w[:2], w[2:])] + [(date(2025, 3, 1), date(2025, 6, 20))]
        for low, high in halves:
            low = max(low, model.values["started_on"] + timedelta(days=30))
            if low > high or rng.random() < 0.12:
                continue
            day = _between(rng, low, high)
            inspector = rng.choice((f"Công an {commune}", f"UBND {commune}", *MODEL_INSPECTORS_LEGACY))
            items.append(_inspection(rng, model, day, inspector))
    # The new communes: every five or six months; some models that started long enough ago are left
    # without their last inspection, so that they are overdue by SEED_UNTIL.
    long_ago = SEED_UNTIL - timedelta(days=200)
    eligible = [i for i, m in enumerate(current) if m.values["started_on"] < long_ago]
    overdue = set(rng.sample(eligible, k=min(len(eligible), 8)))
    for i, model in enumerate(current):
        commune = _commune_name(model.unit)
        day = model.values["started_on"]
        days = []
        while True:
            day = day + timedelta(days=rng.randint(140, 175))
            if day > SEED_UNTIL:
                break
            days.append(day)
        if i in overdue:
            # no inspection in the last six months: the model is overdue by SEED_UNTIL
            days = [d for d in days if d < long_ago]
        for day in days:
            inspector = rng.choice((f"Công an {commune}", f"UBND {commune}", *MODEL_INSPECTORS_CURRENT))
            items.append(_inspection(rng, model, day, inspector))
    return items


def _exemplars(legacy: dict[str, Unit]) -> list[_Item]:
    items = []
    for kind, name, code, year, achievement, recognised_by in EXEMPLARS:
        values = {
            "unit": legacy[code],
            "kind": str(kind),
            "name": name,
            "year": year,
            "achievement": achievement,
            "recognised_by": recognised_by,
        }
        items.append(_Item(rt.EXEMPLARS, legacy[code], date(year, 12, 31), values))
    return items


def _commendations(legacy: dict[str, Unit]) -> list[_Item]:
    items = []

    def add(award, authority, kind, name, born, code, decision):
        number, day = decision
        values = {
            "unit": legacy[code],
            "award": str(award),
            "authority": str(authority),
            "recipient_kind": str(kind),
            "recipient_name": name,
            "recipient_birth_year": born,
            "year": 2020,
            "decision_number": number,
            "decision_date": day,
        }
        items.append(_Item(rt.COMMENDATIONS, legacy[code], day, values))

    for name, born, code in MEDALS_2020:
        add(Award.MEDAL, Authority.MINISTRY, RecipientKind.INDIVIDUAL, name, born, code, MEDAL_DECISION)
    for kind, name, born, code in PROVINCIAL_2020:
        add(Award.COMMENDATION, Authority.PROVINCIAL_POLICE, kind, name, born, code, PROVINCIAL_DECISION)
    for kind, name, born, code in DISTRICT_2020:
        add(Award.COMMENDATION, Authority.DISTRICT_CHAIR, kind, name, born, code, DISTRICT_DECISION)
    return items


def _deployments(legacy: list[Unit]) -> list[_Item]:
    """75 regular officers to the 15 communes ("xã") in three waves of 2020; the two towns had them already."""
    rng = random.Random("antoan-movement-deployments")
    communes = [u for u in legacy if u.code not in TOWNS]
    officers = [5] * len(communes)
    for _ in range(6):  # move an officer from one commune to another: the total stays 75
        a, b = rng.sample(range(len(communes)), 2)
        if officers[a] > 4 and officers[b] < 6:
            officers[a], officers[b] = officers[a] - 1, officers[b] + 1
    waves = (date(2020, 1, 6), date(2020, 6, 1), date(2020, 9, 14))
    items = []
    for i, (unit, n) in enumerate(zip(communes, officers, strict=True)):
        day = waves[i % 3] + timedelta(days=rng.randint(0, 4))
        note = (
            f"Bố trí Công an chính quy đảm nhiệm chức danh Công an {_commune_name(unit)} theo Đề án 106/ĐA-BCA: "
            f"1 Trưởng Công an xã, 1 Phó Trưởng Công an xã và {n - 2} cán bộ, chiến sĩ"
        )
        values = {"unit": unit, "deployed_on": day, "officers": n, "from_body": "Công an tỉnh Bình Thuận"}
        items.append(_Item(rt.DEPLOYMENTS, unit, day, {**values, "note": note}))
    return items


def _patrol(rng: random.Random, unit: Unit, day: date) -> _Item:
    busy = 1.6 if day.month in (1, 2, 9) else 1.0  # Tết and the school year's start
    found = max(0, round(rng.gauss(5 * busy, 3)))
    handled = found - (1 if found and rng.random() < 0.2 else 0)
    fines = [rng.choice(FINE_LEVELS) for _ in range(handled)]
    values = {
        "unit": unit,
        "patrolled_on": day,
        "hours": rng.choice((3, 4, 4, 5, 6, 8)),
        "violations_found": found,
        "violations_handled": handled,
        "fines_vnd": sum(fines),
        "vehicles_impounded": sum(1 for f in fines if f >= IMPOUNDING_FINE),
    }
    # The kinds of the violations handled, from a generator of their own (the other values stay as they were).
    kinds = random.Random(f"antoan-movement-violations-{unit.code}-{day.isoformat()}")
    left = handled
    for name in ("helmet_violations", "alcohol_violations", "speed_violations", "overload_violations"):
        values[name] = taken = kinds.randint(0, left) if left else 0
        left -= taken
    values["licences_suspended"] = min(values["alcohol_violations"], kinds.randint(0, 2))
    return _Item(rt.PATROLS, unit, day, values)


def _patrols(legacy: dict[str, Unit], current: dict[str, Unit]) -> list[_Item]:
    rng = random.Random("antoan-movement-patrols")
    items = []
    for code, gaps in PATROL_COMMUNES.items():
        day = date(2019, 1, 2) + timedelta(days=rng.randint(0, 6))
        while day <= date(2021, 12, 31):
            items.append(_patrol(rng, legacy[code], day))
            day += timedelta(days=rng.choice(gaps))
    for code in CURRENT_PATROL_COMMUNES:  # the new communes: every three or four weeks
        day = CURRENT_START + timedelta(days=rng.randint(1, 10))
        while day <= SEED_UNTIL:
            items.append(_patrol(rng, current[code], day))
            day += timedelta(days=rng.randint(20, 28))
    return items


def _propaganda(legacy: list[Unit], current: list[Unit]) -> list[_Item]:
    rng = random.Random("antoan-movement-propaganda")
    items = []

    def add(unit: Unit, topic: str, low: date, high: date) -> None:
        day = _between(rng, low, high)
        sessions = rng.randint(1, 6)
        note = rng.choice(PROPAGANDA_NOTES[topic]).format(village=rng.choice(_villages(unit)))
        values = {
            "unit": unit,
            "held_on": day,
            "topic": str(topic),
            "sessions": sessions,
            "attendees": sessions * rng.randint(40, 150),
            "materials": rng.choice((0, 100, 200, 300, 500, 800, 1000, 1500)),
            "note": note,
        }
        items.append(_Item(rt.PROPAGANDA, unit, day, values))

    for year in (2019, 2020, 2021):
        for unit in legacy:
            add(unit, Topic.SECURITY, date(year, 2, 15), date(year, 11, 30))
            add(unit, Topic.TRAFFIC, date(year, 1, 5), date(year, 9, 30))
        for unit in rng.sample(legacy, 8):  # before the rainy season, where it hits hardest
            add(unit, Topic.DISASTER, date(year, 5, 1), date(year, 8, 31))
    for unit in legacy:
        add(unit, Topic.SECURITY, date(2025, 1, 2), LEGACY_END)
    for unit in current:
        add(unit, Topic.SECURITY, date(2025, 7, 15), date(2025, 12, 20))
        add(unit, Topic.TRAFFIC, date(2026, 1, 5), date(2026, 3, 31))
        add(unit, Topic.DISASTER, date(2026, 5, 1), date(2026, 8, 31))
    return items


def _signage(legacy: list[Unit], current: list[Unit]) -> list[_Item]:
    rng = random.Random("antoan-movement-signage")
    items = []

    def add(unit: Unit, low: date, high: date) -> None:
        day = _between(rng, low, high)
        roads = (ROADS if unit.hierarchy == Hierarchy.LEGACY else CURRENT_ROADS).get(unit.code) or LOCAL_ROADS
        road = rng.choice(roads)
        village = rng.choice(_villages(unit))
        km = f", Km {rng.randint(2, 60)}+{rng.randint(0, 19) * 50:03d}" if road.startswith(("Quốc lộ", "ĐT")) else ""
        repaired, installed = rng.choice(((rng.randint(1, 8), 0), (0, rng.randint(1, 6)), (rng.randint(1, 5),) * 2))
        values = {
            "unit": unit,
            "done_on": day,
            "repaired": repaired,
            "installed": installed,
            "location": f"{road}{km}, đoạn qua {village}, {_commune_name(unit)}",
        }
        items.append(_Item(rt.SIGNAGE, unit, day, values))

    for year in (2019, 2020, 2021):
        for unit in rng.sample(legacy, 6):
            add(unit, date(year, 1, 10), date(year, 12, 15))
    for unit in rng.sample(legacy, 3):
        add(unit, date(2025, 1, 10), date(2025, 6, 15))
    for unit in rng.sample(current, 4):
        add(unit, date(2025, 8, 1), date(2026, 10, 31))
    return items


def _plans(legacy: list[Unit], current: list[Unit]) -> list[_Item]:
    """One or two plans per commune, to be reviewed a year after approval (the legacy ones never were)."""
    rng = random.Random("antoan-movement-plans")
    items = []

    def add(unit: Unit, hazard: str, approved: date) -> None:
        numbers = {
            "crew": rng.randint(20, 60),
            "boats": rng.randint(1, 3),
            "vests": rng.randint(3, 10) * 10,
            "rice": rng.randint(1, 5),
            "trucks": rng.randint(1, 4),
            "houses": rng.randint(10, 80),
            "spots": rng.randint(2, 7),
            "ha": rng.randint(3, 30) * 50,
        }
        village = rng.choice(_villages(unit))
        resources = PLAN_RESOURCES[hazard].format(village=village, commune=_commune_name(unit), **numbers)
        review = date(approved.year + 1, approved.month, min(approved.day, 28))
        values = {"unit": unit, "hazard": hazard, "approved_on": approved, "next_review_on": review}
        items.append(_Item(rt.PLANS, unit, approved, {**values, "resources": resources}))

    for unit in legacy:
        for hazard in HAZARDS_BY_COMMUNE[unit.code]:
            add(unit, hazard, _between(rng, date(2019, 3, 1), date(2020, 6, 30)))
    for unit in current:
        for hazard in CURRENT_HAZARDS[unit.code]:
            add(unit, hazard, _between(rng, date(2025, 7, 15), date(2026, 6, 30)))
    return items


# Political security in a quiet rural district, as its reviews tell it: a few complaints by many people over land and
# compensation, a religious gathering watched over, leaflets found — handled at the grassroots, no hot spot.
SECURITY_EVENTS = (
    ("group_complaint", 2019, 4, 35, "{n} hộ dân {village} kéo đến UBND xã khiếu nại giá bồi thường giải phóng mặt "
     "bằng mở rộng Quốc lộ 28", "Tổ công tác của huyện đối thoại, giải thích chính sách; người dân đồng tình ra về"),
    ("religious", 2019, 9, 120, "Tín đồ tập trung sinh hoạt tôn giáo tại điểm nhóm chưa đăng ký ở {village}",
     "Công an xã nắm tình hình, phối hợp Ban Tôn giáo huyện hướng dẫn đăng ký sinh hoạt tập trung"),
    ("group_complaint", 2020, 6, 22, "{n} hộ dân {village} khiếu nại việc cấp giấy chứng nhận quyền sử dụng đất",
     "UBND xã tiếp dân, chuyển hồ sơ đến Văn phòng đăng ký đất đai; vụ việc được giải quyết trong tháng"),
    ("propaganda", 2020, 8, 0, "Phát hiện tờ rơi có nội dung xuyên tạc, kích động trước thềm Đại hội Đảng tại "
     "{village}",
     "Thu giữ 36 tờ rơi, báo cáo Công an huyện; tuyên truyền nhân dân không nghe, không tin, không tàng trữ"),
    ("mass_gathering", 2021, 3, 60, "Người dân {village} tụ tập phản đối xe chở cát quá tải đi qua đường liên thôn",
     "Lực lượng chức năng kiểm tra, xử lý xe quá tải; UBND xã cam kết sửa chữa tuyến đường"),
    ("group_complaint", 2025, 3, 18, "{n} hộ dân {village} khiếu nại ô nhiễm từ trại chăn nuôi heo",
     "Đoàn liên ngành kiểm tra, yêu cầu trại chăn nuôi khắc phục hệ thống xử lý chất thải"),
    ("group_complaint", 2025, 10, 26, "{n} hộ dân {village} kiến nghị việc sắp xếp thôn sau khi hợp nhất xã",
     "UBND xã tổ chức đối thoại, giải thích phương án sắp xếp; người dân thống nhất"),
    ("religious", 2026, 2, 80, "Nhóm người lạ đến {village} truyền đạo trái pháp luật",
     "Công an xã phối hợp Mặt trận vận động người dân không tham gia; lập biên bản, mời các đối tượng rời địa bàn"),
    ("group_complaint", 2026, 7, 30, "{n} hộ dân {village} khiếu nại việc thu hồi đất làm đường cao tốc",
     "UBND xã đối thoại, chuyển đơn đến cơ quan có thẩm quyền; tình hình ổn định"),
)


def _security_events(legacy: list[Unit], current: list[Unit]) -> list[_Item]:
    rng = random.Random("antoan-movement-security-events")
    items = []
    for kind, year, month, people, summary, handling in SECURITY_EVENTS:
        day = _between(rng, date(year, month, 1), date(year, month, 28))
        units = current if day >= CURRENT_START else legacy
        unit = rng.choice(units)
        village = rng.choice(_villages(unit))
        households = max(1, people // 3)
        values = {
            "unit": unit, "occurred_on": day, "kind": kind, "place": _cap(f"{village}, {_commune_name(unit)}"),
            "summary": summary.format(n=households, village=village), "people_involved": people,
            "handling": handling, "hot_spot": False, "resolved_on": None,
        }  # fmt: skip
        items.append(_Item(rt.SECURITY_EVENTS, unit, day, values))
    return items


# The district's direction, a year like the review's: the Party committee's resolution, the committee's plans, a
# directive before Tết, letters for the peaks; conferences to launch, review mid-year and sum up.
DOCUMENTS = (
    ("resolution", 2, "{n}-NQ/HU", "Nghị quyết về lãnh đạo công tác bảo đảm an ninh, trật tự năm {y}"),
    ("plan", 2, "{n}/KH-UBND", "Kế hoạch thực hiện Phong trào Toàn dân bảo vệ an ninh Tổ quốc năm {y}"),
    ("plan", 3, "{n}/KH-UBND", "Kế hoạch xây dựng xã, thị trấn, cơ quan, doanh nghiệp, nhà trường đạt tiêu chuẩn "
     "\"An toàn về an ninh, trật tự\" năm {y}"),
    ("directive", 1, "{n}/CT-UBND", "Chỉ thị về tăng cường bảo đảm an ninh, trật tự dịp Tết Nguyên đán"),
    ("letter", 6, "{n}/UBND-NC", "Về tăng cường tuần tra, kiểm soát bảo đảm trật tự, an toàn giao thông mùa mưa"),
    ("decision", 9, "{n}/QĐ-UBND", "Quyết định kiện toàn Ban Chỉ đạo Phong trào Toàn dân bảo vệ an ninh Tổ quốc"),
    ("letter", 11, "{n}/UBND-NC", "Về bảo đảm an ninh, trật tự cuối năm và dịp Tết"),
)
CONFERENCES = (("launch", 1, "Hội nghị triển khai nhiệm vụ bảo đảm an ninh, trật tự năm {y}"),
               ("mid_year", 7, "Hội nghị sơ kết 6 tháng đầu năm {y} công tác bảo đảm an ninh, trật tự"),
               ("year_end", 12, "Hội nghị tổng kết Phong trào Toàn dân bảo vệ an ninh Tổ quốc năm {y}"))  # fmt: skip
WANTED_NOTES = ("Đối tượng trốn truy nã về tội trộm cắp tài sản, bị bắt tại nơi ở mới",
                "Gia đình vận động đối tượng ra đầu thú tại Công an xã",
                "Đối tượng bị truy nã về tội cố ý gây thương tích, ra đầu thú sau khi được vận động",
                "Đình nã do đối tượng đã bị bắt ở địa phương khác")  # fmt: skip
WEAPON_NOTES = {"firearm": "Súng tự chế", "ammunition": "Đạn quân dụng", "explosive": "Thuốc nổ công nghiệp",
                "detonator": "Kíp nổ", "cold_weapon": "Dao, kiếm, mã tấu", "support_tool": "Bình xịt hơi cay",
                "fireworks": "Pháo nổ"}  # fmt: skip
WEAPON_QUANTITIES = {"firearm": (1, 3), "ammunition": (10, 60), "explosive": (1, 8), "detonator": (2, 20),
                     "cold_weapon": (2, 12), "support_tool": (1, 4), "fireworks": (2, 30)}  # fmt: skip


def _direction(legacy: list[Unit], current: list[Unit]) -> list[_Item]:
    """The district's documents and conferences 2019–2021 and in the first half of 2025; then each new commune's."""
    rng = random.Random("antoan-movement-direction")
    district = unit_for_code(code=DISTRICT_CODE, day=DISTRICT_DAY)
    items = []

    def documents(unit: Unit, year: int, months: range, every: int = 1) -> None:
        for n, (doc_type, month, number, subject) in enumerate(DOCUMENTS[::every]):
            if month in months:
                day = _between(rng, date(year, month, 2), date(year, month, 26))
                values = {"unit": unit, "issued_on": day, "doc_type": doc_type,
                          "number": number.format(n=rng.randint(10, 290) + n), "subject": subject.format(y=year)}
                items.append(_Item(rt.DOCUMENTS, unit, day, values))  # fmt: skip

    def conferences(unit: Unit, year: int, months: range, people: tuple[int, int]) -> None:
        for kind, month, subject in CONFERENCES:
            if month in months:
                day = _between(rng, date(year, month, 5), date(year, month, 25))
                values = {"unit": unit, "held_on": day, "kind": kind, "subject": subject.format(y=year),
                          "attendees": rng.randint(*people)}  # fmt: skip
                items.append(_Item(rt.CONFERENCES, unit, day, values))

    for year in (2019, 2020, 2021):
        documents(district, year, range(1, 13))
        conferences(district, year, range(1, 13), (90, 160))
    documents(district, 2025, range(1, 7))
    conferences(district, 2025, range(1, 7), (90, 160))
    for unit in current:
        documents(unit, 2025, range(7, 13), every=2)
        conferences(unit, 2025, range(12, 13), (40, 80))
        documents(unit, 2026, range(1, 12), every=2)
        conferences(unit, 2026, range(1, 12), (40, 80))
    return items


def _wanted_and_weapons(legacy: list[Unit], current: list[Unit]) -> list[_Item]:
    """A few wanted persons dealt with and weapons recovered each year, in the communes."""
    rng = random.Random("antoan-movement-wanted-weapons")
    items = []
    spans = [(legacy, date(y, 1, 5), date(y, 12, 20), 4) for y in (2019, 2020, 2021)]
    spans += [(legacy, date(2025, 1, 5), LEGACY_END, 2), (current, CURRENT_START, date(2025, 12, 20), 2),
              (current, date(2026, 1, 5), SEED_UNTIL - timedelta(days=3), 4)]  # fmt: skip
    for units, low, high, count in spans:
        for _ in range(count):
            unit, day = rng.choice(units), _between(rng, low, high)
            note = rng.choice(WANTED_NOTES)
            outcome = "cancelled" if note.startswith("Đình nã") else "surrendered" if "đầu thú" in note else "arrested"
            values = {"unit": unit, "handled_on": day, "outcome": outcome, "note": note,
                      "notice_number": f"{rng.randint(10, 99)}/QĐ-TN"}  # fmt: skip
            items.append(_Item(rt.WANTED, unit, day, values))
        for _ in range(count + 1):
            unit, day = rng.choice(units), _between(rng, low, high)
            kind = rng.choice(list(WEAPON_NOTES))
            quantity = rng.randint(*WEAPON_QUANTITIES[kind])
            values = {"unit": unit, "recovered_on": day, "kind": kind, "quantity": quantity,
                      "handed_in": rng.random() < 0.4, "note": WEAPON_NOTES[kind]}  # fmt: skip
            items.append(_Item(rt.WEAPONS, unit, day, values))
    return items


RESCUES = (
    (2019, 9, "Tìm kiếm người bị nước cuốn trôi khi qua suối sau mưa lớn ở {village}", 45, 4, 0, 1, 0),
    (2020, 10, "Sơ tán dân, di dời tài sản khỏi vùng ngập do mưa lớn kéo dài ở {village}", 120, 9, 6, 0, 350_000_000),
    (2020, 11, "Cứu hộ người và phương tiện mắc kẹt tại ngầm tràn bị lũ ở {village}", 60, 5, 3, 0, 80_000_000),
    (2021, 11, "Gia cố nhà cửa, sơ tán hộ dân vùng trũng trước bão ở {village}", 90, 7, 0, 0, 150_000_000),
    (2025, 9, "Tìm kiếm, cứu nạn người đuối nước tại hồ thủy lợi ở {village}", 35, 3, 1, 0, 0),
    (2026, 8, "Cứu hộ các hộ dân bị cô lập do nước lũ ở {village}", 80, 6, 11, 0, 120_000_000),
)  # fmt: skip


def _rescues(legacy: list[Unit], current: list[Unit]) -> list[_Item]:
    rng = random.Random("antoan-movement-rescues")
    items = []
    for year, month, summary, forces, vehicles, rescued, bodies, saved in RESCUES:
        day = _between(rng, date(year, month, 3), date(year, month, 26))
        unit = rng.choice(current if day >= CURRENT_START else legacy)
        values = {"unit": unit, "started_on": day, "summary": summary.format(village=rng.choice(_villages(unit))),
                  "forces": forces, "vehicles": vehicles, "people_rescued": rescued, "bodies_recovered": bodies,
                  "property_saved_vnd": saved}  # fmt: skip
        items.append(_Item(rt.RESCUES, unit, day, values))
    return items


def _results(legacy: list[Unit], current: list[Unit]) -> list[_Item]:
    """People reformed, cameras paid for by the villages, emulation pacts, communes meeting criterion 19.2."""
    rng = random.Random("antoan-movement-results")
    items = []

    def add(unit: Unit, low: date, high: date, kind: str, quantity: int, funds: int = 0, note: str = "") -> None:
        day = _between(rng, low, high)
        values = {"unit": unit, "achieved_on": day, "kind": kind, "quantity": quantity, "funds_vnd": funds,
                  "note": note}  # fmt: skip
        items.append(_Item(rt.RESULTS, unit, day, values))

    for year in (2019, 2020, 2021):
        for unit in rng.sample(legacy, 6):
            add(unit, date(year, 2, 1), date(year, 11, 30), "reformed", rng.randint(1, 4),
                note="Người chấp hành xong án phạt tù về cư trú, được gia đình và đoàn thể giúp đỡ")  # fmt: skip
        for unit in rng.sample(legacy, 4):
            cameras = rng.randint(4, 16)
            add(unit, date(year, 3, 1), date(year, 10, 31), "cameras", cameras, cameras * 7_500_000,
                note="Mô hình \"Camera an ninh\" do nhân dân đóng góp")  # fmt: skip
        for unit in rng.sample(legacy, 5):
            add(unit, date(year, 3, 1), date(year, 4, 30), "pacts", rng.randint(3, 12),
                note="Giao ước thi đua giữa các thôn, khu phố")  # fmt: skip
        for unit in rng.sample(legacy, 3):
            add(unit, date(year, 11, 1), date(year, 12, 15), "criterion_19_2", 1,
                note="Đạt tiêu chí 19.2 về an ninh, trật tự")  # fmt: skip
    add(legacy[0], date(2020, 9, 1), date(2020, 11, 30), "troubled_areas", 1,
        note="Chuyển hóa địa bàn phức tạp về tệ nạn cờ bạc")  # fmt: skip
    for unit in current:
        add(unit, date(2025, 8, 1), date(2025, 12, 15), "reformed", rng.randint(1, 3))
        cameras = rng.randint(6, 20)
        add(unit, date(2026, 2, 1), date(2026, 10, 31), "cameras", cameras, cameras * 8_000_000)
        add(unit, date(2026, 3, 1), date(2026, 4, 30), "pacts", rng.randint(4, 10))
    return items


def _units() -> tuple[list[Unit], list[Unit]]:
    district = unit_for_code(code=DISTRICT_CODE, day=DISTRICT_DAY)
    legacy = list(Unit.objects.filter(parent=district, kind=Kind.COMMUNE).order_by("code"))
    current = list(
        Unit.objects.filter(hierarchy=Hierarchy.CURRENT, kind=Kind.COMMUNE, code__in=PREDECESSORS).order_by("code")
    )
    return legacy, current


def _number(items: list[_Item]) -> list[_Item]:
    """External ids "DEMO-2020-KT-012": by type and year, in date order."""
    counters: dict = {}
    ordered = sorted(items, key=lambda i: i.day)  # stable: the same day keeps the generation order
    for item in ordered:
        code = TYPE_CODES[item.rt.key]
        n = counters[code, item.day.year] = counters.get((code, item.day.year), 0) + 1
        item.values["external_id"] = f"{EXTERNAL_PREFIX}{item.day.year}-{code}-{n:03d}"
    return ordered


def demo_items() -> list[_Item]:
    """Every demo record of the movement, numbered, models before their inspections (no database writes)."""
    legacy, current = _units()
    by_code = {u.code: u for u in legacy}
    current_by_code = {u.code: u for u in current}
    models = _number(_models(legacy, current))
    others = (
        _inspections(models)
        + _exemplars(by_code)
        + _commendations(by_code)
        + _deployments(legacy)
        + _patrols(by_code, current_by_code)
        + _propaganda(legacy, current)
        + _signage(legacy, current)
        + _plans(legacy, current)
        + _security_events(legacy, current)
        + _direction(legacy, current)
        + _wanted_and_weapons(legacy, current)
        + _rescues(legacy, current)
        + _results(legacy, current)
    )
    return models + _number(others)


@transaction.atomic
def seed_movement(*, user: User) -> dict[str, int]:
    """Create the movement's demo records that are missing, as `user`; returns how many of each type."""
    today = clock.today()
    existing = {}
    for r in rt.ALL:
        demo = r.model.objects.filter(external_id__startswith=EXTERNAL_PREFIX)
        existing[r.key] = set(demo.values_list("unit_id", "external_id"))
    created = {r.key: 0 for r in rt.ALL}
    model_ids: dict[str, int] = {}
    with memoized.scope():  # the user's scope and the locks, read once
        for item in demo_items():
            if item.day > today:
                continue  # only when the clock is behind SEED_UNTIL: the service would refuse it
            values = dict(item.values)
            if item.rt is rt.INSPECTIONS:
                if not model_ids:
                    models = rt.MODELS.model.objects.filter(external_id__startswith=EXTERNAL_PREFIX)
                    model_ids = {(u, e): pk for u, e, pk in models.values_list("unit_id", "external_id", "pk")}
                model = model_ids.get((item.unit.pk, item.model_ref))
                if model is None:
                    continue  # not created: dated after the clock
                values["model"] = model
            if (item.unit.pk, values["external_id"]) in existing[item.rt.key]:
                continue
            record_create(item.rt, user=user, **values)
            created[item.rt.key] += 1
    return created
