"""The one clock (antoan.core.clock): the day is the day in Asia/Ho_Chi_Minh, whatever the machine's zone. These
tests take `today`, so CI runs them again at each pinned moment (Makefile CLOCK_MOMENTS), among them 00:30 on New
Year's Day, when UTC is still on the last day of the old year."""

from zoneinfo import ZoneInfo

from antoan.core import clock


def test_today_is_the_date_in_ho_chi_minh_not_in_utc(today):
    assert today == clock.now().astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).date()
    assert clock.local_now().date() == today
    assert clock.local_now().utcoffset().total_seconds() == 7 * 3600


def test_the_timestamp_and_the_moment_are_the_same_clock(today):
    assert abs(clock.timestamp() - clock.now().timestamp()) < 5
