"""A black spot is named by its road and its commune, as of the period — not by its coordinates (#21, item 4)."""

from datetime import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from antoan.incidents.models import Incident
from antoan.incidents.services import incident_create, incident_update
from antoan.indicators.periods import period_parse
from antoan.indicators.selectors import black_spot_list

pytestmark = pytest.mark.django_db
# Quốc lộ 28 through Ma Lâm; three fatal accidents within 500 m are a black spot under every version of the rule.
LAT, LON = 11.0600, 108.1200


def local(*args) -> datetime:
    return timezone.make_aware(datetime(*args))


@pytest.fixture
def admin(make_user):
    user = make_user()
    user.is_superuser = True
    user.save()
    return user


def accidents(user, units_and_fields, *, year=2026, north=0.0):
    """Fatal accidents 100 m apart, a month apart from February (one spot when three of them), each with its unit and
    fields."""
    made = []
    for n, (unit, fields) in enumerate(units_and_fields):
        made.append(
            incident_create(user=user, unit=unit, kind="traffic", occurred_at=local(year, 2 + n, 3, 18, 30),
                            summary=f"Tai nạn {n}", dead=1, injured=0, latitude=LAT + north + n * 0.0009,
                            longitude=LON, **fields)  # fmt: skip
        )
    return made


def test_a_spot_is_named_by_its_most_common_road_and_its_commune(admin, unit):
    ham_thuan = unit("23059")
    accidents(admin, [(ham_thuan, {"road_name": "Quốc lộ 28"}), (ham_thuan, {"road_name": "ĐT 711"}),
                      (ham_thuan, {"road_name": " Quốc lộ  28 "})])  # fmt: skip
    [spot] = black_spot_list(user=admin, unit=ham_thuan, period=period_parse("2026")).spots
    assert (spot.road, spot.commune) == ("Quốc lộ 28", "Xã Hàm Thuận")
    assert spot.place_vi == "Quốc lộ 28, xã Hàm Thuận"
    assert spot.place_en == "Quốc lộ 28, Hàm Thuận commune"


def test_ties_go_to_the_road_and_the_commune_first_by_name(admin, unit):
    """Two accidents on each of two roads, in each of two communes: "Quốc lộ 1A" before "Quốc lộ 28", "Xã Hàm Thuận"
    before "Xã Hồng Sơn" — whatever order the accidents came in."""
    ham_thuan, hong_son = unit("23059"), unit("23086")
    accidents(admin, [(hong_son, {"road_name": "Quốc lộ 28"}), (hong_son, {"road_name": "Quốc lộ 1A"}),
                      (ham_thuan, {"road_name": "Quốc lộ 28"}), (ham_thuan, {"road_name": "Quốc lộ 1A"})])  # fmt: skip
    [spot] = black_spot_list(user=admin, unit=unit("68"), period=period_parse("2026")).spots
    assert spot.place_vi == "Quốc lộ 1A, xã Hàm Thuận"
    assert spot.place_en == "Quốc lộ 1A, Hàm Thuận commune"


def test_the_commune_holding_most_accidents_wins_over_the_first_by_name(admin, unit):
    ham_thuan, hong_son = unit("23059"), unit("23086")
    accidents(admin, [(ham_thuan, {"road_name": "Quốc lộ 28"}), (hong_son, {"road_name": "Quốc lộ 28"}),
                      (hong_son, {"road_name": "Quốc lộ 28"})])  # fmt: skip
    [spot] = black_spot_list(user=admin, unit=unit("68"), period=period_parse("2026")).spots
    assert (spot.commune, spot.place_vi) == ("Xã Hồng Sơn", "Quốc lộ 28, xã Hồng Sơn")


def test_a_spot_whose_accidents_have_no_road_is_named_by_their_most_common_address(admin, unit):
    ham_thuan = unit("23059")
    accidents(admin, [(ham_thuan, {"address": "Ngã ba Ma Lâm"}), (ham_thuan, {"address": "Thôn 2"}),
                      (ham_thuan, {"address": "Ngã ba Ma Lâm"})])  # fmt: skip
    # An address that already names the commune is not followed by it again.
    accidents(admin, [(ham_thuan, {"address": "Thôn 5, xã Hàm Thuận"})] * 3, north=0.05)
    spots = black_spot_list(user=admin, unit=ham_thuan, period=period_parse("2026")).spots
    assert sorted((s.road, s.place_vi, s.place_en) for s in spots) == [
        ("Ngã ba Ma Lâm", "Ngã ba Ma Lâm, xã Hàm Thuận", "Ngã ba Ma Lâm, Hàm Thuận commune"),
        ("Thôn 5, xã Hàm Thuận", "Thôn 5, xã Hàm Thuận", "Thôn 5, xã Hàm Thuận"),
    ]


