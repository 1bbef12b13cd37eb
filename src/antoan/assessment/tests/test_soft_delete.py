"""Issue #8, "keep data", for assessments and movement ratings: a soft delete, one live record per unit and year,
restore by administrators only, with the same results."""

from datetime import date

import pytest
from django.urls import reverse

from antoan.accounts.models import Role
from antoan.accounts.services import api_token_create
from antoan.assessment.models import Assessment, AssessmentCriterion, Rating
from antoan.assessment.selectors import (
    assessment_get,
    assessment_history,
    assessment_list,
    rating_get,
    rating_list,
)
from antoan.assessment.services import (
    CREATED,
    assessment_delete,
    assessment_record,
    assessment_restore,
    rating_delete,
    rating_record,
    rating_restore,
)
from antoan.assessment.shares import recognition_shares
from antoan.assessment.tests.conftest import points_for, results_for
from antoan.core.errors import DomainError, Forbidden, NotFound
from antoan.units.locks import period_lock

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(make_user, unit):
    return make_user(Role.ADMIN, unit("68"), username="quantri")


def area_assessment(officer, area, **kwargs):
    results = results_for("residential_area", 2026, **kwargs)
    return assessment_record(user=officer, unit=area, year=2026, results=results)[0]


def test_a_deleted_assessment_leaves_lists_and_shares_and_comes_back_with_its_results(
    officer, admin, ham_thuan, establishment
):
    area = establishment(ham_thuan, "Khu phố 1")
    assessment = area_assessment(officer, area, evidence="Biên bản số 7")
    rows = sorted(assessment.criteria.values_list("code", "passed", "evidence"))
    shares = recognition_shares(user=officer, unit=ham_thuan, year=2026).row("residential_area")
    assert (shares.assessed, shares.recognised) == (1, 1)

    assessment_delete(user=officer, assessment=assessment, reason="Đánh giá nhầm khu phố")

    assert not assessment_list(user=officer).exists()
    with pytest.raises(NotFound):
        assessment_get(user=officer, pk=assessment.pk)
    shares = recognition_shares(user=officer, unit=ham_thuan, year=2026).row("residential_area")
    assert (shares.assessed, shares.recognised) == (0, 0)

    restored = assessment_restore(user=admin, instance=assessment)
    assert restored.pk == assessment.pk
    assert (
        sorted(AssessmentCriterion.objects.filter(assessment=restored).values_list("code", "passed", "evidence"))
        == rows
    )
    assert recognition_shares(user=officer, unit=ham_thuan, year=2026).row("residential_area").recognised == 1
    labels = [e.change_label[1] for e in assessment_history(user=admin, assessment=restored)]
    assert labels[:2] == ["Restored", "Deleted"]


def test_a_unit_assessed_again_after_a_delete_keeps_the_new_one_and_restore_is_refused(
    officer, admin, ham_thuan, establishment
):
    area = establishment(ham_thuan, "Khu phố 2")
    first = area_assessment(officer, area)
    assessment_delete(user=officer, assessment=first)
    again, outcome = assessment_record(
        user=officer, unit=area, year=2026, results=results_for("residential_area", 2026, failed=("KDC.1",))
    )
    assert outcome == CREATED and again.pk != first.pk
    with pytest.raises(DomainError) as refused:
        assessment_restore(user=admin, instance=first)
    assert "year" in refused.value.errors and "2026" in refused.value.errors["year"].vi
    assert Assessment.objects.get(unit=area, year=2026).pk == again.pk


@pytest.mark.parametrize("role", [Role.OFFICER, Role.LEADER])
def test_only_an_administrator_restores(make_user, officer, ham_thuan, hong_son, role):
    rating, _ = rating_record(user=officer, unit=ham_thuan, year=2026, points=points_for("commune", 2026))
    rating_delete(user=officer, rating=rating, reason="Nhầm năm")
    with pytest.raises(Forbidden):
        rating_restore(user=make_user(role, ham_thuan), instance=rating)
    with pytest.raises(NotFound):
        rating_restore(user=make_user(role, hong_son), instance=rating)
    assert not rating_list(user=officer).exists()


def test_ratings_restore_refused_in_a_locked_year_and_over_a_new_rating(make_user, officer, admin, ham_thuan):
    rating, _ = rating_record(user=officer, unit=ham_thuan, year=2026, points=points_for("commune", 2026))
    rating_delete(user=officer, rating=rating)
    newer, _ = rating_record(user=officer, unit=ham_thuan, year=2026, points=points_for("commune", 2026, each=1))
    with pytest.raises(DomainError):
        rating_restore(user=admin, instance=rating)
    rating_delete(user=officer, rating=newer)
    period_lock(user=make_user(Role.LEADER, ham_thuan), unit=ham_thuan, month=date(2026, 12, 1))
    with pytest.raises(DomainError) as refused:
        rating_restore(user=admin, instance=rating)
    assert "year" in refused.value.errors
    assert Rating.all_objects.filter(unit=ham_thuan).count() == 2 and not Rating.objects.exists()


def test_pages_and_api(client, login_verified, officer, admin, ham_thuan):
    rating, _ = rating_record(user=officer, unit=ham_thuan, year=2026, points=points_for("commune", 2026))
    client.force_login(officer)
    assert client.post(reverse("rating-delete", args=[rating.pk]), {"reason": "Nhầm"}).status_code == 302
    assert client.get(reverse("rating-detail", args=[rating.pk])).status_code == 404
    login_verified(client, admin)
    page = client.get(reverse("rating-detail", args=[rating.pk])).content.decode()
    assert 'id="deleted-notice"' in page
    _, key = api_token_create(user=admin, owner=admin, name="x")
    response = client.post(
        f"/api/v1/assessments/ratings/{rating.pk}/restore", "", content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )  # fmt: skip
    assert response.status_code == 200 and response.json()["id"] == rating.pk
    assert rating_get(user=officer, pk=rating.pk).total == rating.total
