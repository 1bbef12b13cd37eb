"""Political security (an ninh chính trị) as a record type (#23, item 1): events, hot spots and when they ended;
the indicators count them and the report says "không để xảy ra điểm nóng" from the data."""

from datetime import date

import pytest

from antoan.accounts.models import Role
from antoan.core.errors import DomainError
from antoan.indicators.periods import period_parse
from antoan.indicators.selectors import indicator_set
from antoan.movement import record_types as rt
from antoan.movement.models import SecurityEvent
from antoan.movement.records.services import record_create, record_update
from antoan.movement.records.transfer import import_records
from antoan.reports.context import build_context

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(make_user, unit):
    return make_user(Role.OFFICER, unit("23059"))


def event(officer, resolve, **fields):
    values = {"unit": resolve("23059"), "occurred_on": "2026-03-10", "kind": "group_complaint",
              "summary": "30 hộ dân khiếu nại giá bồi thường", "people_involved": "30", **fields}  # fmt: skip
    return record_create(rt.SECURITY_EVENTS, user=officer, **values)


def text_of(report) -> str:
    def walk(sections):
        for section in sections:
            yield from section.paragraphs
            yield from walk(section.subsections)

    return "\n".join(walk(report.sections))


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"resolved_on": "2026-03-01"}, "resolved_on"),  # before it happened
        ({"resolved_on": "2099-01-01"}, "resolved_on"),
        ({"kind": "riot"}, "kind"),
        ({"people_involved": "-3"}, "people_involved"),
        ({"unit": None}, "unit"),
        ({"summary": ""}, "summary"),
    ],
)
def test_a_bad_event_is_refused_naming_the_field(officer, unit, fields, field):
    with pytest.raises(DomainError) as refused:
        event(officer, unit, **fields)
    assert field in refused.value.errors and refused.value.errors[field].en
    assert not SecurityEvent.objects.exists()


def test_an_event_out_of_the_officers_scope_is_refused(officer, unit):
    with pytest.raises(DomainError):
        event(officer, unit, unit=unit("23086"))
    assert not SecurityEvent.objects.exists()


def test_events_and_hot_spots_are_counted_and_the_report_says_so(officer, unit, make_user):
    event(officer, unit)
    event(officer, unit, kind="religious", occurred_on="2026-05-02", people_involved="80")
    leader = make_user(Role.LEADER, unit("23059"))
    figures = indicator_set(user=officer, unit=unit("23059"), period=period_parse("2026-H1"))
    assert [figures.figure(c).value for c in ("security.events", "security.events.group_complaint",
                                              "security.events.religious", "security.people",
                                              "security.hot_spots")] == [2, 1, 1, 110, 0]  # fmt: skip
    quiet = text_of(build_context(user=leader, unit=unit("23059"), period=period_parse("2026-H1")))
    assert ("phát sinh 02 vụ việc liên quan đến an ninh chính trị (01 vụ khiếu kiện đông người và 01 vụ việc liên "
            "quan đến tôn giáo)") in quiet  # fmt: skip
    assert "thu hút 110 người tham gia" in quiet and "không để xảy ra điểm nóng" in quiet

    hot = event(officer, unit, kind="mass_gathering", occurred_on="2026-06-01", hot_spot="có", people_involved="200")
    assert SecurityEvent.objects.filter(hot_spot=True).count() == 1
    report = text_of(build_context(user=leader, unit=unit("23059"), period=period_parse("2026-H1")))
    assert "trong đó 01 điểm nóng, đang tiếp tục giải quyết" in report and "không để xảy ra điểm nóng" not in report
    record_update(rt.SECURITY_EVENTS, user=officer, instance=hot, resolved_on=date(2026, 6, 20))
    figures = indicator_set(user=officer, unit=unit("23059"), period=period_parse("2026-H1"))
    assert (figures.figure("security.hot_spots").value, figures.figure("security.hot_spots.resolved").value) == (1, 1)
    report = text_of(build_context(user=leader, unit=unit("23059"), period=period_parse("2026-H1")))
    assert "trong đó 01 điểm nóng, đã được giải quyết dứt điểm" in report


def test_events_import_with_row_errors(tmp_path, officer):
    path = tmp_path / "an-ninh.csv"
    path.write_text(
        "unit_code,occurred_on,kind,summary,people_involved,hot_spot,resolved_on,external_id\n"
        "23059,2026-02-01,group_complaint,Khiếu nại đất đai,12,không,,AN-1\n"
        "23059,2026-02-05,riot,Gây rối,5,không,,AN-2\n"
        "23059,2026-02-07,mass_gathering,Tụ tập,40,có,2026-02-01,AN-3\n",
        encoding="utf-8",
    )
    report = import_records(rt.SECURITY_EVENTS, user=officer, path=path)
    assert report.created == 1
    assert {(p.row, p.column) for p in report.rejected} == {(3, "kind"), (4, "resolved_on")}
    assert list(SecurityEvent.objects.values_list("external_id", flat=True)) == ["AN-1"]
