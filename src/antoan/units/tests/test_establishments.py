"""Establishments: created by officers in their commune, with a clear error for bad input and an audit trail."""

from datetime import date

import pytest

from antoan.core.errors import DomainError, Forbidden, NotFound
from antoan.units import selectors, services
from antoan.units.models import Kind, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def ham_thuan(unit):
    return unit("23059", date(2026, 1, 1))


@pytest.fixture
def officer(make_user, ham_thuan):
    return make_user("officer", ham_thuan, username="canbo.hamthuan")


def create(user, commune, **overrides):
    fields = {"name": "Trường THPT Hàm Thuận Bắc", "establishment_type": "school", "address": "Ma Lâm"}
    fields.update(overrides)
    return services.establishment_create(user=user, commune=commune, **fields)


def test_officer_creates_an_establishment_in_their_commune(officer, ham_thuan):
    school = create(officer, ham_thuan)
    assert school.kind == Kind.ESTABLISHMENT
    assert school.parent == ham_thuan and school.commune == ham_thuan
    assert school.code == "23059-001" and school.path == ham_thuan.path + "23059-001."
    assert school.type_name == "Trường học"
    assert create(officer, ham_thuan, name="Công ty A", establishment_type="enterprise").code == "23059-002"


def test_creation_is_audited_with_the_officer_and_the_values(officer, ham_thuan):
    school = create(officer, ham_thuan)
    [entry] = selectors.unit_history(user=officer, unit=school)
    assert entry.change_type == "+" and entry.who == "canbo.hamthuan"
    assert {c.field: c.after for c in entry.changes}["name"] == "Trường THPT Hàm Thuận Bắc"


def test_update_records_before_and_after(officer, ham_thuan):
    school = create(officer, ham_thuan)
    services.establishment_update(
        user=officer, establishment=school, name="Trường THPT Hàm Thuận", establishment_type="school", address="Ma Lâm"
    )
    latest = selectors.unit_history(user=officer, unit=school)[0]
    assert latest.change_type == "~"
    [change] = [c for c in latest.changes if c.field == "name"]
    assert (change.before, change.after) == ("Trường THPT Hàm Thuận Bắc", "Trường THPT Hàm Thuận")


def test_delete_keeps_the_history_and_never_reuses_the_code(officer, ham_thuan):
    school = create(officer, ham_thuan)
    pk = school.pk
    services.establishment_delete(user=officer, establishment=school)
    assert not Unit.objects.filter(pk=pk).exists()
    assert list(Unit.history.filter(id=pk).values_list("history_type", flat=True).order_by("history_date")) == [
        "+",
        "-",
    ]
    assert create(officer, ham_thuan, name="Trường mới").code == "23059-002"


def test_bad_input_names_each_field_in_both_languages_and_writes_nothing(officer, ham_thuan):
    before = Unit.objects.count()
    with pytest.raises(DomainError) as exc:
        create(officer, ham_thuan, name="  ", establishment_type="casino", address="x" * 301)
    errors = exc.value.errors
    assert set(errors) == {"name", "establishment_type", "address"}
    assert errors["name"].vi == "Tên cơ sở không được để trống"
    assert errors["name"].en == "The establishment's name is required"
    assert "casino" in errors["establishment_type"].vi and "casino" in errors["establishment_type"].en
    assert Unit.objects.count() == before


def test_an_establishment_belongs_to_a_commune_not_a_province(make_user, unit):
    province = unit("68")
    admin = make_user("admin", province)
    with pytest.raises(DomainError) as exc:
        create(admin, province)
    assert "Tỉnh Lâm Đồng" in exc.value.errors["commune"].vi


def test_officer_of_another_commune_cannot_see_or_add(make_user, unit, ham_thuan):
    other = make_user("officer", unit("23086"))  # Xã Hồng Sơn
    with pytest.raises(NotFound):
        create(other, ham_thuan)


def test_viewer_may_read_but_not_add(make_user, ham_thuan):
    viewer = make_user("viewer", ham_thuan)
    with pytest.raises(Forbidden) as exc:
        create(viewer, ham_thuan)
    assert "chỉ có quyền xem" in exc.value.errors["__all__"].vi


def test_official_units_cannot_be_edited_as_establishments(officer, ham_thuan):
    with pytest.raises(DomainError):
        services.establishment_update(user=officer, establishment=ham_thuan, name="X", establishment_type="school")


def test_an_establishment_code_is_never_shared_across_the_hierarchies(make_user, unit):
    """#27: 23086 is Xã Hồng Sơn in both hierarchies; an establishment of the old commune and one of the new got the
    same code 23086-001, both valid on the same days, so the code named two units and could not be used anywhere."""
    admin = make_user("admin", unit("68"))
    old = services.establishment_create(user=admin, commune=unit("23086", date(2020, 1, 1)), name="Trường cũ",
                                        establishment_type="school")  # fmt: skip
    new = services.establishment_create(user=admin, commune=unit("23086"), name="Trường mới",
                                        establishment_type="school")  # fmt: skip
    assert old.hierarchy != new.hierarchy
    assert (old.code, new.code) == ("23086-001", "23086-002")
    assert selectors.unit_for_code(code=new.code) == new  # one unit per code, on every day
    assert selectors.unit_for_code(code=old.code) == old
