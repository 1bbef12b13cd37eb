"""Demo tips for the new communes of Hàm Thuận Bắc: some fresh, some overdue, some already handled.

Submitted and handled through the portal's services. Only the arrival time is moved back afterwards
(the form stamps "now"), so that the queue shows tips of different ages.
"""

from dataclasses import dataclass
from datetime import timedelta

from antoan.accounts.models import User
from antoan.core import clock
from antoan.portal.models import Tip
from antoan.portal.services import tip_convert, tip_mark_not_actionable, tip_note, tip_submit
from antoan.units.selectors import unit_for_code


@dataclass(frozen=True)
class DemoTip:
    commune: str
    category: str
    hours_ago: int
    description: str
    address: str
    contact_phone: str = ""
    outcome: str = ""  # "", "note", "not_actionable", "convert"


DEMO_TIPS = (
    DemoTip("23059", "drugs", 3, "Nhóm thanh niên tụ tập ban đêm ở bãi đất trống sau chợ, nghi sử dụng ma túy.",
            "Khu phố Lâm Hòa, xã Hàm Thuận"),
    DemoTip("23059", "gambling", 30, "Có sới bạc gà vào chiều chủ nhật trong vườn điều cuối thôn.",
            "Thôn Phú Điền, xã Hàm Thuận"),
    DemoTip("23059", "traffic", 52, "Xe tải chở cát chạy quá tốc độ qua cổng trường, vừa quệt ngã một xe máy.",
            "Quốc lộ 28 đoạn qua trường THPT Hàm Thuận Bắc", "0912 345 678", "convert"),
    DemoTip("23059", "loan_sharking", 75, "Tờ rơi cho vay tiền nhanh không cần thế chấp dán khắp cột điện.",
            "Đường Ma Lâm – Hàm Trí", "", "note"),
    DemoTip("23086", "security_order", 8, "Người lạ đi xe máy không biển số dò hỏi nhà có người già ở một mình.",
            "Thôn 2, xã Hồng Sơn"),
    DemoTip("23086", "disaster", 40, "Đoạn ta luy dương trên đường vào thôn 4 có vết nứt sau mưa lớn.",
            "Đường vào thôn 4, xã Hồng Sơn"),
    DemoTip("23086", "other", 100, "Xin hỏi thủ tục đăng ký tạm trú cho người thuê trọ.", "", "",
            "not_actionable"),
)  # fmt: skip


def seed_tips(*, user: User) -> int:
    """Create the demo tips that are missing; returns how many were created."""
    created = 0
    now = clock.now()
    for spec in DEMO_TIPS:
        commune = unit_for_code(code=spec.commune)
        if Tip.objects.filter(unit=commune, description=spec.description).exists():
            continue
        received = now - timedelta(hours=spec.hours_ago)
        tip = tip_submit(
            unit=commune,
            category=spec.category,
            occurred_at=received - timedelta(hours=2),
            description=spec.description,
            address=spec.address,
            contact_phone=spec.contact_phone,
        )
        Tip.objects.filter(pk=tip.pk).update(received_at=received)
        tip.refresh_from_db()
        if spec.outcome == "note":
            tip_note(user=user, tip=tip, officer_notes="Đã báo Công an xã xác minh", public_reply="Đang xác minh")
        elif spec.outcome == "not_actionable":
            tip_mark_not_actionable(
                user=user, tip=tip, reason="Đây là câu hỏi về thủ tục; mời liên hệ bộ phận một cửa của xã."
            )
        elif spec.outcome == "convert":
            tip_convert(
                user=user,
                tip=tip,
                kind="traffic",
                unit=commune,
                occurred_at=tip.occurred_at,
                summary=tip.description,
                address=tip.address,
                latitude=commune.latitude,
                longitude=commune.longitude,
                category="road",
                dead=0,
                injured=1,
                cause="Chạy quá tốc độ",
            )
        created += 1
    return created
