"""Indicators against counts computed here, independently, from the records — on both sides of the 2025
reorganisation."""

import math
import random
from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from antoan.accounts.models import Role
from antoan.core.errors import DomainError, NotFound
from antoan.incidents.models import Incident
from antoan.incidents.services import incident_create, incident_create_many, incident_update
from antoan.indicators.catalogue import indicators
from antoan.indicators.periods import period_parse
from antoan.indicators.selectors import (
    children_values,
    crosstab_columns,
    evaluate,
    incident_time_grid,
    indicator_crosstab,
    indicator_set,
    indicator_trend,
)
from antoan.movement import record_types as rt
from antoan.movement.records.services import record_create
from antoan.units.models import Hierarchy, Succession, Unit

LEGACY, CURRENT = date(2020, 1, 1), date(2026, 1, 1)
HTB_COMMUNES = ("23059", "23083", "23092", "23086", "23080", "23089", "23071")  # legacy, in Huyện Hàm Thuận Bắc
HOA_THANG = "23053"  # legacy Xã Hòa Thắng (Bắc Bình): split, partly into Xã Hồng Thái (23041)
CURRENT_COMMUNES = ("23059", "23086", "23089", "23041", "23074")


def local(*args) -> datetime:
    return timezone.make_aware(datetime(*args))


@pytest.fixture
def admin(make_user):
    user = make_user()
    user.is_superuser = True
    user.save()
    return user


def _fields(rng: random.Random, kind: str) -> dict:
    if kind == "crime":
        fields = {"category": rng.choice(("social_order", "drugs", "economic")), "solved": rng.random() < 0.7,
                  "suspects": rng.randint(0, 3)}  # fmt: skip
        # a gravity (Điều 9 BLHS) by the number of suspects: no draw of its own, so the data stay as they were
        return {**fields, "gravity": ("", "less_serious", "very_serious", "especially_serious")[fields["suspects"]]}
    if kind == "social_evil":
        return {"category": rng.choice(("gambling", "loan_sharking")), "persons_involved": rng.randint(1, 6)}
    if kind == "traffic":
        return {"dead": rng.choice((0, 0, 1, 2)), "injured": rng.randint(0, 3),
                "property_damage_vnd": rng.choice((0, 20_000_000, 150_000_000))}  # fmt: skip
    return {"category": "flood", "dead": rng.randint(0, 1), "missing": rng.randint(0, 1),
            "houses_damaged": rng.randint(0, 40), "economic_loss_million_vnd": rng.randint(0, 900)}  # fmt: skip


@pytest.fixture
def records(admin, unit):
    """About 120 incidents: old communes in 2019–2020 and the first half of 2025, new ones since 1/7/2025;
    some in the split Hòa Thắng with coordinates near one of its successors."""
    rng = random.Random(5)
    hong_thai = unit("23041", CURRENT)
    items = []
    for i in range(120):
        kind = rng.choice(("crime", "crime", "social_evil", "traffic", "traffic", "disaster"))
        if i % 3 == 0:
            when = local(2025, 7, 1) + timedelta(days=rng.randint(0, 500), hours=rng.randint(0, 23))
            commune = unit(rng.choice(CURRENT_COMMUNES), CURRENT)
        else:
            year = rng.choice((2019, 2020, 2025)) if i % 5 else 2020
            month = rng.randint(1, 6) if year == 2025 else rng.randint(1, 12)
            when = local(year, month, rng.randint(1, 28), rng.randint(0, 23), 15)
            commune = unit(rng.choice((*HTB_COMMUNES, HOA_THANG)), LEGACY)
        position = {}
        if commune.code == HOA_THANG and i % 2:
            position = {"latitude": hong_thai.latitude + 0.001, "longitude": hong_thai.longitude}
        elif rng.random() < 0.5:
            position = {"latitude": commune.latitude + rng.uniform(-0.01, 0.01),
                        "longitude": commune.longitude + rng.uniform(-0.01, 0.01)}  # fmt: skip
        items.append({"unit": commune, "kind": kind, "occurred_at": when, "summary": f"Sự việc {i}", **position,
                      **_fields(rng, kind)})  # fmt: skip
    results = incident_create_many(user=admin, items=items)  # the bulk path: judged as incident_create would
    assert not [r for r in results if not isinstance(r, Incident)]
    return Incident.objects.count()


# The independent reckoning ----------------------------------------------------------------------------------


def _nearest(incident: Incident, candidates: list[Unit]) -> Unit:
    def distance(u):
        return math.hypot(u.latitude - incident.latitude, (u.longitude - incident.longitude) * math.cos(0.19))

    return min(candidates, key=distance)


