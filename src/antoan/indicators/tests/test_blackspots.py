"""Black spots: the rule as data, the window, the clustering and its split of long chains. Pure Python, no database."""

import itertools
import json
import math
import re
from collections import OrderedDict
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest

from antoan.core.errors import DomainError
from antoan.indicators import blackspots
from antoan.indicators.blackspots import (
    EARTH_RADIUS_M,
    RULE_FILE,
    Accident,
    BlackSpotRule,
    _clusters,
    _haversine,
    black_spot_rule_on,
    black_spot_rules,
    find_black_spots,
    haversine_m,
    window_start,
)

# Thresholds of the tests: the project's fallback reading (>= 2 fatal or >= 3 injury accidents, 500 m, 12 months).
# Built here rather than read from the file, so that correcting the file after checking the gazette does not turn
# these tests of the clustering red.
RULE = BlackSpotRule(
    source="Thông tư 41/2024/TT-BGTVT, Điều 14",
    valid_from=date(2025, 1, 1),
    window_months=12,
    radius_m=500,
    conditions=({"fatal_accidents_min": 2}, {"injury_accidents_min": 3}),
)
END = date(2025, 12, 31)
# Quốc lộ 1 near Phan Thiết.
BASE_LAT, BASE_LON = 10.93, 108.10
M_PER_DEG_LAT = EARTH_RADIUS_M * math.pi / 180

_pk = itertools.count(1)


def at(north_m: float = 0, east_m: float = 0) -> tuple[float, float]:
    """A point so many metres north and east of the base point."""
    lat = BASE_LAT + north_m / M_PER_DEG_LAT
    lon = BASE_LON + east_m / (M_PER_DEG_LAT * math.cos(math.radians(BASE_LAT)))
    return lat, lon


def accident(where=(BASE_LAT, BASE_LON), *, on=date(2025, 6, 1), dead=0, injured=0, hour=8) -> Accident:
    when = datetime(on.year, on.month, on.day, hour) if not isinstance(on, datetime) else on
    return Accident(pk=next(_pk), latitude=where[0], longitude=where[1], occurred_at=when, dead=dead, injured=injured)


def fatal(where=(BASE_LAT, BASE_LON), **kw) -> Accident:
    return accident(where, dead=kw.pop("dead", 1), **kw)


def injury(where=(BASE_LAT, BASE_LON), **kw) -> Accident:
    return accident(where, injured=kw.pop("injured", 1), **kw)


def extent_m(spot) -> float:
    pts = np.radians([[a.latitude, a.longitude] for a in spot.accidents])
    return float(_haversine(pts, pts).max() * EARTH_RADIUS_M)


# --- distances ----------------------------------------------------------------------------------------------------


def test_haversine_distances_are_metres():
    # 0.0045° of latitude is 0.0045 × π/180 × 6,371 km ≈ 500.4 m.
    assert haversine_m(10.0, 106.0, 10.0045, 106.0) == pytest.approx(500.4, abs=0.5)
    assert haversine_m(*at(0), *at(300)) == pytest.approx(300, abs=0.01)
    assert haversine_m(*at(0), *at(0, 700)) == pytest.approx(700, abs=0.5)


def test_radius_is_applied_in_metres_at_the_boundary():
    assert len(find_black_spots([fatal(at(0)), fatal(at(490))], rule=RULE, window_end=END)) == 1
    assert len(find_black_spots([fatal(at(0)), fatal(at(510))], rule=RULE, window_end=END)) == 0


# --- the rule's conditions ----------------------------------------------------------------------------------------


def test_two_fatal_accidents_300_m_apart_in_a_year_make_one_spot():
    a, b = fatal(at(0), on=date(2025, 2, 10)), fatal(at(300), on=date(2025, 9, 3), dead=2)
    result = find_black_spots([a, b], rule=RULE, window_end=END)
    assert len(result.spots) == 1
    spot = result.spots[0]
    assert spot.accidents == (b, a)  # newest first
    assert (spot.fatal_accidents, spot.injury_accidents, spot.dead, spot.injured) == (2, 0, 3, 0)
    assert (spot.first_occurred, spot.last_occurred) == (date(2025, 2, 10), date(2025, 9, 3))
    assert spot.radius_m == pytest.approx(150, abs=1)
    assert haversine_m(spot.latitude, spot.longitude, *at(150)) < 1
    assert spot.rule_source == "Thông tư 41/2024/TT-BGTVT, Điều 14"
    assert spot.reason_vi.startswith("2 vụ có người chết trong bán kính 500 m, 12 tháng (Thông tư 41/2024/TT-BGTVT")
    assert spot.reason_en.startswith("2 fatal accidents within 500 m in 12 months (Thông tư 41/2024/TT-BGTVT")


