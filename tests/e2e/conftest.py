"""Browser tests: Playwright's sync API drives Debian's headless Chromium against pytest-django's live_server.

The browser is Debian's package (`apt-get install chromium`), not one downloaded by `playwright install`:
the machines this runs on cannot download browsers. A missing browser fails the run, it never skips it.

live_server makes every test transactional: the test's writes are committed so the server thread sees
them, and the database is flushed afterwards — the official units the root conftest loaded once per
session go with it. The units these tests need are therefore put back before each test (see
`home_units`), which takes milliseconds instead of the ~10 s of a full `units_load`.
"""

import tempfile
from datetime import date
from pathlib import Path

import pytest

from antoan.core.tests.run import RUN_ID

CHROMIUM = Path("/usr/bin/chromium")
# Screenshots of a run, for a person to look at: in a folder of the run's own (#29), never a shared fixed path.
SCREENSHOTS = Path(tempfile.gettempdir()) / f"e2e-{RUN_ID}"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HOME_UNIT_CODE = "23059"  # Xã Hàm Thuận since 01/07/2025 (Thị trấn Ma Lâm before)
HOME_UNIT_DAY = date(2026, 1, 1)
PASSWORD = "Kiem-tra@2026x"


@pytest.fixture(scope="module", autouse=True)
def _allow_orm_beside_playwright():
    """Playwright's sync API runs an asyncio event loop in this thread, so Django would refuse the ORM
    calls of the tests and of the flush after each one ("You cannot call this from an async context").

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true" for the browser tests only, not at import: set
    process-wide it leaks into the rest of the session (`check --deploy`, run as a subprocess by the
    accounts tests, then fails with async.E001). Module scope, so it outlives each test's flush.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's Chromium — run `apt-get install chromium`",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    # An English browser on purpose: antoan must stay Vietnamese until the user picks English.
    context = browser.new_context(base_url=live_server.url, locale="en-US", viewport={"width": 1280, "height": 800})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def _home_unit_rows(django_db_setup, django_db_blocker):
    """The rows of the home unit, its ancestors and its children, read once while they are still there."""
    from antoan.units.models import Unit
    from antoan.units.selectors import unit_for_code
    from antoan.units.services import units_load

    with django_db_blocker.unblock():
        if not Unit.objects.filter(code=HOME_UNIT_CODE).exists():
            units_load(actor=None)  # an earlier transactional test flushed them
        unit = unit_for_code(code=HOME_UNIT_CODE, day=HOME_UNIT_DAY)
        wanted = {unit.pk, *(a.pk for a in unit.ancestors())}
        wanted.update(Unit.objects.filter(parent=unit).values_list("pk", flat=True))
        if unit.commune_id:
            wanted.add(unit.commune_id)
        return sorted(Unit.objects.filter(pk__in=wanted), key=lambda u: u.path.count("."))


@pytest.fixture
def home_units(_home_unit_rows, transactional_db):
    """Make sure the home unit (and its ancestors and children) exist; the flush after an earlier test removed them."""
    from antoan.units.models import Unit

    present = set(Unit.objects.filter(pk__in=[u.pk for u in _home_unit_rows]).values_list("pk", flat=True))
    missing = [u for u in _home_unit_rows if u.pk not in present]
    if missing:
        Unit.objects.bulk_create(missing)  # same primary keys, parents first
    return Unit.objects.get(pk=next(u.pk for u in _home_unit_rows if u.code == HOME_UNIT_CODE))


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def officer(home_units, password):
    from antoan.accounts.services import membership_grant, user_create
    from antoan.units.selectors import unit_for_code

    user = user_create(actor=None, username="canbo.hamthuan", password=password, full_name="Nguyễn Văn Kiểm")
    membership_grant(actor=None, user=user, unit=unit_for_code(code=HOME_UNIT_CODE, day=HOME_UNIT_DAY), role="officer")
    return user


@pytest.fixture
def log_in(page, live_server):
    """log_in(username, password) → the page after submitting the login form reached from the home page."""

    def submit(username, password):
        page.goto(live_server.url + "/")
        assert "/dang-nhap/" in page.url, f"the home page should send a visitor to the login page, got {page.url}"
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        with page.expect_navigation():
            page.click("form:has(#id_username) button[type=submit]")
        return page

    return submit


@pytest.fixture
def pass_second_step(page):
    """pass_second_step(user) → the page after typing the code of `user`'s two-factor device on the code page, where
    the password step leaves administrators and leaders (and anyone who enrolled)."""

    def give_code(user):
        from antoan.accounts.testing import totp_code
        from antoan.accounts.two_factor import two_factor_device

        assert "/xac-thuc/" in page.url, f"the password step should lead to the code page, got {page.url}"
        page.fill("#id_otp_token", totp_code(two_factor_device(user=user)))
        with page.expect_navigation():
            page.click("#two-factor-verify button[type=submit]")
        return page

    return give_code


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
