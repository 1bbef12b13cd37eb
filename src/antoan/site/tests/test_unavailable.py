"""The database going away during a request: a bilingual 503 page (JSON under /api/) instead of a 500, and the
next request once it is back works without restarting anything."""

import pytest
from django.db import OperationalError, connection
from django.urls import get_resolver
from prometheus_client import REGISTRY

from antoan.core.unavailable import MESSAGE, server_error
from antoan.site.tests.outage import connection_cut, database_refusing

pytestmark = pytest.mark.django_db
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the SQLite test database lives in memory and cannot be stopped (see the SQLite test below; the "
    "PostgreSQL run of the suite tests a real outage)",
)
on_sqlite = pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="on PostgreSQL an error inside the test's transaction would abort it (the outage tests run there)",
)
API_ERROR = {"errors": {"__all__": {"vi": MESSAGE.vi, "en": MESSAGE.en}}}


def db_errors(kind: str = "OperationalError") -> float:
    return REGISTRY.get_sample_value("antoan_db_errors_total", {"error": kind}) or 0.0


def assert_unavailable_page(response):
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert response["Retry-After"] == "30" and "no-store" in response["Cache-Control"]
    page = response.content.decode()
    vietnamese, english = page.index("Hệ thống tạm thời gián đoạn"), page.index("Service temporarily unavailable")
    assert vietnamese < english
    assert MESSAGE.vi in page and MESSAGE.en in page
    assert response["X-Request-ID"] in page  # to quote to the IT department


@pytest.fixture
def logged_in(client, make_user):
    user = make_user(username="canbo.matketnoi")
    client.force_login(user)
    assert client.get("/").status_code == 200
    return client


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_pages_are_503_while_the_database_is_stopped_and_work_again_once_it_is_back(logged_in):
    errors_before = db_errors()
    with database_refusing():
        assert_unavailable_page(logged_in.get("/"))
        assert_unavailable_page(logged_in.get("/su-viec/"))
        assert_unavailable_page(logged_in.post("/tin-bao/xu-ly/1/ghi-chu/", {"note": "x"}))
    assert db_errors() - errors_before == 3
    response = logged_in.get("/")
    assert response.status_code == 200 and "canbo.matketnoi" in response.content.decode()


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_connection_the_server_cut_gives_one_503_then_the_next_request_reconnects(logged_in):
    old_pid = connection_cut()
    assert_unavailable_page(logged_in.get("/"))
    response = logged_in.get("/")
    assert response.status_code == 200
    assert connection.connection.info.backend_pid != old_pid


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_api_answers_503_in_its_json_shape(logged_in):
    with database_refusing():
        response = logged_in.get("/api/v1/units/23059")
        token_response = logged_in.get("/api/v1/units/23059", headers={"Authorization": "Bearer at_x"})
    for answer in (response, token_response):
        assert answer.status_code == 503 and answer["Retry-After"] == "30"
        assert answer.json() == API_ERROR
    connection_cut()
    assert logged_in.get("/api/v1/units/23059").json() == API_ERROR
    assert logged_in.get("/api/v1/units/23059").status_code != 503


@on_sqlite
def test_sqlite_a_database_error_in_a_request_is_a_503_and_the_next_request_works(logged_in):
    """The in-memory test database cannot be stopped; a table it cannot find raises the same OperationalError
    through the same path (session → user → view)."""
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE django_session RENAME TO django_session_away")
    try:
        assert_unavailable_page(logged_in.get("/"))
        api = logged_in.get("/api/v1/units/23059")
        assert api.status_code == 503 and api.json() == API_ERROR
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE django_session_away RENAME TO django_session")
    assert logged_in.get("/").status_code == 200


def test_a_database_error_raised_by_a_middleware_is_a_503_too(rf):
    """Outside a view, Django turns an exception into handler500's answer: that is antoan's, and it tells a
    database error from any other."""
    assert get_resolver().resolve_error_handler(500) is server_error
    request = rf.get("/su-viec/")
    request.request_id = "req-0004-mw"
    try:
        raise OperationalError("connection to server at 127.0.0.1, port 5432 failed: Connection refused")
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 503 and "req-0004-mw" in response.content.decode()
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(request)
    assert response.status_code == 500


@pytest.mark.django_db
def test_error_pages_are_the_sites_own_in_the_chosen_language(client, rf, make_user, unit):
    """#27: production's 404/403/500 were Django's bare English pages."""
    from django.utils import translation

    from antoan.accounts.models import Role

    client.force_login(make_user(Role.VIEWER, unit("23059")))
    missing = client.get("/khong-co-trang-nay/")
    page = missing.content.decode()
    assert missing.status_code == 404 and 'id="not-found"' in page and "Không tìm thấy trang" in page
    assert 'class="topbar"' in page and "Not Found</h1>" not in page
    forbidden = client.get("/chi-tieu/ke-hoach/nhap/")  # importing targets: leaders only
    assert forbidden.status_code == 403 and "Không được phép" in forbidden.content.decode()
    request = rf.get("/su-viec/")
    for language, words in (("vi", "Lỗi hệ thống"), ("en", "Server error")):
        with translation.override(language):
            try:
                raise ValueError("a bug")
            except ValueError:
                response = server_error(request)
        body = response.content.decode()
        assert response.status_code == 500 and 'id="server-error"' in body and words in body
        assert "Server Error (500)" not in body


@on_sqlite
def test_sqlite_reads_go_on_while_a_long_write_transaction_runs(tmp_path, settings):
    """#27, item 9: in the rollback journal a 60,000-row all-or-nothing import made every read wait, then answer 503.
    With the settings' WAL mode a reader sees the last committed state while the writer's transaction is open."""
    from django.db.backends.sqlite3.base import DatabaseWrapper

    params = {**settings.DATABASES["default"], "NAME": str(tmp_path / "wal.sqlite3")}
    writer, reader = DatabaseWrapper(params, alias="writer"), DatabaseWrapper(params, alias="reader")
    try:
        with writer.cursor() as cursor:
            cursor.execute("CREATE TABLE t (n INTEGER, pad TEXT)")
            cursor.execute("INSERT INTO t VALUES (0, '')")
            assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        writer.connection.execute("BEGIN IMMEDIATE")
        writer.connection.executemany("INSERT INTO t VALUES (?, ?)", ((n, "x" * 200) for n in range(1, 60_001)))
        with reader.cursor() as cursor:  # 12 MB written and not committed: more than the writer's cache holds
            assert cursor.execute("SELECT count(*) FROM t").fetchone()[0] == 1
        writer.connection.execute("COMMIT")
        with reader.cursor() as cursor:
            assert cursor.execute("SELECT count(*) FROM t").fetchone()[0] == 60_001
    finally:
        writer.close()
        reader.close()