def _counts_toward(incident: Incident, unit: Unit) -> bool:
    own = incident.unit
    if own.hierarchy == unit.hierarchy:
        return own.path.startswith(unit.path)
    if own.hierarchy == Hierarchy.LEGACY:  # an old record, a new unit
        links = list(Succession.objects.filter(predecessor=own).select_related("successor"))
        if len(links) > 1 and incident.latitude is not None:
            target = _nearest(incident, [link.successor for link in links])
        else:
            target = next(link.successor for link in links if link.is_default)
    else:
        links = list(Succession.objects.filter(successor=own).select_related("predecessor"))
        if len(links) > 1 and incident.latitude is not None:
            target = _nearest(incident, [link.predecessor for link in links])
        else:
            target = next(link.predecessor for link in links if link.is_primary)
    return target.path.startswith(unit.path)


def _holds(incident: Incident, name: str, value) -> bool:
    if name.endswith("__in"):  # severity__in: one of the values
        return getattr(incident, name.removesuffix("__in")) in value
    return getattr(incident, name) == value


def _expected_all(codes, unit: Unit | None, period) -> dict[str, int]:
    """Each incident indicator in `codes`, reckoned by walking every record (unit None: the whole country)."""
    totals = dict.fromkeys(codes, 0)
    for incident in Incident.objects.select_related("unit"):
        day = timezone.localtime(incident.occurred_at).date()
        if not (period.start <= day <= period.end) or (unit is not None and not _counts_toward(incident, unit)):
            continue
        for code in codes:
            indicator = indicators()[code]
            if all(_holds(incident, name, value) for name, value in indicator.where) and not any(
                _holds(incident, name, value) for name, value in indicator.where_not
            ):
                totals[code] += 1 if indicator.aggregate == "count" else (getattr(incident, indicator.field) or 0)
    return totals


def _expected(code: str, unit: Unit, period) -> int:
    return _expected_all([code], unit, period)[code]


INCIDENT_CODES = [c for c, i in indicators().items() if i.source == "incidents"]


@pytest.mark.parametrize(
    "code, on, period_code",
    [
        ("23059", CURRENT, "2020"),  # Xã Hàm Thuận before it existed: Ma Lâm, Thuận Minh, Hàm Đức
        ("23059", CURRENT, "2026"),
        ("23041", CURRENT, "2020"),  # Xã Hồng Thái: part of the split Hòa Thắng, by coordinates
        ("68", CURRENT, "st2020"),  # Tỉnh Lâm Đồng, the statistical year
        ("68", CURRENT, "2025"),  # a year across the reorganisation
        ("597", LEGACY, "2020-Q3"),  # Huyện Hàm Thuận Bắc
        ("597", LEGACY, "2026"),  # an old district after it was abolished
        ("23059", LEGACY, "2025"),  # Thị trấn Ma Lâm across the reorganisation
    ],
)
def test_every_incident_indicator_equals_an_independent_count(admin, unit, records, code, on, period_code):
    target = unit(code, on)
    period = period_parse(period_code)
    result = indicator_set(user=admin, unit=target, period=period)
    expected = _expected_all(INCIDENT_CODES, target, period)
    expected_before = _expected_all(INCIDENT_CODES, target, period.previous())
    checked = 0
    for indicator_code in INCIDENT_CODES:
        figure = result.figure(indicator_code)
        assert (figure.value, figure.comparison) == (expected[indicator_code], expected_before[indicator_code]), (
            indicator_code
        )
        checked += figure.value + figure.comparison
    assert checked > 0  # the data set reaches this unit and period


@pytest.mark.parametrize("period_code", ["2020", "2025", "2020-Q3", "st2020", "tet2020"])
def test_the_whole_countrys_figures_equal_an_independent_count(admin, records, period_code):
    """The country reads the daily totals (incidents/daily.py), not the incidents: the same figures."""
    period = period_parse(period_code)
    with CaptureQueriesContext(connection) as queries:
        result = indicator_set(user=admin, unit=None, period=period, codes=INCIDENT_CODES)
    read = " ".join(q["sql"] for q in queries.captured_queries)
    assert "incidents_dailytotal" in read and "incidents_incident" not in read
    expected = _expected_all(INCIDENT_CODES, None, period)
    expected_before = _expected_all(INCIDENT_CODES, None, period.previous())
    for code in INCIDENT_CODES:
        figure = result.figure(code)
        assert (figure.value, figure.comparison) == (expected[code], expected_before[code]), code
    assert sum(result.figure(code).value for code in INCIDENT_CODES) > 0


