from datetime import datetime

import pytest
from django.utils import timezone

from antoan.accounts.models import Role

HAM_THUAN = "23059"  # Xã Hàm Thuận from 1/7/2025; Thị trấn Ma Lâm before
HONG_SON = "23086"


def local(*args) -> datetime:
    return timezone.make_aware(datetime(*args))


@pytest.fixture
def ham_thuan(unit):
    return unit(HAM_THUAN)


@pytest.fixture
def hong_son(unit):
    return unit(HONG_SON)


@pytest.fixture
def officer(make_user, ham_thuan):
    """An officer of Xã Hàm Thuận (current hierarchy), who reaches Ma Lâm's old records too."""
    return make_user(Role.OFFICER, ham_thuan, username="canbo.hamthuan")


@pytest.fixture
def traffic_fields():
    def make(**overrides):
        values = {
            "kind": "traffic",
            "occurred_at": local(2026, 3, 2, 18, 30),
            "summary": "Xe máy va chạm ô tô tải trên QL28",
            "dead": 0,
            "injured": 1,
            "latitude": 11.05,
            "longitude": 108.05,
        }
        values.update(overrides)
        return values

    return make