def test_two_fatal_accidents_700_m_apart_are_no_spot():
    assert find_black_spots([fatal(at(0)), fatal(at(0, 700))], rule=RULE, window_end=END).spots == ()


def test_three_injury_accidents_within_500_m_make_a_spot():
    accidents = [injury(at(0)), injury(at(200, 100)), injury(at(-150, 250), injured=3)]
    (spot,) = find_black_spots(accidents, rule=RULE, window_end=END).spots
    assert (spot.injury_accidents, spot.injured, spot.dead) == (3, 5, 0)
    assert spot.reason_vi == (
        "3 vụ có người bị thương trong bán kính 500 m, 12 tháng "
        "(Thông tư 41/2024/TT-BGTVT, Điều 14; ngưỡng tạm, chưa đối chiếu văn bản)"
    )
    assert spot.reason_en == (
        "3 injury accidents within 500 m in 12 months "
        "(Thông tư 41/2024/TT-BGTVT, Điều 14; provisional thresholds, not yet checked against the text)"
    )


def test_two_injury_accidents_and_one_property_only_accident_are_no_spot():
    accidents = [injury(at(0)), injury(at(100)), accident(at(200))]
    assert find_black_spots(accidents, rule=RULE, window_end=END).spots == ()


def test_fatal_accident_is_counted_once_as_fatal_not_also_as_injury_accident():
    # Reading of "vụ có người bị thương": injured >= 1 and nobody dead; a crash with 1 dead and 2 injured is a fatal
    # accident. So 1 fatal + 2 injury accidents meet neither condition of the fallback rule.
    accidents = [fatal(at(0), injured=2), injury(at(100)), injury(at(200))]
    assert find_black_spots(accidents, rule=RULE, window_end=END).spots == ()


def test_combined_condition_in_the_data_is_applied():
    rule = BlackSpotRule(
        source="test",
        valid_from=date(2025, 1, 1),
        window_months=12,
        radius_m=500,
        conditions=({"fatal_accidents_min": 2}, {"fatal_accidents_min": 1, "injury_accidents_min": 2}),
    )
    (spot,) = find_black_spots([fatal(at(0)), injury(at(100)), injury(at(200))], rule=rule, window_end=END).spots
    assert spot.reason_vi.startswith("1 vụ có người chết và 2 vụ có người bị thương trong bán kính 500 m")
    assert spot.reason_en.startswith("1 fatal accident and 2 injury accidents within 500 m")


# --- the window ---------------------------------------------------------------------------------------------------


def test_window_is_calendar_months_ending_on_window_end_inclusive():
    assert window_start(date(2020, 12, 31), 12) == date(2020, 1, 1)
    assert window_start(date(2021, 3, 14), 12) == date(2020, 3, 15)
    assert window_start(date(2024, 3, 30), 1) == date(2024, 2, 29)  # 31 February does not exist
    result = find_black_spots([], rule=RULE, window_end=date(2020, 12, 31))
    assert (result.window_start, result.window_end) == (date(2020, 1, 1), date(2020, 12, 31))


def test_two_fatal_accidents_13_months_apart_are_no_spot():
    accidents = [fatal(at(0), on=date(2024, 11, 20)), fatal(at(100), on=date(2025, 12, 20))]
    assert find_black_spots(accidents, rule=RULE, window_end=END).spots == ()


def test_accidents_on_the_first_and_last_day_of_the_window_count():
    first_day, last_day = fatal(at(0), on=date(2025, 1, 1), hour=0), fatal(at(50), on=date(2025, 12, 31), hour=23)
    before = fatal(at(100), on=date(2024, 12, 31), hour=23)
    (spot,) = find_black_spots([before, first_day, last_day], rule=RULE, window_end=END).spots
    assert set(spot.accidents) == {first_day, last_day}