def test_the_clearance_rate_is_solved_over_cases(admin, unit, records):
    result = indicator_set(user=admin, unit=unit("597", LEGACY), period=period_parse("2020"))
    cases, solved = result.figure("crime.social_order").value, result.figure("crime.social_order.solved").value
    assert cases > 0
    assert result.figure("crime.social_order.clearance_rate").value == round(100 * solved / cases, 1)
    every, every_solved = result.figure("crime.cases").value, result.figure("crime.solved").value
    assert result.figure("crime.clearance_rate").value == round(100 * every_solved / every, 1)
    # the second rate: the very serious and especially serious among crimes against social order (Điều 9 BLHS)
    gravest = [i for i in Incident.objects.select_related("unit").filter(kind="crime", category="social_order")
               if timezone.localtime(i.occurred_at).year == 2020 and _counts_toward(i, unit("597", LEGACY))
               and i.severity in ("very_serious", "especially_serious")]  # fmt: skip
    gravest_solved = sum(1 for i in gravest if i.solved)
    assert 0 < len(gravest) < cases
    assert result.figure("crime.social_order.gravest").value == len(gravest)
    assert result.figure("crime.social_order.gravest.solved").value == gravest_solved
    rate = result.figure("crime.social_order.gravest.clearance_rate").value
    assert rate == round(100 * gravest_solved / len(gravest), 1)


# Crime groups as the police report them (docs/indicators.md, "Crime groups") ---------------------------------------

# Ma Lâm, 2020: (category, solved, suspects) of each case — every group of the catalogue's crime categories.
MA_LAM_2020_CRIMES = (
    ("social_order", True, 2), ("social_order", True, 1), ("social_order", False, None), ("social_order", True, 1),
    ("social_order", False, 3),
    ("drugs", True, 2), ("drugs", True, 3), ("drugs", False, 2),
    ("economic", True, 4),
    ("corruption", True, 1),
    ("smuggling", False, 2),
    ("environment", True, None),
    ("high_tech", True, 5), ("high_tech", False, 1),
)  # fmt: skip


@pytest.fixture
def ma_lam_crimes(admin, unit):
    ma_lam = unit("23059", LEGACY)
    items = [
        {"unit": ma_lam, "kind": "crime", "category": category, "solved": solved, "suspects": suspects,
         "occurred_at": local(2020, 1 + n % 12, 3 + n, 20, 0), "summary": f"Vụ {n}"}
        for n, (category, solved, suspects) in enumerate(MA_LAM_2020_CRIMES)
    ]  # fmt: skip
    incident_create_many(user=admin, items=items)
    return ma_lam


def test_pham_phap_hinh_su_is_crimes_against_social_order_only(admin, ma_lam_crimes):
    result = indicator_set(user=admin, unit=ma_lam_crimes, period=period_parse("2020"))
    assert result.figure("crime.social_order").value == 5  # not the 14 cases of every group
    assert result.figure("crime.social_order.solved").value == 3
    assert result.figure("crime.cases").value == 14 and result.figure("crime.solved").value == 9
    assert result.figure("crime.social_order").indicator.vi.startswith("Số vụ phạm pháp hình sự")
    assert "phạm pháp hình sự" not in result.figure("crime.cases").indicator.vi


def test_the_clearance_rate_is_over_crimes_against_social_order_only(admin, ma_lam_crimes):
    """3 of 5 social-order cases solved: 60%, whatever the detected groups (6 of their 9 "solved") would add."""
    result = indicator_set(user=admin, unit=ma_lam_crimes, period=period_parse("2020"))
    assert result.figure("crime.social_order.clearance_rate").value == 60.0
    assert result.figure("crime.clearance_rate").value == round(100 * 9 / 14, 1)  # the all-group share, apart


def test_detected_cases_and_their_persons_by_group(admin, ma_lam_crimes):
    """Each group but social order: its cases and the persons in them, for "phát hiện, bắt giữ N vụ, M đối tượng"."""
    result = indicator_set(user=admin, unit=ma_lam_crimes, period=period_parse("2020"))
    detected = {c: 0 for c in ("economic", "corruption", "smuggling", "environment", "high_tech", "drugs")}
    persons = dict(detected)
    for category, _solved, suspects in MA_LAM_2020_CRIMES:
        if category != "social_order":
            detected[category] += 1
            persons[category] += suspects or 0
    assert result.figure("crime.detected").indicator.parts == tuple(f"crime.detected.{c}" for c in detected)
    for category in detected:
        assert result.figure(f"crime.detected.{category}").value == detected[category], category
        assert result.figure(f"crime.detected.suspects.{category}").value == persons[category], category
    assert (result.figure("crime.detected").value, result.figure("crime.detected.suspects").value) == (9, 20)
    assert result.figure("crime.detected.drugs").indicator.vi.endswith(": Ma túy")
    assert "crime.detected.social_order" not in indicators()


