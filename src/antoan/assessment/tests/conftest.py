from datetime import date

import pytest

from antoan.accounts.models import Role
from antoan.assessment.criteria import criteria_set_choose
from antoan.assessment.ratings import rating_sheet_choose
from antoan.units.models import Kind, Unit
from antoan.units.services import establishment_create

HAM_THUAN = "23059"  # Xã Hàm Thuận from 1/7/2025 (Thị trấn Ma Lâm before)
HONG_SON = "23086"
HAM_THUAN_BAC = "597"  # Huyện Hàm Thuận Bắc until 30/06/2025, 17 communes
LEGACY_DAY = date(2020, 1, 1)


@pytest.fixture
def ham_thuan(unit):
    return unit(HAM_THUAN)


@pytest.fixture
def ma_lam(unit):
    return unit(HAM_THUAN, LEGACY_DAY)


@pytest.fixture
def hong_son(unit):
    return unit(HONG_SON)


@pytest.fixture
def district(unit):
    return unit(HAM_THUAN_BAC, LEGACY_DAY)


@pytest.fixture
def district_communes(district):
    return list(Unit.objects.filter(parent=district, kind=Kind.COMMUNE).order_by("code"))


@pytest.fixture
def officer(make_user, ham_thuan):
    """An officer of Xã Hàm Thuận, who also reaches Thị trấn Ma Lâm's records from before 1/7/2025."""
    return make_user(Role.OFFICER, ham_thuan, username="canbo.hamthuan")


@pytest.fixture
def district_officer(make_user, district):
    return make_user(Role.OFFICER, district, username="canbo.huyen")


@pytest.fixture
def establishment(officer):
    """establishment(commune, name, type) → a new establishment of that commune."""

    def make(commune, name, establishment_type="residential_area"):
        return establishment_create(user=officer, commune=commune, name=name, establishment_type=establishment_type)

    return make


def results_for(subject_type: str, year: int, *, failed=(), evidence="Biên bản họp ngày 10/11") -> dict:
    """Every criterion of the set in force for the subject type and year, passed unless listed in `failed`."""
    _, subject = criteria_set_choose(subject_type=subject_type, year=year)
    return {c.code: {"passed": c.code not in failed, "evidence": evidence} for c in subject.criteria}


def points_for(subject_type: str, year: int, *, each=None, overrides=None) -> dict:
    """Points for every criterion of the sheet: its maximum (or `each`), with `overrides`."""
    _, sheet = rating_sheet_choose(subject_type=subject_type, year=year)
    points = {c.code: c.max_points if each is None else min(each, c.max_points) for c in sheet.criteria}
    points.update(overrides or {})
    return points