def test_aware_times_are_read_as_vietnam_dates():
    # 17:30 UTC on 31 Dec 2024 is 00:30 on 1 Jan 2025 in Vietnam: inside a 2025 window.
    new_year = fatal(at(0), on=datetime(2024, 12, 31, 17, 30, tzinfo=UTC))
    (spot,) = find_black_spots([new_year, fatal(at(100))], rule=RULE, window_end=END).spots
    assert spot.first_occurred == date(2025, 1, 1)


# --- clusters -----------------------------------------------------------------------------------------------------


def _components_by_haversine(coords: np.ndarray, eps: float) -> list[frozenset[int]]:
    """The reference: every pair's great-circle angle, and the connected groups of pairs within eps (union-find)."""
    parent = list(range(len(coords)))

    def root(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in zip(*np.nonzero(np.triu(_haversine(coords, coords) <= eps, k=1)), strict=True):
        parent[root(i)] = root(j)
    groups: dict[int, set[int]] = {}
    for i in range(len(coords)):
        groups.setdefault(root(i), set()).add(i)
    return sorted(frozenset(g) for g in groups.values())


@pytest.mark.parametrize("radius_m", [50, 500, 3000])
def test_clusters_are_the_groups_linked_by_great_circle_distances_within_the_radius(radius_m):
    # 1,500 accidents in a 20 km square near Hà Nội (dense enough for long chains), and a few across the country.
    rng = np.random.default_rng(radius_m)
    near = np.column_stack([rng.uniform(21.0, 21.18, 1500), rng.uniform(105.75, 105.94, 1500)])
    far = np.column_stack([rng.uniform(8.6, 23.3, 40), rng.uniform(102.2, 109.4, 40)])
    coords = np.radians(np.vstack([near, far]))
    eps = radius_m / EARTH_RADIUS_M
    labels = _clusters(coords, eps)
    found = sorted(frozenset(np.flatnonzero(labels == label).tolist()) for label in set(labels.tolist()))
    assert found == _components_by_haversine(coords, eps)
    assert 1 < len(found) < len(coords)  # neither all apart nor all one


# --- chains along a road ------------------------------------------------------------------------------------------


def test_chain_of_accidents_every_400_m_along_5_km_road_is_not_one_5_km_spot():
    road = [injury(at(400 * i), on=date(2025, 1, 1) + timedelta(days=i)) for i in range(13)]  # 0 … 4.8 km
    coords = np.radians([[a.latitude, a.longitude] for a in road])
    # What clustering alone gives: one cluster 4.8 km long, because each accident is within 500 m of the next.
    assert len(set(_clusters(coords, 500 / EARTH_RADIUS_M))) == 1

    spots = find_black_spots(road, rule=RULE, window_end=END).spots
    assert len(spots) == 4  # 3 neighbours each (0.0, 0.4, 0.8 km), (1.2 … 2.0), (2.4 … 3.2), (3.6 … 4.4); 4.8 left
    for spot in spots:
        assert spot.injury_accidents == 3
        assert extent_m(spot) == pytest.approx(800, abs=1)
        assert spot.radius_m <= RULE.radius_m
    members = [a.pk for s in spots for a in s.accidents]
    assert len(members) == len(set(members)) == 12  # no accident in two spots


def test_chain_of_fatal_accidents_splits_into_whole_discs():
    # East-west this time. A disc keeps every accident within 500 m of its centre: 3 fatal accidents, not a pair.
    road = [fatal(at(0, 400 * i), on=date(2025, 1, 1) + timedelta(days=i)) for i in range(13)]
    spots = find_black_spots(road, rule=RULE, window_end=END).spots
    assert [s.fatal_accidents for s in spots] == [3, 3, 3, 3]
    assert all(extent_m(s) <= 2 * RULE.radius_m for s in spots)


def test_split_keeps_the_worst_group_of_a_long_cluster():
    # A 3-accident hot spot at 2 km, linked to the rest by a chain of property-only crashes.
    chain = [accident(at(400 * i)) for i in range(8)]
    hot = [fatal(at(2000), dead=3), fatal(at(2100)), injury(at(1950))]
    spots = find_black_spots(chain + hot, rule=RULE, window_end=END).spots
    assert len(spots) == 1
    assert {a.pk for a in hot} <= {a.pk for a in spots[0].accidents}
    assert spots[0].dead == 4 and extent_m(spots[0]) <= 2 * RULE.radius_m


def test_a_long_cluster_is_split_again_only_when_its_accidents_change(monkeypatch):
    """The discs of a split are remembered for the same accidents (thresholds, radius): finding the spots again
    after one road changed splits that road only, and gives what splitting every road afresh gives."""
    splits = []
    split_extended = blackspots._split_extended
    monkeypatch.setattr(
        blackspots, "_split_extended", lambda *args: splits.append(len(args[0])) or split_extended(*args)
    )
    monkeypatch.setattr(blackspots, "_SPLITS", OrderedDict())
    roads = [
        injury(at(400 * i, 20_000 * r), on=date(2025, 1, 1) + timedelta(days=i)) for r in range(3) for i in range(13)
    ]
    first = find_black_spots(roads, rule=RULE, window_end=END)
    assert splits == [13, 13, 13] and len(first.spots) == 12
    assert find_black_spots(roads, rule=RULE, window_end=END) == first and len(splits) == 3

    # The new accident is the earliest of all, so every other one's position in time order moves by one.
    on_second_road = injury(at(200, 20_000), on=datetime(2025, 1, 1, 0))
    again = find_black_spots([*roads, on_second_road], rule=RULE, window_end=END)
    assert splits == [13, 13, 13, 14]
    blackspots._SPLITS.clear()
    assert find_black_spots([*roads, on_second_road], rule=RULE, window_end=END) == again != first
    assert len(splits) == 7
    assert find_black_spots(roads, rule=replace(RULE, radius_m=450), window_end=END) and len(splits) == 10


# --- overrides ----------------------------------------------------------------------------------------------------


def test_user_radius_joins_accidents_700_m_apart():
    accidents = [fatal(at(0)), fatal(at(0, 700))]
    wide = RULE.with_overrides(radius_m=800)
    (spot,) = find_black_spots(accidents, rule=wide, window_end=END).spots
    assert "trong bán kính 800 m" in spot.reason_vi and "tham số do người dùng đặt" in spot.reason_vi
    assert "within 800 m" in spot.reason_en and "user-set parameters" in spot.reason_en
    assert RULE.radius_m == 500  # the rule itself is unchanged


def test_user_window_finds_accidents_13_months_apart():
    accidents = [fatal(at(0), on=date(2024, 11, 20)), fatal(at(100), on=date(2025, 12, 20))]
    (spot,) = find_black_spots(accidents, rule=RULE.with_overrides(window_months=24), window_end=END).spots
    assert ", 24 tháng (" in spot.reason_vi


def test_user_thresholds_replace_the_single_fact_conditions():
    rule = RULE.with_overrides(min_fatal=1, min_injury=2)
    assert rule.conditions == ({"fatal_accidents_min": 1}, {"injury_accidents_min": 2})
    assert len(find_black_spots([fatal(at(0))], rule=rule, window_end=END)) == 1
    assert len(find_black_spots([injury(at(0)), injury(at(100))], rule=rule, window_end=END)) == 1
    stricter = RULE.with_overrides(min_fatal=3)
    assert find_black_spots([fatal(at(0)), fatal(at(100))], rule=stricter, window_end=END).spots == ()


def test_threshold_override_adds_a_condition_when_the_rule_has_none_alone():
    combo = {"fatal_accidents_min": 1, "injury_accidents_min": 2}
    combined = BlackSpotRule("test", date(2025, 1, 1), 12, 500, (combo,))
    assert combined.with_overrides(min_fatal=2).conditions == (
        {"fatal_accidents_min": 1, "injury_accidents_min": 2},
        {"fatal_accidents_min": 2},
    )


def test_no_override_returns_the_rule_itself():
    assert RULE.with_overrides() is RULE


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("radius_m", 0),
        ("radius_m", -10),
        ("radius_m", True),
        ("window_months", 0),
        ("window_months", 1.5),
        ("min_fatal", 0),
        ("min_injury", -1),
    ],
)
def test_bad_override_is_refused_in_both_languages(field, value):
    with pytest.raises(DomainError) as refused:
        RULE.with_overrides(**{field: value})
    message = refused.value.errors[field]
    assert message.vi and message.en