def test_the_crime_groups_read_alike_for_a_unit_its_children_and_the_whole_country(admin, unit, ma_lam_crimes):
    """The whole country reads the daily totals, a crosstab groups by child: the exclusion holds on every path."""
    codes = ["crime.social_order", "crime.social_order.clearance_rate", "crime.detected", "crime.detected.suspects"]
    period = period_parse("2020")
    country = indicator_set(user=admin, unit=None, period=period, codes=codes)
    assert [country.figure(c).value for c in codes] == [5, 60.0, 9, 20]
    for code in codes:
        table = indicator_crosstab(user=admin, unit=unit("597", LEGACY), code=code, columns=[period])
        [ma_lam] = [values for child, values in table.rows if child == ma_lam_crimes]
        assert ma_lam[-1] == table.total[-1] == country.figure(code).value, code


def _walked(unit: Unit, period, *, detected: bool, field: str | None = None, solved: bool | None = None) -> int:
    """Crime cases (or the sum of `field`) counting toward `unit` in `period`, by walking the records: the
    social-order group, or every other group (`detected`)."""
    total = 0
    for incident in Incident.objects.filter(kind="crime").select_related("unit"):
        day = timezone.localtime(incident.occurred_at).date()
        if not (period.start <= day <= period.end) or not _counts_toward(incident, unit):
            continue
        if (incident.category != "social_order") != detected or (solved is not None and incident.solved != solved):
            continue
        total += (getattr(incident, field) or 0) if field else 1
    return total


def test_the_crime_groups_equal_an_independent_count_across_the_reorganisation(admin, unit, records):
    seen = {"occurred": 0, "detected": 0}
    for code, on, period_code in (("597", LEGACY, "2020"), ("23059", CURRENT, "2026"), ("68", CURRENT, "2025"),
                                  ("23041", CURRENT, "2020"), ("597", LEGACY, "2026")):  # fmt: skip
        target, period = unit(code, on), period_parse(period_code)
        result = indicator_set(user=admin, unit=target, period=period)
        occurred = _walked(target, period, detected=False)
        solved = _walked(target, period, detected=False, solved=True)
        detected = _walked(target, period, detected=True)
        assert result.figure("crime.social_order").value == occurred, code
        assert result.figure("crime.social_order.solved").value == solved, code
        assert result.figure("crime.social_order.clearance_rate").value == (
            round(100 * solved / occurred, 1) if occurred else None
        ), code
        assert result.figure("crime.detected").value == detected, code
        assert result.figure("crime.detected.suspects").value == _walked(
            target, period, detected=True, field="suspects"
        ), code
        assert result.figure("crime.cases").value == occurred + detected, code
        seen["occurred"] += occurred
        seen["detected"] += detected
    assert seen["occurred"] and seen["detected"]  # the data set reaches both sides


def test_a_split_commune_counts_toward_its_default_successor_unless_coordinates_place_it(admin, unit):
    hoa_thang, hong_thai = unit(HOA_THANG, LEGACY), unit("23041", CURRENT)
    default = Succession.objects.get(predecessor=hoa_thang, is_default=True).successor
    assert default != hong_thai
    when = local(2020, 5, 5, 9)
    incident_create(
        user=admin, unit=hoa_thang, kind="crime", category="drugs", occurred_at=when, summary="A", solved=False
    )
    incident_create(user=admin, unit=hoa_thang, kind="crime", category="drugs", occurred_at=when, summary="B",
                    solved=True, latitude=hong_thai.latitude, longitude=hong_thai.longitude)  # fmt: skip
    period = period_parse("2020")
    assert (
        indicator_set(user=admin, unit=hong_thai, period=period, codes=["crime.cases"]).figure("crime.cases").value == 1
    )
    assert (
        indicator_set(user=admin, unit=default, period=period, codes=["crime.cases"]).figure("crime.cases").value == 1
    )


