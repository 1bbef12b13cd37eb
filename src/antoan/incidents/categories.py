"""The controlled lists: the kinds of record and, for each kind, its categories.

Codes are what the database, the API and the import files carry; the Vietnamese label is what officials
type and read (an import accepts either, without regard to case).
"""

import unicodedata
from dataclasses import dataclass

from django.db import models
from django.utils.functional import lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class IncidentKind(models.TextChoices):
    CRIME = "crime", _("Criminal case")
    SOCIAL_EVIL = "social_evil", _("Social evil")
    TRAFFIC = "traffic", _("Traffic accident")
    DISASTER = "disaster", _("Natural disaster")
    FIRE = "fire", _("Fire or explosion")


class IncidentStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    PROCESSING = "processing", _("Being handled")
    CLOSED = "closed", _("Closed")


@dataclass(frozen=True)
class Category:
    code: str
    vi: str
    en: str

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """In the reader's language (Vietnamese unless they switched to English)."""
        return self.en if (get_language() or "").startswith("en") else self.vi


# DESIGN.md §1, "Crime categories": the statistical groups of the police; "trật tự xã hội" was formerly
# "phạm pháp hình sự". Disaster hazards follow Luật Phòng, chống thiên tai (Điều 3) as the seeds use them.
CATEGORIES: dict[str, tuple[Category, ...]] = {
    IncidentKind.CRIME: (
        Category("social_order", "Trật tự xã hội", "Social order"),
        Category("economic", "Kinh tế", "Economic"),
        Category("corruption", "Tham nhũng, chức vụ", "Corruption and abuse of office"),
        Category("smuggling", "Buôn lậu, hàng cấm, hàng giả", "Smuggling, banned and counterfeit goods"),
        Category("environment", "Môi trường, tài nguyên, an toàn thực phẩm", "Environment, resources, food safety"),
        Category("high_tech", "Công nghệ cao", "High-tech crime"),
        Category("drugs", "Ma túy", "Drugs"),
    ),
    IncidentKind.SOCIAL_EVIL: (
        Category("gambling", "Cờ bạc", "Gambling"),
        Category("prostitution", "Mại dâm", "Prostitution"),
        Category("loan_sharking", "Tín dụng đen", "Loan-sharking"),
        Category("drug_abuse", "Sử dụng trái phép chất ma túy", "Illegal drug use"),
    ),
    IncidentKind.TRAFFIC: (
        Category("road", "Đường bộ", "Road"),
        Category("railway", "Đường sắt", "Railway"),
        Category("waterway", "Đường thủy nội địa", "Inland waterway"),
    ),
    IncidentKind.DISASTER: (
        Category("storm", "Bão", "Storm"),
        Category("tropical_depression", "Áp thấp nhiệt đới", "Tropical depression"),
        Category("heavy_rain", "Mưa lớn", "Heavy rain"),
        Category("flood", "Lũ", "Flood"),
        Category("flash_flood", "Lũ quét", "Flash flood"),
        Category("inundation", "Ngập lụt", "Inundation"),
        Category("landslide", "Sạt lở đất", "Landslide"),
        Category("whirlwind", "Lốc", "Whirlwind"),
        Category("lightning", "Sét", "Lightning"),
        Category("hail", "Mưa đá", "Hail"),
        Category("drought", "Hạn hán", "Drought"),
        Category("saline_intrusion", "Xâm nhập mặn", "Saline intrusion"),
        Category("forest_fire", "Cháy rừng", "Forest fire"),
        Category("other", "Thiên tai khác", "Other hazard"),
    ),
    # Cháy, nổ as the fire police count them (a forest fire is a natural disaster's hazard, above).
    IncidentKind.FIRE: (
        Category("fire", "Cháy", "Fire"),
        Category("explosion", "Nổ", "Explosion"),
    ),
}

