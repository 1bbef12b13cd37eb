"""The demo district's 2020 assessments: all 17 communes recognised, as its 2020 review reports."""

from datetime import date

import pytest

from antoan.accounts.models import Role
from antoan.assessment.demo import seed_assessments
from antoan.assessment.shares import recognition_shares

pytestmark = pytest.mark.django_db


def test_all_17_communes_of_ham_thuan_bac_are_recognised_in_2020_and_a_second_seed_adds_nothing(make_user, unit):
    admin = make_user(Role.ADMIN, unit("68"))
    first = seed_assessments(user=admin)
    assert first == {"residential_areas": 17 * 3, "assessments": 17 * 4}
    shares = recognition_shares(user=admin, unit=unit("597", date(2020, 1, 1)), year=2020)
    communes = shares.row("commune")
    assert (communes.total, communes.assessed, communes.recognised) == (17, 17, 17)
    assert "17/17" in shares.summary.vi
    assert seed_assessments(user=admin) == {"residential_areas": 0, "assessments": 0}