def test_the_answer_says_when_the_reorganisation_map_was_used(admin, unit):
    ham_thuan = unit("23059", CURRENT)
    mapped = indicator_set(user=admin, unit=ham_thuan, period=period_parse("2020"), codes=["crime.cases"]).mapping
    assert mapped is not None
    assert set(mapped.units) == {"Thị trấn Ma Lâm", "Xã Thuận Minh", "Xã Hàm Đức"}
    assert "01/07/2025" in mapped.message.vi and "01/07/2025" in mapped.message.en
    # 2026-Q3 is compared with 2025-Q3, after the reorganisation on both sides.
    later = indicator_set(user=admin, unit=ham_thuan, period=period_parse("2026-Q3"), codes=["crime.cases"])
    assert later.mapping is None
    old = indicator_set(user=admin, unit=unit("597", LEGACY), period=period_parse("2026"), codes=["crime.cases"])
    assert old.mapping is not None and "Xã Hàm Thuận" in old.mapping.message.vi


def test_a_record_made_a_moment_ago_is_in_the_next_figure_and_an_edit_moves_it(admin, unit):
    ma_lam, hong_son = unit("23059", LEGACY), unit("23086", LEGACY)
    period, codes = period_parse("2020-03"), ["traffic.accidents", "traffic.dead"]
    before = indicator_set(user=admin, unit=ma_lam, period=period, codes=codes)
    incident = incident_create(user=admin, unit=ma_lam, kind="traffic", occurred_at=local(2020, 3, 9, 7),
                               summary="Va chạm", dead=1, injured=0)  # fmt: skip
    after = indicator_set(user=admin, unit=ma_lam, period=period, codes=codes)
    assert after.figure("traffic.accidents").value == before.figure("traffic.accidents").value + 1
    assert after.figure("traffic.dead").value == before.figure("traffic.dead").value + 1
    incident_update(user=admin, incident=incident, unit=hong_son)
    moved = indicator_set(user=admin, unit=unit("23086", CURRENT), period=period, codes=codes)
    assert moved.figure("traffic.accidents").value == 1


@pytest.mark.parametrize(
    "value, comparison, direction, change, pct",
    [(44, 49, "giảm", -5, -10.2), (54, 54, "không đổi", 0, 0.0), (3, 0, "tăng", 3, None), (0, 2, "giảm", -2, -100.0)],
)
def test_direction_words_and_changes(value, comparison, direction, change, pct):
    from antoan.indicators.selectors import Figure

    figure = Figure(indicators()["crime.cases"], value, comparison)
    assert (figure.direction, figure.change, figure.change_pct) == (direction, change, pct)


def test_a_percentage_changes_in_points_not_percent():
    from antoan.indicators.selectors import Figure

    figure = Figure(indicators()["crime.clearance_rate"], 80.0, 75.5)
    assert (figure.change, figure.change_pct, figure.direction_en) == (4.5, None, "up")


def test_movement_figures_come_from_their_records(admin, unit):
    ham_thuan = unit("23059", CURRENT)
    record_create(rt.DEPLOYMENTS, user=admin, unit=ham_thuan, deployed_on="2026-02-01", officers=5, from_body="CA tỉnh")
    record_create(rt.DEPLOYMENTS, user=admin, unit=unit("23059", LEGACY), deployed_on="2025-03-01", officers=7,
                  from_body="CA huyện")  # fmt: skip
    for name, born in (("Nguyễn Văn A", 1970), ("Trần Thị B", 1980)):
        record_create(rt.COMMENDATIONS, user=admin, unit=ham_thuan, award="medal", authority="ministry",
                      recipient_kind="individual", recipient_name=name, recipient_birth_year=born, year=2026,
                      decision_number="1/QĐ-BCA", decision_date="2026-08-19")  # fmt: skip
    model = record_create(rt.MODELS, user=admin, unit=ham_thuan, name="Camera an ninh", model_type="camera",
                          started_on="2025-08-01", inspection_interval_months=3)  # fmt: skip
    record_create(rt.INSPECTIONS, user=admin, model=model.pk, inspected_on="2025-10-15", inspector="CA xã",
                  rating="good")  # fmt: skip
    record_create(rt.PATROLS, user=admin, unit=ham_thuan, patrolled_on="2026-03-01", hours=4, violations_found=9,
                  violations_handled=8, fines_vnd=3_500_000)  # fmt: skip
    result = indicator_set(user=admin, unit=ham_thuan, period=period_parse("2026"))
    assert result.figure("officers.deployed").value == 5
    assert result.figure("officers.deployed").comparison == 7  # 2025: Ma Lâm's deployment, before the merger
    assert result.figure("commendations.medal").value == 2
    assert result.figure("commendations.authority.ministry").value == 2
    assert result.figure("traffic.violations_handled").value == 8 and result.figure("traffic.fines").value == 3_500_000
    assert result.figure("models.active").value == 1
    # Inspected on 15/10/2025 every 3 months: due 15/01/2026, so overdue at the end of 2026 (or today)…
    assert (result.figure("models.on_time").value, result.figure("models.overdue").value) == (0, 1)
    # … but on time at the end of 2025.
    late_2025 = indicator_set(user=admin, unit=ham_thuan, period=period_parse("2025-Q4"))
    assert (late_2025.figure("models.on_time").value, late_2025.figure("models.overdue").value) == (1, 0)