# --- the rule file ------------------------------------------------------------------------------------------------


def test_rule_file_names_its_source_and_days_for_every_version():
    data = json.loads(RULE_FILE.read_text(encoding="utf-8"))
    assert data["versions"]
    for version in data["versions"]:
        assert re.search(r"(Thông tư|Nghị định) \d+/\d{4}/[A-ZĐ-]+, Điều \d+", version["source"])
        date.fromisoformat(version["valid_from"])
        assert version["conditions"] and version["potential_conditions"]
        assert version["description_vi"] and version["description_en"]
        assert version["potential_vi"] and version["potential_en"]
        assert version["window_months"] >= 1 and version["radius_m"] > 0
        if not version["verified"]:  # what is still unread, said in both languages
            assert version["unverified_vi"] and version["unverified_en"] and "not read" in version["note"]


def test_version_in_force_on_a_day_is_picked():
    assert black_spot_rule_on(date(2020, 6, 1)).source.startswith("Thông tư 26/2012/TT-BGTVT, Điều 4")
    assert black_spot_rule_on(date(2024, 12, 31)).source.startswith("Thông tư 26/2012/TT-BGTVT, Điều 4")
    assert black_spot_rule_on(date(2024, 12, 31)).valid_to == date(2024, 12, 31)
    assert black_spot_rule_on(date(2025, 1, 1)).source == "Thông tư 41/2024/TT-BGTVT, Điều 14"
    assert black_spot_rule_on(date(2026, 3, 1)).valid_from == date(2025, 1, 1)
    assert black_spot_rule_on(date(2000, 1, 1)) == black_spot_rules()[0]  # before any version: the earliest


