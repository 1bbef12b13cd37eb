"""Documents of direction and conferences (#23, item 6), wanted persons (item 4), weapons recovered (item 5): record
types with their indicators and the report's sentences (I.1 counts the documents and conferences, I.3 the rest)."""

import pytest

from antoan.accounts.models import Role
from antoan.core.errors import DomainError
from antoan.indicators.periods import period_parse
from antoan.indicators.selectors import indicator_set
from antoan.movement import record_types as rt
from antoan.movement.models import WeaponRecovery
from antoan.movement.records.services import record_create
from antoan.movement.records.transfer import import_records
from antoan.movement.tests.test_security_events import text_of
from antoan.reports.context import build_context

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(make_user, unit):
    return make_user(Role.OFFICER, unit("23059"))


def create(record_type, officer, resolve, **values):
    return record_create(record_type, user=officer, unit=resolve("23059"), **values)


@pytest.mark.parametrize(
    ("record_type", "values", "field"),
    [
        (rt.WEAPONS, {"recovered_on": "2026-03-01", "kind": "firearm", "quantity": "0"}, "quantity"),
        (rt.WEAPONS, {"recovered_on": "2026-03-01", "kind": "firearm", "quantity": "-2"}, "quantity"),
        (rt.WEAPONS, {"recovered_on": "2026-03-01", "kind": "laser", "quantity": "1"}, "kind"),
        (rt.WANTED, {"handled_on": "2026-03-01", "outcome": "escaped"}, "outcome"),
        (rt.WANTED, {"handled_on": "2099-03-01", "outcome": "arrested"}, "handled_on"),
        (rt.DOCUMENTS, {"issued_on": "2026-03-01", "doc_type": "plan", "number": "", "subject": "Kế hoạch"}, "number"),
        (rt.CONFERENCES, {"held_on": "2026-03-01", "kind": "year_end", "subject": "Tổng kết", "attendees": "nhiều"},
         "attendees"),
    ],
)
def test_bad_input_is_refused_naming_the_field(officer, unit, record_type, values, field):
    with pytest.raises(DomainError) as refused:
        create(record_type, officer, unit, **values)
    assert field in refused.value.errors and refused.value.errors[field].vi and refused.value.errors[field].en
    assert not record_type.model.objects.exists()


def test_counted_and_said_in_the_report(officer, unit, make_user):
    for doc_type, number in (("resolution", "05-NQ/ĐU"), ("plan", "12/KH-UBND"), ("plan", "20/KH-UBND")):
        create(rt.DOCUMENTS, officer, unit, issued_on="2026-02-10", doc_type=doc_type, number=number,
               subject="Bảo đảm an ninh, trật tự")  # fmt: skip
    create(rt.CONFERENCES, officer, unit, held_on="2026-01-20", kind="launch", subject="Triển khai", attendees="60")
    create(rt.CONFERENCES, officer, unit, held_on="2026-07-15", kind="mid_year", subject="Sơ kết", attendees="45")
    for outcome in ("arrested", "arrested", "surrendered", "cancelled"):
        create(rt.WANTED, officer, unit, handled_on="2026-04-02", outcome=outcome)
    create(rt.WEAPONS, officer, unit, recovered_on="2026-05-02", kind="firearm", quantity="2", handed_in="có")
    create(rt.WEAPONS, officer, unit, recovered_on="2026-05-03", kind="ammunition", quantity="35")
    create(rt.WEAPONS, officer, unit, recovered_on="2026-05-04", kind="fireworks", quantity="12", handed_in="1")

    figures = indicator_set(user=officer, unit=unit("23059"), period=period_parse("2026"))
    values = {c: figures.figure(c).value for c in ("documents.issued", "documents.issued.plan", "conferences.held",
                                                   "conferences.attendees", "wanted.handled", "wanted.handled.arrested",
                                                   "weapons.firearm", "weapons.ammunition", "weapons.fireworks",
                                                   "weapons.handed_in")}  # fmt: skip
    assert values == {"documents.issued": 3, "documents.issued.plan": 2, "conferences.held": 2,
                      "conferences.attendees": 105, "wanted.handled": 4, "wanted.handled.arrested": 2,
                      "weapons.firearm": 2, "weapons.ammunition": 35, "weapons.fireworks": 12,
                      "weapons.handed_in": 2}  # fmt: skip
    assert WeaponRecovery.objects.filter(handed_in=True).count() == 2  # an independent count

    leader = make_user(Role.LEADER, unit("23059"))
    text = text_of(build_context(user=leader, unit=unit("23059"), period=period_parse("2026")))
    assert ("ban hành 03 văn bản lãnh đạo, chỉ đạo về công tác bảo đảm an ninh, trật tự (01 nghị quyết và 02 kế "
            "hoạch); tổ chức 02 hội nghị (triển khai và sơ kết) với 105 lượt người tham dự.") in text  # fmt: skip
    assert "Bắt, vận động đầu thú 03 đối tượng truy nã (02 bắt giữ và 01 đầu thú); đình nã 01 đối tượng." in text
    assert ("Thu hồi 02 khẩu súng, 35 viên đạn và 12 kg pháo; trong đó có 02 lượt nhân dân tự nguyện giao "
            "nộp.") in text  # fmt: skip