def test_a_models_due_date_stays_within_the_month(admin, unit):
    """31/8 + 6 months is 28/2: the database (PostgreSQL counts the models itself) agrees with add_months."""
    from antoan.indicators.periods import Period

    ham_thuan = unit("23059", CURRENT)
    for n, (started, months) in enumerate((("2025-08-31", 6), ("2025-10-31", 4), ("2025-11-30", 3), ("2025-12-31", 2))):
        record_create(rt.MODELS, user=admin, unit=ham_thuan, name=f"Mô hình {n}", model_type="camera",
                      started_on=started, inspection_interval_months=months)  # fmt: skip
    days = [date(2026, 2, 27), date(2026, 2, 28), date(2026, 3, 1)]
    periods = [Period.of_range(date(2026, 2, 1), day) for day in days]
    evaluation = evaluate(user=admin, unit=ham_thuan, periods=periods, codes=["models.on_time", "models.overdue"])
    figures = [(evaluation.value("models.on_time", i), evaluation.value("models.overdue", i)) for i in range(3)]
    assert figures == [(4, 0), (4, 0), (0, 4)]  # all due on 28/2: late from 1/3


def test_annual_figures_are_not_given_for_a_quarter(admin, unit):
    result = indicator_set(user=admin, unit=unit("23059", CURRENT), period=period_parse("2026-Q1"))
    assert result.figure("exemplars").value is None and result.figure("ratings").value is None
    assert result.figure("recognised.commune").value is None


def test_an_officer_sees_only_their_units(make_user, unit, records):
    officer = make_user(Role.OFFICER, unit("23059", CURRENT))
    with pytest.raises(NotFound):
        indicator_set(user=officer, unit=unit("23086", CURRENT), period=period_parse("2020"))
    with pytest.raises(DomainError) as error:
        indicator_set(user=officer, unit=None, period=period_parse("2020"))
    assert error.value.errors["unit"].vi and error.value.errors["unit"].en
    own = indicator_set(user=officer, unit=unit("23059", CURRENT), period=period_parse("2020"), codes=["crime.cases"])
    assert own.figure("crime.cases").value == _expected("crime.cases", unit("23059", CURRENT), period_parse("2020"))


def test_an_old_commune_officer_does_not_see_the_other_old_communes_through_the_new_one(make_user, unit, records):
    """A Ma Lâm (old) officer may read Xã Hàm Thuận, but its 2020 figures then count only what they may see."""
    officer = make_user(Role.OFFICER, unit("23059", LEGACY))
    ham_thuan = unit("23059", CURRENT)
    seen = indicator_set(user=officer, unit=ham_thuan, period=period_parse("2020"), codes=["crime.cases"])
    assert seen.figure("crime.cases").value == _expected("crime.cases", unit("23059", LEGACY), period_parse("2020"))


def test_unknown_indicator_is_refused_bilingually(admin, unit):
    with pytest.raises(DomainError) as error:
        indicator_set(user=admin, unit=unit("68"), period=period_parse("2020"), codes=["crime.nope"])
    assert "crime.nope" in error.value.errors["indicator"].vi


def test_trend_months_sum_to_the_year(admin, unit, records):
    target = unit("597", LEGACY)
    trend = indicator_trend(user=admin, unit=target, year=2020, code="traffic.accidents")
    year = indicator_set(user=admin, unit=target, period=period_parse("2020"), codes=["traffic.accidents"])
    assert sum(trend["this_year"]) == year.figure("traffic.accidents").value
    assert sum(trend["last_year"]) == year.figure("traffic.accidents").comparison


def test_crosstab_rows_are_children_and_totals_add_up(admin, unit, records):
    htb = unit("597", LEGACY)
    table = indicator_crosstab(
        user=admin, unit=htb, code="crime.cases", columns=crosstab_columns(year=2020, by="month")
    )
    assert {child.parent_id for child, _ in table.rows} == {htb.pk}
    for child, values in table.rows:
        assert sum(values[:-1]) == values[-1] == _expected("crime.cases", child, period_parse("2020"))
    assert table.total[-1] == sum(values[-1] for _, values in table.rows)
    assert [sum(column) for column in zip(*(v[:-1] for _, v in table.rows), strict=True)] == list(table.total[:-1])