# The offence of a criminal case: the offences local reviews name, by their article of Bộ luật Hình sự 2015 (as amended
# 2017), grouped by its chapters (#23) — "trộm cắp tài sản" is Điều 173 in Chương XVI (tội xâm phạm sở hữu).
OFFENCE_SOURCE = "Bộ luật Hình sự 2015 (sửa đổi, bổ sung năm 2017)"
OFFENCES = (
    Category("murder", "Giết người (Điều 123)", "Murder (Art. 123)"),
    Category("assault", "Cố ý gây thương tích hoặc gây tổn hại cho sức khỏe của người khác (Điều 134)",
             "Intentional injury (Art. 134)"),
    Category("rape", "Hiếp dâm (Điều 141)", "Rape (Art. 141)"),
    Category("robbery", "Cướp tài sản (Điều 168)", "Robbery (Art. 168)"),
    Category("extortion", "Cưỡng đoạt tài sản (Điều 170)", "Extortion (Art. 170)"),
    Category("snatching", "Cướp giật tài sản (Điều 171)", "Snatching (Art. 171)"),
    Category("theft", "Trộm cắp tài sản (Điều 173)", "Theft (Art. 173)"),
    Category("fraud", "Lừa đảo chiếm đoạt tài sản (Điều 174)", "Fraud (Art. 174)"),
    Category("breach_of_trust", "Lạm dụng tín nhiệm chiếm đoạt tài sản (Điều 175)", "Breach of trust (Art. 175)"),
    Category("property_damage", "Hủy hoại hoặc cố ý làm hư hỏng tài sản (Điều 178)", "Destroying property (Art. 178)"),
    Category("usury", "Cho vay lãi nặng trong giao dịch dân sự (Điều 201)", "Usury (Art. 201)"),
    Category("drug_possession", "Tàng trữ trái phép chất ma túy (Điều 249)", "Drug possession (Art. 249)"),
    Category("drug_trafficking", "Mua bán trái phép chất ma túy (Điều 251)", "Drug trafficking (Art. 251)"),
    Category("drug_use_organising", "Tổ chức sử dụng trái phép chất ma túy (Điều 255)",
             "Organising drug use (Art. 255)"),
    Category("road_traffic", "Vi phạm quy định về tham gia giao thông đường bộ (Điều 260)",
             "Road traffic offence (Art. 260)"),
    Category("public_disorder", "Gây rối trật tự công cộng (Điều 318)", "Public disorder (Art. 318)"),
    Category("gambling", "Đánh bạc (Điều 321)", "Gambling (Art. 321)"),
    Category("gambling_organising", "Tổ chức đánh bạc hoặc gá bạc (Điều 322)", "Organising gambling (Art. 322)"),
    Category("other", "Tội danh khác", "Other offence"),
)

# Drugs seized, as reviews count them: by substance, in grams or in tablets.
DRUG_SUBSTANCES = (
    Category("heroin", "Heroin", "Heroin"),
    Category("methamphetamine", "Ma túy đá (methamphetamine)", "Methamphetamine"),
    Category("synthetic_tablets", "Ma túy tổng hợp dạng viên (hồng phiến, thuốc lắc)", "Synthetic drug tablets"),
    Category("cannabis", "Cần sa", "Cannabis"),
    Category("other", "Chất ma túy khác", "Other drugs"),
)

# The main cause of a traffic accident, as the police's accident statistics group them (#23).
ACCIDENT_CAUSES = (
    Category("speeding", "Chạy quá tốc độ quy định", "Speeding"),
    Category("alcohol", "Điều khiển phương tiện khi có nồng độ cồn", "Driving with alcohol"),
    Category("wrong_lane", "Đi không đúng phần đường, làn đường", "Wrong side or lane"),
    Category("unsafe_turn", "Chuyển hướng không đảm bảo an toàn", "Unsafe turn"),
    Category("overtaking", "Vượt xe không đúng quy định", "Unsafe overtaking"),
    Category("no_yield", "Không nhường đường", "Failing to give way"),
    Category("inattention", "Thiếu chú ý quan sát", "Inattention"),
    Category("vehicle", "Phương tiện không bảo đảm an toàn kỹ thuật", "Vehicle defect"),
    Category("road", "Do kết cấu hạ tầng giao thông", "Road conditions"),
    Category("other", "Nguyên nhân khác", "Other cause"),
)

# What caused a fire or explosion, as fire reports group it (sự cố điện, sơ suất, vi phạm quy định an toàn PCCC, cố ý).
FIRE_CAUSES = (
    Category("electrical", "Sự cố hệ thống, thiết bị điện", "Electrical fault"),
    Category("careless", "Sơ suất trong sử dụng nguồn lửa, nguồn nhiệt", "Careless use of fire or heat"),
    Category("safety_violation", "Vi phạm quy định an toàn về phòng cháy, chữa cháy", "Breach of fire-safety rules"),
    Category("arson", "Cố ý gây cháy, nổ", "Arson"),
    Category("natural", "Do thiên tai", "Natural causes"),
    Category("unknown", "Chưa rõ nguyên nhân", "Cause not known"),
)

