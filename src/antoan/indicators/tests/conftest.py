"""The targets' tests: Hàm Thuận Bắc (597, before the 2025 reorganisation), its leader who sets targets and its
officer who reads them."""

from datetime import date

import pytest

from antoan.accounts.models import Role


@pytest.fixture
def district(unit):
    return unit("597", date(2020, 1, 1))


@pytest.fixture
def leader(make_user, district):
    return make_user(Role.LEADER, district, username="lanhdao.htb")


@pytest.fixture
def officer(make_user, district):
    return make_user(Role.OFFICER, district, username="canbo.htb")