def test_time_grid_counts_by_weekday_and_local_hour(admin, unit):
    ma_lam = unit("23059", LEGACY)
    # Monday 2/3/2020 at 23:30 local time is Monday 16:30 UTC: the grid must use local time.
    incident_create(user=admin, unit=ma_lam, kind="traffic", occurred_at=local(2020, 3, 2, 23, 30), summary="x",
                    dead=0, injured=1)  # fmt: skip
    grid = incident_time_grid(user=admin, unit=ma_lam, period=period_parse("2020"), kind="traffic")
    assert grid[0][23] == 1 and sum(map(sum, grid)) == 1


def test_recognised_shares_reach_back_across_the_reorganisation(admin, unit):
    """The demo recognises all 17 old communes of Hàm Thuận Bắc in 2020: asked for today's Xã Hàm Thuận, 2020
    counts its three old communes; asked for the old district, all 17."""
    from antoan.assessment.demo import seed_assessments

    seed_assessments(user=admin)
    year = period_parse("2020")
    district = indicator_set(user=admin, unit=unit("597", LEGACY), period=year, codes=["recognised.commune"])
    assert district.figure("recognised.commune").value == 100.0
    assert district.figure("recognised.commune").comparison is None  # nobody was assessed in 2019
    ham_thuan = indicator_set(user=admin, unit=unit("23059", CURRENT), period=year, codes=["recognised.commune"])
    assert ham_thuan.figure("recognised.commune").value == 100.0
    from antoan.assessment.shares import share_rows
    from antoan.units.reorg import records_q

    current = unit("23059", CURRENT)
    [row] = [r for r in share_rows(unit=current, year=2020, within=lambda f: records_q(current, f))
             if r.subject_type == "commune"]  # fmt: skip
    assert (row.total, row.recognised) == (3, 3)


def test_the_median_time_to_first_action_of_each_period_equals_statistics_median(admin, unit):
    """Months and their year in one evaluation (two layers of periods), for a unit and for the whole country; the
    database's percentile on PostgreSQL, Python's median on SQLite: both equal statistics.median of the tips."""
    import statistics

    from antoan.portal.models import Tip
    from antoan.portal.services import tip_submit

    ham_thuan, hong_son = unit("23059", CURRENT), unit("23086", CURRENT)
    rng, placed = random.Random(7), []
    for i in range(40):
        commune = ham_thuan if i % 4 else hong_son
        received = local(2026, rng.randint(1, 3), rng.randint(1, 28), rng.randint(0, 23), 40)
        wait = None if i % 9 == 0 else rng.randint(3, 3000)  # some not acted on yet: left out of the median
        tip = tip_submit(category="drugs", unit=commune, occurred_at=received - timedelta(hours=1),
                         description=f"Tin báo số {i} về ma túy")  # fmt: skip
        Tip.objects.filter(pk=tip.pk).update(
            received_at=received, first_action_at=None if wait is None else received + timedelta(minutes=wait)
        )
        placed.append((commune, received, wait))
    periods = [period_parse("2026-Q1"), *(period_parse(f"2026-0{m}") for m in (1, 2, 3))]
    for target in (ham_thuan, None):
        evaluation = evaluate(user=admin, unit=target, periods=periods, codes=["tips.median_minutes"])
        for index, period in enumerate(periods):
            waits = [w for c, r, w in placed if (target is None or c == target) and w is not None
                     and period.contains(r)]  # fmt: skip
            expected = round(statistics.median(waits), 1) if waits else None
            assert evaluation.value("tips.median_minutes", index) == expected, (target, period)


@pytest.fixture
def patrols(admin, unit):
    """Patrols in old communes (2020) and in new ones (2025-26), and one at the old district's own level."""
    old = [unit(code, LEGACY) for code in HTB_COMMUNES[:4]] + [unit("597", LEGACY)]
    new = [unit(code, CURRENT) for code in CURRENT_COMMUNES]
    for n, place in enumerate(old * 2 + new * 2):
        day = "2020-03-05" if place.hierarchy == Hierarchy.LEGACY else "2025-09-05"
        record_create(rt.PATROLS, user=admin, unit=place, patrolled_on=day, hours=2, violations_found=n + 1,
                      violations_handled=n, fines_vnd=1000 * n)  # fmt: skip


@pytest.mark.parametrize("code", ["traffic.accidents", "crime.clearance_rate", "disaster.houses_damaged",
                                  "traffic.violations_found", "traffic.patrols"])  # fmt: skip