# A crime's gravity (tính chất, mức độ nguy hiểm của tội phạm): the four classes of Bộ luật Hình sự 2015, Điều 9, by the
# highest penalty of the offence's bracket — the officer who knows the charge picks it; a traffic accident's severity is
# computed instead (severity.py). The codes are those of the traffic classes, so one column holds both.
GRAVITY_SOURCE = "Bộ luật Hình sự 2015, Điều 9"
CRIME_GRAVITIES = (
    Category("less_serious", "Ít nghiêm trọng", "Less serious"),
    Category("serious", "Nghiêm trọng", "Serious"),
    Category("very_serious", "Rất nghiêm trọng", "Very serious"),
    Category("especially_serious", "Đặc biệt nghiêm trọng", "Especially serious"),
)

CATEGORY_REQUIRED = {
    IncidentKind.CRIME: True,
    IncidentKind.SOCIAL_EVIL: True,
    IncidentKind.TRAFFIC: False,
    IncidentKind.DISASTER: True,
    IncidentKind.FIRE: True,
}


def _key(text: str) -> str:
    """What officials type, read as they mean it: any case, with or without diacritics ("rat nghiem trong")."""
    letters = unicodedata.normalize("NFD", " ".join((text or "").split()).casefold().replace("đ", "d"))
    return "".join(ch for ch in letters if not unicodedata.combining(ch))


_LOOKUP = {
    kind: {key: c for c in categories for key in (_key(c.code), _key(c.vi))} for kind, categories in CATEGORIES.items()
}


def category_find(kind: str, text: str) -> Category | None:
    """The category of `kind` whose code or Vietnamese label is `text` (any case), or None."""
    return _LOOKUP.get(kind, {}).get(_key(text))


_GRAVITY_LOOKUP = {key: g for g in CRIME_GRAVITIES for key in (_key(g.code), _key(g.vi))}


def gravity_find(text: str) -> Category | None:
    """The crime gravity whose code or Vietnamese label is `text` (any case, diacritics or none), or None."""
    return _GRAVITY_LOOKUP.get(_key(text))


def gravity_choices() -> list[tuple[str, str]]:
    return [(g.code, _label_of(g)) for g in CRIME_GRAVITIES]


def category_label(kind: str, code: str) -> str:
    category = category_find(kind, code)
    return category.label if category else code


# Made once: each call of `lazy` builds a new proxy class (~0.4 ms), and a form's choices asked for ~30.
_label_of = lazy(lambda category: category.label, str)


def category_choices(kind: str | None = None) -> list[tuple[str, str]]:
    """(code, label) pairs whose labels follow the language of the request that shows them."""
    kinds = [kind] if kind else list(CATEGORIES)
    return [(c.code, _label_of(c)) for k in kinds for c in CATEGORIES.get(k, ())]


def _keys(category: Category) -> tuple[str, ...]:
    """Its code, its label, and its label without what the brackets add ("Trộm cắp tài sản", "Ma túy đá")."""
    return _key(category.code), _key(category.vi), _key(category.vi.split(" (")[0])


class _Listed:
    """A controlled list a record names one of: found by code, label or label without its brackets, in any case, with
    or without diacritics; offered as (code, label) choices in the reader's language."""

    def __init__(self, items: tuple[Category, ...]):
        self.items = items
        self._lookup = {key: c for c in items for key in _keys(c)}

    def find(self, text: str) -> Category | None:
        return self._lookup.get(_key(text))

    def choices(self) -> list[tuple[str, str]]:
        return [(c.code, _label_of(c)) for c in self.items]


_FIRE_CAUSES, _ACCIDENT_CAUSES = _Listed(FIRE_CAUSES), _Listed(ACCIDENT_CAUSES)
_OFFENCES, _DRUGS = _Listed(OFFENCES), _Listed(DRUG_SUBSTANCES)
fire_cause_find, fire_cause_choices = _FIRE_CAUSES.find, _FIRE_CAUSES.choices
accident_cause_find, accident_cause_choices = _ACCIDENT_CAUSES.find, _ACCIDENT_CAUSES.choices
offence_find, offence_choices = _OFFENCES.find, _OFFENCES.choices
drug_substance_find, drug_substance_choices = _DRUGS.find, _DRUGS.choices
