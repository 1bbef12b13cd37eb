"""The official units, as `antoan units load` leaves them (loaded once per test database by conftest)."""

from datetime import date

import pytest
from django.db import connection
from django.db.models import Count

from antoan.core.errors import NotFound
from antoan.units import selectors
from antoan.units.models import Hierarchy, Kind, Succession, Unit
from antoan.units.services import units_load

pytestmark = pytest.mark.django_db

HAM_THUAN_BAC_COMMUNES = 17  # "17 xã, thị trấn" in the 2020 year-end review


def count(hierarchy, kind):
    return Unit.objects.filter(hierarchy=hierarchy, kind=kind).count()


def test_current_hierarchy_has_34_provinces_and_3321_communes():
    assert count(Hierarchy.CURRENT, Kind.PROVINCE) == 34
    assert count(Hierarchy.CURRENT, Kind.COMMUNE) == 3321
    assert count(Hierarchy.CURRENT, Kind.DISTRICT) == 0
    types = dict(
        Unit.objects.filter(hierarchy=Hierarchy.CURRENT, kind=Kind.COMMUNE)
        .values_list("type_name")
        .annotate(n=Count("pk"))
    )
    assert types == {"Xã": 2621, "Phường": 687, "Đặc khu": 13}  # Nghị quyết 202/2025/QH15


def test_legacy_hierarchy_has_63_provinces_696_districts_and_10040_commune_level_units():
    assert count(Hierarchy.LEGACY, Kind.PROVINCE) == 63
    assert count(Hierarchy.LEGACY, Kind.DISTRICT) == 696
    # 10,035 communes, and five island districts that had no communes and stand at commune level.
    assert count(Hierarchy.LEGACY, Kind.COMMUNE) == 10035
    assert selectors.island_district_count() == 5
    assert Unit.objects.filter(hierarchy=Hierarchy.LEGACY).exclude(commune=None).count() == 10040


def test_every_legacy_commune_level_unit_has_exactly_one_default_successor():
    leaves = Unit.objects.filter(hierarchy=Hierarchy.LEGACY).exclude(commune=None)
    assert not leaves.filter(successions_out=None).exists()
    defaults = Succession.objects.filter(is_default=True).values("predecessor").distinct().count()
    assert defaults == leaves.count() == Succession.objects.values("predecessor").distinct().count()
    assert not Unit.objects.filter(hierarchy=Hierarchy.CURRENT, kind=Kind.COMMUNE, successions_in=None).exists()


def test_split_commune_lists_each_successor_and_its_default(unit):
    split = Succession.objects.filter(is_default=False).select_related("predecessor").first().predecessor
    links = selectors.unit_successors(unit=split)
    assert len(links) >= 2
    assert [link.is_default for link in links].count(True) == 1
    assert links[0].is_default  # the default comes first


def test_second_load_changes_nothing():
    before = Unit.history.count()
    report = units_load(actor=None)
    assert not report.changed_anything
    assert report.unchanged == Unit.objects.exclude(kind=Kind.ESTABLISHMENT).count()
    assert Unit.history.count() == before


def test_load_repairs_a_unit_changed_by_hand_and_records_it():
    ma_lam = selectors.unit_for_code(code="23059", day=date(2020, 1, 1))
    Unit.objects.filter(pk=ma_lam.pk).update(name="Sai tên")
    report = units_load(actor=None)
    assert report.updated == 1
    ma_lam.refresh_from_db()
    assert ma_lam.name == "Thị trấn Ma Lâm"
    assert ma_lam.history.first().history_change_reason.startswith("antoan units load")


def test_code_23059_is_ma_lam_before_and_ham_thuan_after_the_reorganisation(unit):
    before = unit("23059", date(2025, 6, 30))
    after = unit("23059", date(2025, 7, 1))
    assert (before.name, before.parent.name, before.parent.parent.name) == (
        "Thị trấn Ma Lâm",
        "Huyện Hàm Thuận Bắc",
        "Tỉnh Bình Thuận",
    )
    assert (after.name, after.parent.name) == ("Xã Hàm Thuận", "Tỉnh Lâm Đồng")
    assert before.pk != after.pk


def test_province_68_is_lam_dong_in_both_hierarchies_with_different_territory(unit):
    old, new = unit("68", date(2020, 1, 1)), unit("68", date(2026, 1, 1))
    assert old.name == new.name == "Tỉnh Lâm Đồng"
    assert old.pk != new.pk
    assert old.children.count() != new.children.count()