@pytest.mark.parametrize("parent", [("68", CURRENT), ("597", LEGACY), ("60", LEGACY), None])
def test_a_crosstab_read_in_one_pass_equals_each_child_evaluated_alone(admin, unit, records, patrols, code, parent):
    """The crosstab groups the parent's records by the child they count toward (reorg.children_owners); each
    child's own evaluation (reorg.records_q / incidents_q) is the reference, across the reorganisation."""
    target = unit(*parent) if parent else None
    for year in (2020, 2025):
        columns = crosstab_columns(year=year, by="month")
        with CaptureQueriesContext(connection) as grouped_queries:
            table = indicator_crosstab(user=admin, unit=target, code=code, columns=columns)
        periods = [*columns, period_parse(str(year))]
        with CaptureQueriesContext(connection) as alone_queries:
            for child, values in table.rows:
                alone = evaluate(user=admin, unit=child, periods=periods, codes=[code])
                assert values == tuple(alone.value(code, i) for i in range(len(periods))), (child.code, year)
        assert len(table.rows) > 1
        # Not one evaluation per child: the grouped read costs a fraction of the children's own.
        assert 2 * len(grouped_queries) < len(alone_queries)
    assert any(any(v for v in values if v) for _, values in table.rows)  # the data reaches the children


@pytest.mark.parametrize("parent", [("597", LEGACY, "2020"), ("68", CURRENT, "2025")])
def test_children_values_grouped_and_child_by_child_equal_each_child_evaluated_alone(admin, unit, patrols, parent):
    """Counts and records in a state on the period's last day (models running, plans in force) in one pass over the
    parent's records, grouped by the child they count toward, across the reorganisation; what cannot be grouped
    (models overdue) child by child: every child's value is its own evaluation, whichever path gave it."""
    code, day, year = parent
    target = unit(code, day)
    places = [unit(c, LEGACY) for c in HTB_COMMUNES[:3]] + [unit(c, CURRENT) for c in CURRENT_COMMUNES[:2]]
    for index, place in enumerate([*places, unit("597", LEGACY)]):  # and one at the old district's own level
        started = "2019-05-01" if place.hierarchy == Hierarchy.LEGACY else "2025-08-01"
        record_create(rt.MODELS, user=admin, unit=place, name=f"Tổ tự quản {index}", places="Thôn 1",
                      model_type="self_managed", started_on=started, teams=1, members=5)  # fmt: skip
    codes = ["traffic.patrols", "models.active", "plans.total", "models.overdue"]
    period = period_parse(year)
    with CaptureQueriesContext(connection) as alone_queries:
        children_values(user=admin, unit=target, periods=[period], codes=["models.overdue"])
    with CaptureQueriesContext(connection) as mixed_queries:
        found = children_values(user=admin, unit=target, periods=[period], codes=codes)
        rows = [(child, [value(code, 0) for code in codes]) for child, value in found]
    for child, values in rows:
        alone = evaluate(user=admin, unit=child, periods=[period], codes=codes)
        assert values == [alone.value(code, 0) for code in codes], child.code
    assert sum(values[1] for _, values in rows) == (3 if year == "2020" else 5)  # the old communes' models go on
    assert bool(sum(values[3] or 0 for _, values in rows)) == (year == "2020")  # 2019's models, never inspected
    # The counts and states cost a few queries for all the children together, not one per child.
    assert len(mixed_queries) - len(alone_queries) < len(rows) // 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="reads run side by side on PostgreSQL only")
@pytest.mark.parametrize("parent", [("68", CURRENT), ("597", LEGACY), None])
def test_reads_side_by_side_give_the_figures_in_turn(loaded_units, settings, admin, unit, records, patrols, parent):
    """Committed records (a transactional test), so the lanes' own connections see them: every indicator, for a
    year and the year before on both sides of the reorganisation, the same whichever way the reads ran."""
    target = unit(*parent) if parent else None
    periods = [period_parse("2020"), period_parse("2019"), period_parse("2025"), period_parse("2025-Q3")]
    codes = list(indicators())
    figures = {}
    for lanes in (1, 3):
        settings.ANTOAN_QUERY_LANES = lanes
        with CaptureQueriesContext(connection) as on_this_connection:
            evaluation = evaluate(user=admin, unit=target, periods=periods, codes=codes)
        figures[lanes] = (evaluation.values, len(on_this_connection))
    assert figures[3][0] == figures[1][0]
    assert sum(1 for value in figures[1][0].values() if value) > 20  # the records are in the figures
    assert figures[3][1] < figures[1][1]  # the other lanes ran some of the reads on their own connections