def test_rule_from_the_file_finds_spots_and_names_its_source():
    rule = black_spot_rule_on(END)
    accidents = [fatal(at(0)), fatal(at(100)), fatal(at(150)), injury(at(120)), injury(at(130)), injury(at(140))]
    (spot,) = find_black_spots(accidents, rule=rule, window_end=END).spots
    assert spot.rule_source == rule.source
    assert f"({rule.source}" in spot.reason_vi
    if not rule.verified:  # the app says so; the report never shows a reason (reports/tests)
        assert "ngưỡng tạm" in spot.reason_vi and "provisional" in spot.reason_en


# --- the version boundary: 31/12/2024 → 01/01/2025 --------------------------------------------------------------


def _serious_pair(year: int) -> list[Accident]:
    """Two accidents classed serious with nobody dead (property damage): a black spot under Thông tư 26/2012 as the
    press reads it ('2 vụ nghiêm trọng'), not under Thông tư 41/2024 (2 fatal accidents)."""
    return [accident(at(0), on=date(year, 3, 1))._replace(severity="serious"),
            accident(at(80), on=date(year, 9, 1))._replace(severity="very_serious")]  # fmt: skip


def test_window_ending_31_12_2024_uses_the_2012_circular_and_01_01_2025_the_2024_one():
    before, after = black_spot_rule_on(date(2024, 12, 31)), black_spot_rule_on(date(2025, 1, 1))
    assert before.source != after.source
    pair = _serious_pair(2024)
    assert len(find_black_spots(pair, rule=before, window_end=date(2024, 12, 31)).spots) == 1
    # The same two accidents, one day later, judged by the 2024 circular: nobody died or was hurt, so neither a black
    # spot nor (two accidents, no casualty) a potential one; a third accident there makes it a potential spot.
    later = find_black_spots(pair, rule=after, window_end=date(2025, 1, 1))
    assert later.spots == () and later.potential == ()
    third = accident(at(40), on=date(2024, 11, 1))
    (potential,) = find_black_spots([*pair, third], rule=after, window_end=date(2025, 1, 1)).potential
    assert potential.potential and potential.rule_source == after.source and potential.accident_count == 3


def test_three_accidents_with_one_fatal_make_a_black_spot_two_injury_accidents_a_potential_one():
    rule = black_spot_rule_on(END)
    three = [fatal(at(0)), accident(at(50)), accident(at(90))]
    (spot,) = find_black_spots(three, rule=rule, window_end=END).spots
    assert spot.accident_count == 3 and spot.fatal_accidents == 1
    result = find_black_spots([injury(at(0)), injury(at(60))], rule=rule, window_end=END)
    assert result.spots == () and len(result.potential) == 1
    four = find_black_spots([injury(at(i * 40)) for i in range(4)], rule=rule, window_end=END)
    assert len(four.spots) == 1 and four.potential == ()  # an accident is in one tier only