def test_one_road_outweighs_any_number_of_addresses(admin, unit):
    ham_thuan = unit("23059")
    accidents(admin, [(ham_thuan, {"address": "Thôn 2"}), (ham_thuan, {"address": "Thôn 2"}),
                      (ham_thuan, {"road_name": "ĐT 711", "address": "Thôn 3"})])  # fmt: skip
    [spot] = black_spot_list(user=admin, unit=ham_thuan, period=period_parse("2026")).spots
    assert spot.place_vi == "ĐT 711, xã Hàm Thuận"


def test_a_spot_is_named_with_the_communes_of_its_period_across_the_reorganisation(admin, unit):
    """Accidents in Thị trấn Ma Lâm: named after it in a 2020 report, even one asked for today's Xã Hàm Thuận; the
    accidents of February–April 2025 named after it in a report of the first half of 2025, and after the commune it
    became in a report of the year 2025, which ends after 1/7/2025."""
    ma_lam = unit("23059", period_parse("2020").start)
    accidents(admin, [(ma_lam, {"road_name": "Quốc lộ 28"})] * 3, year=2020)
    for asked in (unit("597", ma_lam.valid_to), unit("23059")):
        [spot] = black_spot_list(user=admin, unit=asked, period=period_parse("2020")).spots
        assert (spot.commune, spot.place_vi) == ("Thị trấn Ma Lâm", "Quốc lộ 28, thị trấn Ma Lâm"), asked
        assert spot.place_en == "Quốc lộ 28, Ma Lâm town"
    accidents(admin, [(ma_lam, {"road_name": "Quốc lộ 28"})] * 3, year=2025)
    [first_half] = black_spot_list(user=admin, unit=ma_lam, period=period_parse("2025-H1")).spots
    assert first_half.place_vi == "Quốc lộ 28, thị trấn Ma Lâm"
    [year] = black_spot_list(user=admin, unit=unit("23059"), period=period_parse("2025")).spots
    assert (year.commune, year.place_vi) == ("Xã Hàm Thuận", "Quốc lộ 28, xã Hàm Thuận")


def test_a_spot_with_neither_road_nor_commune_of_its_period_is_named_by_its_coordinates(admin, unit):
    """Accidents of an old commune the succession data gives no successor (attribute_communes leaves the current
    commune empty), with no road or address: in a 2025 report, nothing but their place on the map names them."""
    ma_lam = unit("23059", period_parse("2020").start)
    made = accidents(admin, [(ma_lam, {})] * 3, year=2025)
    Incident.objects.filter(pk__in=[i.pk for i in made]).update(current_commune=None)
    [spot] = black_spot_list(user=admin, unit=ma_lam, period=period_parse("2025")).spots
    assert (spot.road, spot.commune) == ("", "")
    where = f"{spot.latitude:.5f}, {spot.longitude:.5f}"
    assert (spot.place_vi, spot.place_en) == (f"tọa độ {where}", f"coordinates {where}")
    # Before the reorganisation the old commune holds them: named alone, by its full name.
    [before] = black_spot_list(user=admin, unit=ma_lam, period=period_parse("2025-H1")).spots
    assert (before.place_vi, before.place_en) == ("Thị trấn Ma Lâm", "Ma Lâm town")


def test_a_corrected_road_renames_the_spot_although_the_spots_are_kept(admin, unit):
    ham_thuan = unit("23059")
    made = accidents(admin, [(ham_thuan, {"road_name": "QL28"})] * 3)
    period = period_parse("2026")
    assert black_spot_list(user=admin, unit=ham_thuan, period=period).spots[0].road == "QL28"
    for incident in made[:2]:
        incident_update(user=admin, incident=incident, road_name="Quốc lộ 28")
    assert black_spot_list(user=admin, unit=ham_thuan, period=period).spots[0].road == "Quốc lộ 28"


def test_the_places_of_every_spot_are_read_with_two_queries(admin, unit):
    ham_thuan = unit("23059")
    for n in range(4):  # four spots, 5 km apart
        accidents(admin, [(ham_thuan, {"road_name": f"Đường số {n}"})] * 3, north=0.045 * n)
    with CaptureQueriesContext(connection) as queries:
        spots = black_spot_list(user=admin, unit=ham_thuan, period=period_parse("2026")).spots
    assert sorted(s.road for s in spots) == [f"Đường số {n}" for n in range(4)]
    places = [q["sql"] for q in queries.captured_queries if "road_name" in q["sql"] or '"short_name"' in q["sql"]]
    assert len(places) == 2, places  # the accidents' roads and communes, then the communes' names: not per spot
    assert "ORDER BY" not in places[0]