def test_weapons_import_keeps_the_good_rows_and_names_the_bad(tmp_path, officer):
    path = tmp_path / "vu-khi.csv"
    path.write_text(
        "unit_code,recovered_on,kind,quantity,handed_in,note\n"
        "23059,2026-02-01,firearm,1,có,Súng tự chế\n"
        "23059,2026-02-02,ammunition,0,không,\n"
        "23086,2026-02-03,fireworks,5,không,\n",  # another commune: outside the officer's scope
        encoding="utf-8",
    )
    report = import_records(rt.WEAPONS, user=officer, path=path)
    assert report.created == 1 and {p.row for p in report.rejected} == {3, 4}
    assert {p.column for p in report.rejected if p.row == 3} == {"quantity"}


def test_rescues_and_the_movements_other_results_are_counted_and_said(officer, unit, make_user):
    create(rt.RESCUES, officer, unit, started_on="2026-08-10", summary="Cứu hộ hộ dân bị cô lập do lũ", forces="80",
           vehicles="6", people_rescued="11", property_saved_vnd="120.000.000")  # fmt: skip
    create(rt.RESULTS, officer, unit, achieved_on="2026-03-02", kind="cameras", quantity="12", funds_vnd="96000000")
    create(rt.RESULTS, officer, unit, achieved_on="2026-04-02", kind="reformed", quantity="3")
    with pytest.raises(DomainError) as refused:  # money belongs to the cameras the people paid for
        create(rt.RESULTS, officer, unit, achieved_on="2026-04-03", kind="pacts", quantity="5", funds_vnd="1000")
    assert "funds_vnd" in refused.value.errors
    figures = indicator_set(user=officer, unit=unit("23059"), period=period_parse("2026"))
    assert [figures.figure(c).value for c in ("rescues.operations", "rescues.forces", "rescues.people_rescued",
                                              "results.cameras", "results.camera_funds", "results.reformed",
                                              "results.pacts")] == [1, 80, 11, 12, 96_000_000, 3, 0]  # fmt: skip
    text = text_of(build_context(user=make_user(Role.LEADER, unit("23059")), unit=unit("23059"),
                                 period=period_parse("2026")))  # fmt: skip
    assert ("Tổ chức 01 đợt tìm kiếm cứu nạn, cứu hộ, huy động 80 lượt người và 06 phương tiện; cứu được 11 người và "
            "cứu tài sản trị giá 120 triệu đồng.") in text  # fmt: skip
    assert ("tiếp nhận, quản lý, cảm hóa, giáo dục 03 người tại cộng đồng và lắp đặt 12 camera an ninh từ nguồn xã "
            "hội hóa (kinh phí 96 triệu đồng).") in text  # fmt: skip
