"""Special windows (đợt đặc biệt): who may write them, how they are judged, who sees them, how they become
periods ("w:<slug>"), and their pages."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver, include, path, reverse

from antoan.accounts.models import Role, User
from antoan.core.errors import DomainError, Forbidden, NotFound
from antoan.indicators import window_views
from antoan.indicators.models import SpecialWindow
from antoan.indicators.periods import period_option_groups, period_options, period_parse
from antoan.indicators.window_services import special_window_create, special_window_delete, special_window_update
from antoan.indicators.windows import special_window_can_write, special_window_list
from antoan.site import urls as project_urls

pytestmark = pytest.mark.django_db

# The pages are tested through the project's URLs, with the windows' pages under "chi-tieu/" if the project
# does not include them yet.
urlpatterns = list(project_urls.urlpatterns)
if "indicators" not in get_resolver(project_urls).namespace_dict:
    urlpatterns.append(path("chi-tieu/", include((window_views.urlpatterns, "indicators"))))

CONGRESS = {
    "slug": "dai-hoi-dang-bo-tinh-xv",
    "name": "Đại hội Đảng bộ tỉnh lần thứ XV",
    "start": date(2020, 10, 1),
    "end": date(2020, 10, 20),
}


@pytest.fixture
def lam_dong(unit):
    return unit("68")


@pytest.fixture
def ham_thuan(unit):
    return unit("23059")


@pytest.fixture
def ha_noi(unit):
    return unit("01")


@pytest.fixture
def province_leader(make_user, lam_dong):
    return make_user(Role.LEADER, lam_dong)


@pytest.fixture
def commune_leader(make_user, ham_thuan):
    return make_user(Role.LEADER, ham_thuan)


@pytest.fixture
def officer(make_user, lam_dong):
    return make_user(Role.OFFICER, lam_dong)


@pytest.fixture
def admin(make_user, ha_noi):
    return make_user(Role.ADMIN, ha_noi)


def a_window(user, unit, **overrides):
    return special_window_create(user=user, **{**CONGRESS, "unit": unit, **overrides})


def _refused(call, field, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call(**kwargs)
    assert field in caught.value.errors, caught.value.errors
    message = caught.value.errors[field]
    assert message.vi and message.en and message.vi != message.en
    return caught.value


# Writing -------------------------------------------------------------------------------------------------


def test_provincial_leader_creates_a_window_of_the_province_audited_in_their_name(province_leader, lam_dong):
    window = a_window(province_leader, lam_dong, note="Cao điểm bảo vệ")
    window.refresh_from_db()
    assert (window.slug, window.unit, window.start, window.end) == (
        "dai-hoi-dang-bo-tinh-xv",
        lam_dong,
        date(2020, 10, 1),
        date(2020, 10, 20),
    )
    assert window.created_by == province_leader and window.updated_by == province_leader
    [entry] = window.history.all()
    assert (entry.history_type, entry.history_user) == ("+", province_leader)


def test_commune_leader_creates_a_window_of_the_commune_only(commune_leader, ham_thuan, lam_dong):
    assert a_window(commune_leader, ham_thuan).unit == ham_thuan
    with pytest.raises(NotFound):  # the province is not in the commune leader's scope
        a_window(commune_leader, lam_dong, slug="tinh")


def test_provincial_leader_may_write_a_window_of_a_commune_in_the_province(province_leader, ham_thuan):
    assert a_window(province_leader, ham_thuan, slug="bau-cu-xa").unit == ham_thuan


def test_officer_cannot_create_a_window_even_for_their_own_unit(officer, lam_dong):
    error = _refused(a_window, "__all__", user=officer, unit=lam_dong)
    assert isinstance(error, Forbidden)
    assert not SpecialWindow.objects.exists()


def test_leader_cannot_create_a_window_for_another_province(province_leader, ha_noi):
    with pytest.raises(NotFound):
        a_window(province_leader, ha_noi)
    assert not SpecialWindow.objects.exists()


def test_a_national_window_needs_an_administrator(province_leader, admin, make_user):
    error = _refused(a_window, "unit", user=province_leader, unit=None)
    assert isinstance(error, Forbidden)
    national = a_window(admin, None, slug="quoc-khanh-2020", name="Cao điểm Quốc khánh 2/9")
    assert national.unit is None
    superuser = User.objects.create(username="root", is_superuser=True)
    assert a_window(superuser, None, slug="bau-cu-2021").unit is None


def test_a_stranger_without_membership_cannot_write(make_user, lam_dong):
    with pytest.raises(NotFound):
        a_window(make_user(), lam_dong)


@pytest.mark.parametrize("slug", ["Đại hội", "dai hoi", "-dai-hoi", "dai_hoi", "w:dai-hoi", "x" * 41])
def test_the_slug_must_be_short_lower_case_ascii(province_leader, lam_dong, slug):
    _refused(a_window, "slug", user=province_leader, unit=lam_dong, slug=slug)


def test_the_slug_is_taken_once_and_read_in_lower_case(province_leader, lam_dong):
    assert a_window(province_leader, lam_dong, slug=" Dai-Hoi-XV ").slug == "dai-hoi-xv"
    error = _refused(a_window, "slug", user=province_leader, unit=lam_dong, slug="dai-hoi-xv")
    assert "dai-hoi-xv" in error.errors["slug"].vi


def test_the_window_is_judged_field_by_field_all_at_once(province_leader, lam_dong):
    error = _refused(a_window, "name", user=province_leader, unit=lam_dong, name="  ", slug="", start="31/02/2020")
    assert set(error.errors) == {"name", "slug", "start"}


def test_the_window_ends_on_or_after_its_start(province_leader, lam_dong):
    _refused(a_window, "end", user=province_leader, unit=lam_dong, start="20/10/2020", end="2020-10-01")
    one_day = a_window(province_leader, lam_dong, start="2020-10-01", end="01/10/2020")
    assert one_day.start == one_day.end == date(2020, 10, 1)


def test_a_window_lasts_at_most_366_days(province_leader, lam_dong):
    error = _refused(a_window, "end", user=province_leader, unit=lam_dong, start="2020-01-01", end="2021-01-01")
    assert "367" in error.errors["end"].en
    assert a_window(province_leader, lam_dong, start="2020-01-01", end="2020-12-31").end == date(2020, 12, 31)


def test_dates_outside_the_years_periods_cover_are_refused(province_leader, lam_dong):
    _refused(a_window, "start", user=province_leader, unit=lam_dong, start="1974-12-31", end="1975-01-02")


def test_required_fields_and_unknown_fields(province_leader, lam_dong):
    error = _refused(special_window_create, "end", user=province_leader, unit=lam_dong, slug="a", name="A")
    assert set(error.errors) == {"start", "end"}
    _refused(a_window, "colour", user=province_leader, unit=lam_dong, colour="red")
    _refused(a_window, "unit", user=province_leader, unit="999999999")


def test_leader_updates_a_window_audited_and_nothing_changed_writes_nothing(province_leader, commune_leader, lam_dong):
    window = a_window(province_leader, lam_dong)
    special_window_update(user=province_leader, window=window, name="Đại hội Đảng bộ tỉnh Lâm Đồng lần thứ XV")
    window.refresh_from_db()
    assert window.name == "Đại hội Đảng bộ tỉnh Lâm Đồng lần thứ XV"
    assert [(h.history_type, h.history_user) for h in window.history.order_by("history_id")] == [
        ("+", province_leader),
        ("~", province_leader),
    ]
    special_window_update(user=province_leader, window=window, name=window.name, end="20/10/2020")
    assert window.history.count() == 2


def test_update_is_judged_like_create_and_needs_the_right_on_both_units(
    province_leader, officer, lam_dong, ha_noi, admin
):
    window = a_window(province_leader, lam_dong)
    _refused(special_window_update, "end", user=province_leader, window=window, end="2020-09-01")
    with pytest.raises(Forbidden):
        special_window_update(user=officer, window=window, name="Sửa")
    with pytest.raises(NotFound):  # moved to a province outside the leader's scope
        special_window_update(user=province_leader, window=window, unit=ha_noi)
    with pytest.raises(Forbidden):  # made national: only an administrator
        special_window_update(user=province_leader, window=window, unit=None)
    special_window_update(user=admin, window=window, unit=None)
    window.refresh_from_db()
    assert window.unit is None and window.updated_by == admin
    with pytest.raises(Forbidden):  # now national: the provincial leader may no longer change it
        special_window_update(user=province_leader, window=window, name="Sửa")


def test_delete_needs_the_right_and_is_audited(province_leader, officer, lam_dong):
    window = a_window(province_leader, lam_dong)
    pk = window.pk
    with pytest.raises(Forbidden):
        special_window_delete(user=officer, window=window)
    special_window_delete(user=province_leader, window=window)
    assert not SpecialWindow.objects.filter(pk=pk).exists()
    last = SpecialWindow.history.filter(id=pk).order_by("-history_id").first()
    assert (last.history_type, last.history_user) == ("-", province_leader)


def test_can_write_tells_the_pages_what_to_offer(province_leader, officer, admin, lam_dong):
    window = a_window(province_leader, lam_dong)
    national = a_window(admin, None, slug="quoc-khanh")
    assert special_window_can_write(user=province_leader, window=window)
    assert not special_window_can_write(user=province_leader, window=national)
    assert not special_window_can_write(user=officer, window=window)
    assert special_window_can_write(user=admin, window=window)


# Reading and periods ----------------------------------------------------------------------------------------


@pytest.fixture
def windows(admin, lam_dong, ham_thuan, ha_noi):
    return {
        "national": a_window(
            admin, None, slug="quoc-khanh", name="Cao điểm Quốc khánh", start="2020-08-25", end="2020-09-05"
        ),
        "province": a_window(admin, lam_dong, slug="dai-hoi-lam-dong"),
        "commune": a_window(admin, ham_thuan, slug="bau-cu-ham-thuan", start="2021-05-20", end="2021-05-25"),
        "other": a_window(admin, ha_noi, slug="dai-hoi-ha-noi"),
    }


def _slugs(queryset) -> set[str]:
    return set(queryset.values_list("slug", flat=True))


def test_each_user_sees_the_national_windows_and_those_of_their_units(
    windows, province_leader, commune_leader, officer, admin, make_user
):
    assert _slugs(special_window_list(user=admin)) == {w.slug for w in windows.values()}
    assert _slugs(special_window_list(user=province_leader)) == {"quoc-khanh", "dai-hoi-lam-dong", "bau-cu-ham-thuan"}
    assert _slugs(special_window_list(user=officer)) == {"quoc-khanh", "dai-hoi-lam-dong", "bau-cu-ham-thuan"}
    assert _slugs(special_window_list(user=commune_leader)) == {"quoc-khanh", "bau-cu-ham-thuan"}
    assert _slugs(special_window_list(user=make_user())) == {"quoc-khanh"}


def test_a_window_is_a_period_named_w_slug(windows):
    period = period_parse("w:dai-hoi-lam-dong")
    assert (period.kind, period.code, period.start, period.end) == (
        "window",
        "w:dai-hoi-lam-dong",
        date(2020, 10, 1),
        date(2020, 10, 20),
    )
    assert period.label_vi == "Đại hội Đảng bộ tỉnh lần thứ XV (01/10/2020 – 20/10/2020)"
    assert period_parse(period.code) == period
    assert period_parse("W:Dai-Hoi-Lam-Dong") == period
    before = period.previous()
    assert (before.kind, before.start, before.end) == ("range", date(2019, 10, 1), date(2019, 10, 20))


def test_a_window_the_user_cannot_see_is_not_found(windows, commune_leader, province_leader):
    assert period_parse("w:bau-cu-ham-thuan", user=commune_leader).kind == "window"
    assert period_parse("w:quoc-khanh", user=commune_leader).kind == "window"
    for user in (commune_leader, province_leader):
        with pytest.raises(NotFound) as caught:
            period_parse("w:dai-hoi-ha-noi", user=user)
        assert "period" in caught.value.errors
    missing = _refused(period_parse, "period", code="w:khong-co")
    assert isinstance(missing, NotFound)
    assert "khong-co" in missing.errors["period"].vi and "khong-co" in missing.errors["period"].en


def test_period_options_add_the_windows_of_the_year_the_user_may_see(windows, commune_leader):
    codes = [p.code for p in period_options(2020)]
    assert codes[-3:] == ["w:quoc-khanh", "w:dai-hoi-ha-noi", "w:dai-hoi-lam-dong"]  # by start, then code
    assert "w:bau-cu-ham-thuan" not in codes
    assert [p.code for p in period_options(2020, user=commune_leader)][-1] == "w:quoc-khanh"
    assert [p.code for p in period_options(2021, user=commune_leader)][-1] == "w:bau-cu-ham-thuan"


def test_a_window_crossing_new_year_is_offered_in_both_years(admin):
    a_window(admin, None, slug="tet-2021", start="2020-12-20", end="2021-01-10")
    assert "w:tet-2021" in [p.code for p in period_options(2020)]
    assert "w:tet-2021" in [p.code for p in period_options(2021)]
    assert [m.code for m in period_parse("w:tet-2021").months()] == ["2020-12", "2021-01"]


def test_the_pickers_groups_are_each_years_options_read_in_one_query(windows, commune_leader, admin):
    a_window(admin, None, slug="tet-2021", start="2020-12-20", end="2021-01-10")
    with CaptureQueriesContext(connection) as queries:
        groups = period_option_groups(2020, user=commune_leader)
    assert [year for year, _ in groups] == ["2021", "2020", "2019"]
    for year, options in groups:
        assert [p.code for p in options] == [p.code for p in period_options(int(year), user=commune_leader)]
    assert len([q for q in queries if "indicators_specialwindow" in q["sql"]]) == 1


def test_the_pickers_offer_no_year_after_this_one(today):
    assert [year for year, _ in period_option_groups(today.year)] == [str(today.year), str(today.year - 1)]
    assert [year for year, _ in period_option_groups(today.year - 1)][0] == str(today.year)


# Pages ------------------------------------------------------------------------------------------------------


@pytest.mark.urls(__name__)
def test_every_page_needs_a_login(client, province_leader, lam_dong):
    window = a_window(province_leader, lam_dong)
    for name, args in (("window_list", []), ("window_create", []), ("window_edit", [window.pk]),
                       ("window_delete", [window.pk])):  # fmt: skip
        url = reverse(f"indicators:{name}", args=args)
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302 and response.url.startswith(reverse("login")), (name, response)
    assert SpecialWindow.objects.filter(pk=window.pk).exists()


@pytest.mark.urls(__name__)
def test_leader_creates_edits_and_deletes_a_window_through_the_pages(client, province_leader, lam_dong, login_verified):
    login_verified(client, province_leader)
    listing = client.get(reverse("indicators:window_list"))
    assert listing.status_code == 200
    form = client.get(reverse("indicators:window_create"))
    assert form.status_code == 200 and lam_dong.name in form.content.decode()
    response = client.post(
        reverse("indicators:window_create"),
        {"slug": "dai-hoi-xv", "name": "Đại hội Đảng bộ tỉnh lần thứ XV", "start": "2020-10-01", "end": "2020-10-20",
         "unit": str(lam_dong.pk), "note": ""},
    )  # fmt: skip
    assert response.status_code == 302 and response.url == reverse("indicators:window_list")
    window = SpecialWindow.objects.get(slug="dai-hoi-xv")
    assert window.unit == lam_dong and window.history.get().history_user == province_leader
    page = client.get(reverse("indicators:window_list")).content.decode()
    assert "w:dai-hoi-xv" in page and "Đại hội Đảng bộ tỉnh lần thứ XV" in page

    edit_url = reverse("indicators:window_edit", args=[window.pk])
    assert client.get(edit_url).status_code == 200
    data = {"slug": "dai-hoi-xv", "name": "Đại hội XV", "start": "2020-10-01", "end": "2020-10-21",
            "unit": str(lam_dong.pk), "note": "Kéo dài một ngày"}  # fmt: skip
    assert client.post(edit_url, data).status_code == 302
    window.refresh_from_db()
    assert (window.name, window.end) == ("Đại hội XV", date(2020, 10, 21))

    delete_url = reverse("indicators:window_delete", args=[window.pk])
    assert client.get(delete_url).status_code == 200
    assert client.post(delete_url).status_code == 302
    assert not SpecialWindow.objects.exists()


@pytest.mark.urls(__name__)
def test_the_form_shows_the_service_errors_in_both_languages(client, province_leader, lam_dong, login_verified):
    login_verified(client, province_leader)
    response = client.post(
        reverse("indicators:window_create"),
        {"slug": "Đại hội", "name": "", "start": "2020-10-20", "end": "2020-10-01", "unit": str(lam_dong.pk)},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Bắt buộc nhập / Required" in page
    assert "chỉ được gồm chữ thường" in page and "lower-case letters" in page
    assert not SpecialWindow.objects.exists()
    national = client.post(
        reverse("indicators:window_create"),
        {"slug": "quoc-khanh", "name": "Quốc khánh", "start": "2020-09-01", "end": "2020-09-03", "unit": ""},
    )
    assert national.status_code == 200 and "Only an administrator" in national.content.decode()


@pytest.mark.urls(__name__)
def test_officer_gets_no_write_pages_and_nobody_reaches_a_window_out_of_scope(
    client, officer, province_leader, lam_dong, admin, ha_noi, login_verified
):
    window = a_window(province_leader, lam_dong)
    other = a_window(admin, ha_noi, slug="ha-noi")
    client.force_login(officer)
    assert client.get(reverse("indicators:window_list")).status_code == 200
    assert client.get(reverse("indicators:window_create")).status_code == 403
    assert client.get(reverse("indicators:window_edit", args=[window.pk])).status_code == 403
    assert client.post(reverse("indicators:window_delete", args=[window.pk])).status_code == 403
    login_verified(client, province_leader)
    assert client.get(reverse("indicators:window_edit", args=[other.pk])).status_code == 404
    assert client.post(reverse("indicators:window_delete", args=[other.pk])).status_code == 404
    assert SpecialWindow.objects.count() == 2