def test_a_code_resolved_on_a_date_it_does_not_name_says_what_it_was(unit):
    with pytest.raises(NotFound) as exc:
        unit("597", date(2026, 1, 1))  # Huyện Hàm Thuận Bắc: districts ended on 30/06/2025
    message = exc.value.errors["code"]
    assert "Huyện Hàm Thuận Bắc" in message.vi and "30/06/2025" in message.vi
    assert "names no unit on 01/01/2026" in message.en


def test_unknown_code_is_refused_in_both_languages(unit):
    with pytest.raises(NotFound) as exc:
        unit("99999")
    assert exc.value.errors["code"].vi == "Không có đơn vị nào mang mã '99999'"
    assert exc.value.errors["code"].en == "There is no unit with code '99999'"


def test_every_ham_thuan_bac_commune_has_a_successor_in_lam_dong(unit):
    district = unit("597", date(2020, 1, 1))
    communes = list(district.children.filter(kind=Kind.COMMUNE))
    assert len(communes) == HAM_THUAN_BAC_COMMUNES
    for commune in communes:
        successors = selectors.unit_successors(unit=commune)
        assert successors, commune.name
        assert all(link.successor.parent.name == "Tỉnh Lâm Đồng" for link in successors)


def test_ham_thuan_was_formed_from_ma_lam_thuan_minh_and_ham_duc(unit):
    links = selectors.unit_predecessors(unit=unit("23059", date(2026, 1, 1)))
    assert sorted(link.predecessor.name for link in links) == ["Thị trấn Ma Lâm", "Xã Hàm Đức", "Xã Thuận Minh"]


def test_units_carry_coordinates_and_legacy_units_their_bounds(unit):
    ma_lam = unit("23059", date(2020, 1, 1))
    south, west, north, east = ma_lam.bounds
    assert south < ma_lam.latitude < north and west < ma_lam.longitude < east
    assert 10 < unit("23059").latitude < 12


def test_subtree_is_a_path_prefix(unit):
    district = unit("597", date(2020, 1, 1))
    subtree = Unit.objects.filter(path__startswith=district.path)
    assert subtree.count() == HAM_THUAN_BAC_COMMUNES + 1
    assert set(subtree.values_list("parent__path", flat=True)) <= {district.path, district.parent.path}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the pattern index is PostgreSQL's")
def test_subtree_query_uses_the_path_index_on_postgresql(unit):
    district = unit("597", date(2020, 1, 1))
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")  # a tiny test table would otherwise be scanned
    plan = Unit.objects.filter(path__startswith=district.path).values("pk").explain()
    assert "Index" in plan and "~>=~" in plan  # a range scan of the pattern-ops index, no seq scan
    assert "Seq Scan" not in plan


def test_a_code_look_up_names_no_establishment_it_did_not_find(client, make_user, unit):
    """#27: a viewer of another commune resolving an establishment's code on a day it did not name it was told the
    establishment's name — more than the 404 its own page gives. An administrative unit's name stays in the hint."""
    from antoan.accounts.models import Role
    from antoan.units.services import establishment_create

    ham_thuan = unit("23059")
    firm = establishment_create(user=make_user(Role.ADMIN, unit("68")), commune=ham_thuan,
                                name="Công ty TNHH Thanh long Thử Nghiệm", establishment_type="enterprise")  # fmt: skip
    with pytest.raises(NotFound) as exc:
        unit(firm.code, date(2020, 1, 1))  # the old hierarchy: the firm's code names nothing there
    message = exc.value.errors["code"]
    assert "Thanh long" not in message.vi + message.en
    assert message.vi == f"Không có đơn vị nào mang mã '{firm.code}'"

    client.force_login(make_user(Role.VIEWER, unit("23086")))  # Xã Hồng Sơn
    for url in (f"/api/v1/units/resolve?code={firm.code}&on=2020-01-01", f"/api/v1/units/{firm.pk}",
                f"/api/v1/indicators?unit={firm.code}&on=2020-01-01&period=2020"):  # fmt: skip
        response = client.get(url)
        assert response.status_code in (404, 422), (url, response.status_code)
        assert "Thanh long" not in response.content.decode(), url
