"""/healthz: 200 when the database answers and every migration is applied, 503 naming the failed check."""

import pytest
from django.core.management import call_command
from django.db import connection

from antoan.site.tests.outage import database_refusing

pytestmark = pytest.mark.django_db
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the SQLite test database lives in memory: it cannot be made unreachable without being destroyed "
    "(the PostgreSQL run of the suite tests this)",
)

OK = {"status": "ok", "database": "ok", "migrations": "ok"}


def test_healthz_answers_ok_without_a_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == OK
    assert "no-store" in response["Cache-Control"]
    assert "sessionid" not in response.cookies
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db(transaction=True)
def test_healthz_is_503_while_a_migration_is_not_applied(client):
    call_command("migrate", "movement", "0001", verbosity=0)
    try:
        response = client.get("/healthz")
        assert response.status_code == 503
        body = response.json()
        assert body.pop("pending") >= 1
        assert body == {"status": "error", "database": "ok", "migrations": "pending"}
    finally:
        call_command("migrate", "movement", verbosity=0)
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == OK


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_healthz_is_503_while_the_database_refuses_connections(client):
    with database_refusing():
        response = client.get("/healthz")
        assert response.status_code == 503
        assert response.json() == {"status": "error", "database": "error", "migrations": "unknown"}
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == OK
