"""The rules in force on a day, for administrators (#22): the page, the dashboard's warning beside figures judged by
an unverified version, and the ANTT criteria as the circular in force words them."""

from datetime import date

import pytest
from django.urls import reverse

from antoan.accounts.models import Role
from antoan.assessment.criteria import SubjectType, criteria_set_choose
from antoan.core.rules import rules_on

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(make_user, unit):
    return make_user(Role.ADMIN, unit("23059"))


def test_the_page_lists_the_versions_in_force_on_the_day_asked(client, login_verified, admin):
    login_verified(client, admin)
    page = client.get(reverse("rules"), {"on": "2024-08-14"}).content.decode()
    in_force = page.split('id="rules-in-force"')[1].split("</table>")[0]
    assert "<td>Thông tư 58/2009/TT-BCA(C11), Điều 5</td>" in in_force
    assert "<td>Thông tư 26/2024/TT-BCA, Điều 5</td>" not in in_force
    assert "<td>Thông tư 26/2012/TT-BGTVT, Điều 4, Điều 5</td>" in in_force
    assert "<td>Thông tư 11/2021/TT-BCA</td>" in in_force
    assert 'id="rules-unverified"' in page
    later = client.get(reverse("rules"), {"on": "15/08/2024"}).content.decode()
    assert "<td>Thông tư 26/2024/TT-BCA, Điều 5</td>" in later.split('id="rules-in-force"')[1].split("</table>")[0]
    bad = client.get(reverse("rules"), {"on": "31/02/2024"})
    assert bad.status_code == 400 and "errorlist" in bad.content.decode()


def test_only_administrators_see_the_page(client, make_user, unit):
    client.force_login(make_user(Role.OFFICER, unit("23059")))
    assert client.get(reverse("rules")).status_code == 403


def test_every_rule_has_one_version_a_day_and_unverified_ones_say_what_is_unread():
    for day in (date(2019, 6, 1), date(2024, 8, 15), date(2025, 4, 28), date(2026, 12, 7)):
        found = rules_on(day)
        assert len({v.rule for v in found}) == len(found)
        for version in found:
            assert version.verified or (version.unverified_vi and version.unverified_en), version.source


def test_the_dashboard_warns_administrators_of_unverified_rules_and_nobody_else(
    client, login_verified, admin, make_user, unit
):
    login_verified(client, admin)
    page = client.get(reverse("indicators:dashboard"), {"unit": "23059", "period": "2026"}).content.decode()
    warning = page.split('id="dashboard-unverified-rules"')[1].split("</section>")[0]
    assert "Thông tư 41/2024/TT-BGTVT" in warning and "Thông tư 58/2009" not in warning
    officer = make_user(Role.OFFICER, unit("23059"))
    client.force_login(officer)
    page = client.get(reverse("indicators:dashboard"), {"unit": "23059", "period": "2026"}).content.decode()
    assert 'id="dashboard-unverified-rules"' not in page


def test_antt_criteria_for_communes_carry_no_serious_qualifier_from_2022():
    old, _ = criteria_set_choose(subject_type=SubjectType.COMMUNE, year=2021)
    new, commune = criteria_set_choose(subject_type=SubjectType.COMMUNE, year=2022)
    assert "nghiêm trọng" in old.subjects[SubjectType.COMMUNE].criterion("XA.4").vi  # Thông tư 23/2012's words
    for code in ("XA.3", "XA.4"):
        assert "nghiêm trọng" not in commune.criterion(code).vi and "serious" not in commune.criterion(code).en
    assert "không để xảy ra một trong các trường hợp" in commune.criterion("XA.3").vi
    assert not new.verified and new.unverified_vi
