"""Real database outages for the tests that need one (PostgreSQL): the server refusing connections, and the
server cutting the connection a request was using. Both need a transactional test (no test transaction to
keep open across them)."""

from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connection, connections

CLOSED_PORT = "1"  # nothing listens on 127.0.0.1:1: a connection is refused at once


@contextmanager
def database_refusing():
    """While inside, the connection points at a port nothing listens on, as when PostgreSQL is stopped."""
    settings_dict = connection.settings_dict
    saved = {key: settings_dict.get(key) for key in ("HOST", "PORT")}
    connection.close()
    settings_dict.update(HOST="127.0.0.1", PORT=CLOSED_PORT)
    try:
        yield
    finally:
        connection.close()
        settings_dict.update(saved)


def connection_cut() -> int:
    """PostgreSQL ends the backend of this thread's connection (as on a server restart); returns its pid."""
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    other = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])  # waits until it is gone
            assert cursor.fetchone()[0] is True
    finally:
        other.close()
    return pid