def test_potential_spots_are_found_among_accidents_in_no_black_spot():
    rule = black_spot_rule_on(END)
    far = 5_000
    accidents = [fatal(at(0)), fatal(at(40)), fatal(at(far)), injury(at(far + 30))]
    result = find_black_spots(accidents, rule=rule, window_end=END)
    assert [s.accident_count for s in result.spots] == [2]
    assert [s.accident_count for s in result.potential] == [2]
    assert not {a.pk for a in result.spots[0].accidents} & {a.pk for a in result.potential[0].accidents}


def test_accidents_the_road_did_not_cause_do_not_count_from_2025_unknown_does():
    rule = black_spot_rule_on(END)
    assert rule.exclude_not_road_caused
    not_road = [fatal(at(0))._replace(road_cause=False), fatal(at(50))._replace(road_cause=False)]
    result = find_black_spots(not_road, rule=rule, window_end=END)
    assert result.spots == () and result.potential == () and result.not_road_caused == 2
    unknown = [fatal(at(0))._replace(road_cause=None), fatal(at(50))._replace(road_cause=True)]
    assert len(find_black_spots(unknown, rule=rule, window_end=END).spots) == 1
    # Before 2025 the rule read here says nothing of the road's part: the same accidents count.
    old = [a._replace(occurred_at=a.occurred_at.replace(year=2024)) for a in not_road]
    earlier = find_black_spots(old, rule=black_spot_rule_on(date(2024, 12, 31)), window_end=date(2024, 12, 31))
    assert len(earlier.spots) == 1 and earlier.not_road_caused == 0


# --- data quality, order, scale -----------------------------------------------------------------------------------


def test_accidents_without_coordinates_are_counted_not_crashed_on():
    no_lat = Accident(pk=901, latitude=None, longitude=BASE_LON, occurred_at=datetime(2025, 5, 1), dead=1)
    no_lon = Accident(pk=902, latitude=BASE_LAT, longitude=None, occurred_at=datetime(2025, 5, 2), dead=1)
    nan = Accident(pk=903, latitude=float("nan"), longitude=float("nan"), occurred_at=datetime(2025, 5, 3), dead=1)
    old = Accident(pk=904, latitude=None, longitude=None, occurred_at=datetime(2023, 5, 3), dead=1)  # outside
    result = find_black_spots([no_lat, no_lon, nan, old, fatal(at(0)), fatal(at(10))], rule=RULE, window_end=END)
    assert result.without_coordinates == 3
    assert result.considered == 2
    assert len(result.spots) == 1


def test_only_accidents_without_coordinates_give_no_spot():
    nothing = Accident(pk=905, latitude=None, longitude=None, occurred_at=datetime(2025, 5, 1), dead=1)
    result = find_black_spots([nothing, nothing], rule=RULE, window_end=END)
    assert (result.spots, result.without_coordinates, result.considered) == ((), 2, 0)


def test_spots_are_sorted_by_dead_then_accident_count():
    few_dead = [fatal(at(0)), fatal(at(50)), injury(at(60)), injury(at(70))]  # 2 dead, 4 accidents
    many_dead = [fatal(at(5000), dead=3), fatal(at(5050))]  # 4 dead
    same_dead_fewer = [fatal(at(10000)), fatal(at(10050))]  # 2 dead, 2 accidents
    spots = find_black_spots(few_dead + many_dead + same_dead_fewer, rule=RULE, window_end=END).spots
    assert [(s.dead, s.accident_count) for s in spots] == [(4, 2), (2, 4), (2, 2)]


def test_20000_random_accidents_over_vietnam_are_clustered():
    rng = np.random.default_rng(2025)
    n = 20_000
    lat, lon = rng.uniform(8.6, 23.3, n), rng.uniform(102.2, 109.4, n)
    dead, injured = rng.choice([0, 0, 0, 1, 2], n), rng.choice([0, 1, 2], n)
    days = rng.integers(0, 365, n)
    accidents = [
        Accident(i, float(lat[i]), float(lon[i]), datetime(2025, 1, 1) + timedelta(days=int(days[i])), int(dead[i]))
        if i % 7
        else Accident(i, float(lat[i]), float(lon[i]), datetime(2025, 1, 1), 0, int(injured[i]))
        for i in range(n)
    ]
    result = find_black_spots(accidents, rule=RULE, window_end=END)
    assert result.considered == n and result.without_coordinates == 0
    for spot in result.spots:
        assert extent_m(spot) <= 2 * RULE.radius_m + 1e-6
