"""The units' list (/api/v1/units) reads its filters on the one path (core.filters); the unit parameter of every
list (units.selectors.VisibleUnit) is a unit the user may see."""

import pytest

from antoan.accounts.models import Role
from antoan.core.errors import DomainError, NotFound
from antoan.units.models import Kind
from antoan.units.selectors import UnitFilters, unit_get

pytestmark = pytest.mark.django_db

HAM_THUAN, HONG_SON, LAM_DONG = "23059", "23086", "68"


@pytest.fixture
def officer(make_user, unit):
    return make_user(Role.OFFICER, unit(HAM_THUAN))


def test_the_list_is_narrowed_by_parent_kind_and_words(client, make_user, unit):
    lam_dong = unit(LAM_DONG)
    client.force_login(make_user(Role.VIEWER, lam_dong))
    response = client.get("/api/v1/units", {"parent": lam_dong.pk, "kind": Kind.COMMUNE, "q": "hàm thuận"})
    assert response.status_code == 200
    names = [item["name"] for item in response.json()["items"]]
    assert names == ["Xã Hàm Thuận", "Xã Hàm Thuận Bắc", "Xã Hàm Thuận Nam"]


@pytest.mark.parametrize(
    ("params", "field", "en"),
    [
        ({"parent": "²"}, "parent", "Invalid unit"),
        ({"parent": str(10**30)}, "parent", "Invalid unit"),
        ({"parent": "-1"}, "parent", "Invalid unit"),
        ({"parent": HONG_SON}, "parent", "Unit not found"),  # a code is no id; an id out of reach is not found
        ({"kind": "village"}, "kind", "Unknown value"),
        ({"q": "ham\x00"}, "q", "control or invisible character"),
    ],
)
def test_a_bad_filter_is_a_bilingual_422(client, officer, params, field, en):
    client.force_login(officer)
    response = client.get("/api/v1/units", params)
    assert response.status_code == 422
    message = response.json()["errors"][field]
    assert message["vi"] and en in message["en"]


def test_a_unit_out_of_reach_is_not_found_as_one_that_does_not_exist(officer, unit):
    hong_son = unit(HONG_SON)
    for params in ({"parent": str(hong_son.pk)}, {"parent": "999999999"}):
        with pytest.raises(DomainError) as caught:
            UnitFilters.from_params(params, user=officer)
        assert caught.value.errors["parent"].en == "Unit not found"
    with pytest.raises(DomainError) as caught:
        UnitFilters.from_params({"parent": "abc"}, user=officer)
    assert caught.value.errors["parent"].en == "Invalid unit 'abc'"


@pytest.mark.parametrize("key", ["²", "٣", 10**30, -1, 0, "1.0", None, True])
def test_unit_get_takes_any_key_and_answers_not_found(officer, key):
    with pytest.raises(NotFound):
        unit_get(user=officer, pk=key)


def test_the_unit_page_searches_its_children_and_refuses_a_bad_search(client, make_user, unit):
    lam_dong = unit(LAM_DONG)
    client.force_login(make_user(Role.VIEWER, lam_dong))
    page = client.get(f"/don-vi/{lam_dong.pk}/", {"q": "hàm thuận bắc"})
    assert page.status_code == 200 and "Xã Hàm Thuận Bắc" in page.content.decode()
    refused = client.get(f"/don-vi/{lam_dong.pk}/", {"q": "hàm\x00"})
    assert refused.status_code == 400 and 'data-field="q"' in refused.content.decode()
    assert "Xã Hàm Thuận Bắc" not in refused.content.decode()
