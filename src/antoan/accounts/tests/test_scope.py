"""Scope: each role × own / other unit × read / write, and scope across the 2025 reorganisation."""

from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse

from antoan.units import selectors
from antoan.units.models import Hierarchy, Kind, Unit
from antoan.units.scope import user_scope
from antoan.units.services import establishment_create

pytestmark = pytest.mark.django_db

TODAY = date(2026, 1, 1)
BEFORE = date(2020, 1, 1)
ROLES = ["admin", "leader", "officer", "viewer"]
CAN_WRITE = {"admin": True, "leader": False, "officer": True, "viewer": False}


@pytest.fixture
def communes(unit):
    return {"own": unit("23059", TODAY), "other": unit("23086", TODAY)}  # Xã Hàm Thuận, Xã Hồng Sơn


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("target", ["own", "other"])
def test_read_matrix_over_http(client, make_user, login_verified, communes, role, target):
    user = make_user(role, communes["own"])
    login_verified(client, user)
    response = client.get(reverse("unit-detail", args=[communes[target].pk]))
    allowed = target == "own" or role == "admin"
    assert response.status_code == (200 if allowed else 404)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("target", ["own", "other"])
def test_write_matrix_over_http(client, make_user, login_verified, communes, role, target):
    user = make_user(role, communes["own"])
    login_verified(client, user)
    commune = communes[target]
    response = client.post(
        reverse("establishment-create", args=[commune.pk]),
        {"name": "Công ty Kiểm tra", "establishment_type": "enterprise", "address": ""},
    )
    created = commune.children.filter(kind=Kind.ESTABLISHMENT, name="Công ty Kiểm tra").exists()
    if role == "admin" or (target == "own" and CAN_WRITE[role]):
        assert response.status_code == 302 and created
    elif target == "own":
        assert response.status_code == 403 and not created
    else:
        assert response.status_code == 404 and not created


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("target", ["own", "other"])
def test_read_matrix_over_the_api(client, make_user, login_verified, communes, role, target):
    login_verified(client, make_user(role, communes["own"]))
    response = client.get(f"/api/v1/units/{communes[target].pk}")
    assert response.status_code == (200 if target == "own" or role == "admin" else 404)


def test_commune_officer_sees_the_legacy_communes_it_was_formed_from(make_user, unit, communes):
    officer = make_user("officer", communes["own"])
    visible = set(selectors.unit_list(user=officer).values_list("name", "hierarchy"))
    assert ("Thị trấn Ma Lâm", Hierarchy.LEGACY) in visible
    assert ("Xã Thuận Minh", Hierarchy.LEGACY) in visible
    assert ("Xã Hồng Liêm", Hierarchy.LEGACY) not in visible  # became Xã Hồng Sơn
    assert ("Xã Hồng Sơn", Hierarchy.CURRENT) not in visible


def test_legacy_district_leader_sees_its_communes_and_their_successors(make_user, unit):
    leader = make_user("leader", unit("597", BEFORE))
    visible = selectors.unit_list(user=leader)
    names = set(visible.values_list("name", flat=True))
    assert {"Thị trấn Ma Lâm", "Xã Đa Mi", "Xã Hàm Thuận", "Xã Hồng Sơn", "Xã La Dạ"} <= names
    assert "Phường Phú Thủy" not in names  # Thành phố Phan Thiết: another district
    assert not visible.filter(hierarchy=Hierarchy.CURRENT, kind=Kind.PROVINCE).exists()


def test_province_membership_covers_the_old_communes_of_all_its_communes(make_user, unit):
    viewer = make_user("viewer", unit("68", TODAY))
    legacy = selectors.unit_list(user=viewer).filter(hierarchy=Hierarchy.LEGACY, kind=Kind.COMMUNE)
    provinces = set(legacy.values_list("parent__parent__name", flat=True))
    assert provinces == {"Tỉnh Lâm Đồng", "Tỉnh Bình Thuận", "Tỉnh Đắk Nông"}


def test_establishment_in_a_successor_commune_is_in_a_legacy_leaders_scope(make_user, unit):
    admin = make_user("admin", unit("68", TODAY))
    school = establishment_create(
        user=admin, commune=unit("23059", TODAY), name="Trường A", establishment_type="school"
    )
    assert user_scope(user=make_user("leader", unit("597", BEFORE))).covers(school)
    assert not user_scope(user=make_user("leader", unit("593", BEFORE))).covers(school)


def test_user_without_membership_sees_nothing_and_is_told_why(client, make_user, communes):
    user = make_user()
    assert not selectors.unit_list(user=user).exists()
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    page = response.content.decode()
    assert '<p class="notice" id="no-membership">Tài khoản chưa được gán vào đơn vị nào' in page
    assert "liên hệ quản trị viên để được gán" in page and "not assigned" not in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("home")).content.decode()
    assert '<p class="notice" id="no-membership">Your account is not assigned to any unit yet' in page
    assert "Ask an administrator to assign you" in page and "chưa được gán" not in page
    assert client.get(reverse("unit-detail", args=[communes["own"].pk])).status_code == 404


def test_every_page_but_login_requires_login(client, communes):
    for url in [
        reverse("home"),
        reverse("unit-detail", args=[communes["own"].pk]),
        reverse("unit-history", args=[communes["own"].pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert client.get("/api/v1/units").status_code == 401


def test_a_non_numeric_or_missing_unit_is_a_404_not_a_500(client, make_user, login_verified, communes):
    login_verified(client, make_user("admin", communes["own"]))
    assert client.get(reverse("unit-detail", args=[10**9])).status_code == 404
    assert client.get("/api/v1/units/abc").status_code == 422


def test_scope_counts_are_consistent_with_unit_rows(make_user, communes):
    officer = make_user("officer", communes["own"])
    assert selectors.unit_list(user=officer).count() == Unit.objects.filter(user_scope(user=officer).q()).count() == 4
