"""`antoan serve` runs gunicorn with several workers; static files come from WhiteNoise; production settings
pass `check --deploy`."""

import http.client
import json
import os
import re
import secrets
import signal
import socket
import sqlite3
import string
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management.base import CommandError
from django.db import connection

from antoan.site.management.commands.serve import (
    DEFAULT_BIND,
    gunicorn_argv,
    gunicorn_environ,
    serve_config,
    workers_default,
)

METRICS_TOKEN = "serve-test-metrics-token-5a4b3c2d1e"


def production_secret() -> str:
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    return "".join(secrets.choice(alphabet) for _ in range(50))


def base_environ(**extra) -> dict[str, str]:
    dropped = ("DJANGO_ALLOW_ASYNC_UNSAFE", "PROMETHEUS_MULTIPROC_DIR", "ANTOAN_CACHE_DIR", "ANTOAN_SERVE_TEMPORARY")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(extra)
    return env


# Options ---------------------------------------------------------------------------------------------------


def test_workers_default_to_four_times_the_cores_plus_four_at_most_32(monkeypatch):
    cores = len(os.sched_getaffinity(0))
    assert workers_default() == serve_config(environ={}).workers == min(4 * cores + 4, 32)
    for cores, workers in ((1, 8), (2, 12), (4, 20), (7, 32), (64, 32)):
        monkeypatch.setattr("antoan.site.management.commands.serve.cpu_cores", lambda cores=cores: cores)
        assert workers_default() == workers


def test_the_option_wins_over_the_environment_which_wins_over_the_default():
    assert serve_config(environ={}).bind == DEFAULT_BIND == "127.0.0.1:8000"
    env = {"ANTOAN_BIND": "0.0.0.0:8100", "ANTOAN_WORKERS": "3", "ANTOAN_TIMEOUT": "45", "ANTOAN_ACCESS_LOG": "json"}
    assert serve_config(environ=env) == serve_config(bind="0.0.0.0:8100", workers=3, timeout=45, access_log="json")
    given = serve_config(bind="unix:/run/antoan/antoan.sock", workers="7", access_log="off", environ=env)
    assert (given.bind, given.workers, given.timeout, given.access_log) == (
        "unix:/run/antoan/antoan.sock",
        7,
        45,
        "off",
    )
    assert serve_config(environ={}).access_log == "off"


@pytest.mark.parametrize(
    "options",
    [{"workers": "0"}, {"workers": "many"}, {"environ": {"ANTOAN_WORKERS": "-2"}}, {"timeout": "0"}, {"threads": "0"}],
)
def test_a_wrong_number_is_refused_in_both_languages(options):
    options.setdefault("environ", {})
    with pytest.raises(CommandError) as refused:
        serve_config(**options)
    assert "phải là số nguyên dương" in str(refused.value) and "must be a positive whole number" in str(refused.value)


def test_an_unknown_access_log_is_refused():
    with pytest.raises(CommandError, match="must be off or json"):
        serve_config(access_log="combined", environ={})


def test_gunicorn_is_started_with_antoans_config_and_application():
    argv = gunicorn_argv(serve_config(bind="127.0.0.1:8123", workers=4, environ={}))
    assert argv[:3] == [sys.executable, "-m", "gunicorn"]
    assert argv[argv.index("--config") + 1] == "python:antoan.site.gunicorn_conf"
    assert argv[argv.index("--bind") + 1] == "127.0.0.1:8123" and argv[argv.index("--workers") + 1] == "4"
    assert argv[-1] == "antoan.wsgi:application"


def test_each_worker_answers_one_request_at_a_time_unless_told_threads():
    assert "--threads" not in gunicorn_argv(serve_config(environ={}))  # gunicorn's sync worker
    argv = gunicorn_argv(serve_config(threads=4, environ={}))
    assert argv[argv.index("--worker-class") + 1] == "gthread" and argv[argv.index("--threads") + 1] == "4"
    assert serve_config(environ={"ANTOAN_THREADS": "8"}) == serve_config(threads=8, environ={})


def test_the_workers_share_folders_made_for_the_run_unless_given(tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr("tempfile.tempdir", None)
    config = serve_config(environ={})
    made = gunicorn_environ(config, environ={"ANTOAN_SERVE_TEMPORARY": "/somewhere/else"})
    scratch = Path(made["ANTOAN_SERVE_TEMPORARY"])
    assert scratch.parent == tmp_path and scratch.name.startswith("antoan-serve-")
    assert made["PROMETHEUS_MULTIPROC_DIR"] == str(scratch / "metrics") and (scratch / "metrics").is_dir()
    assert made["ANTOAN_CACHE_DIR"] == str(scratch / "cache") and (scratch / "cache").is_dir()
    assert made["ANTOAN_ACCESS_LOG"] == "off" and made["LOG_FORMAT"] in ("json", "text")
    given = {"PROMETHEUS_MULTIPROC_DIR": "/run/antoan/metrics", "ANTOAN_CACHE_DIR": "/var/cache/antoan"}
    kept = gunicorn_environ(config, environ=given)
    assert "ANTOAN_SERVE_TEMPORARY" not in kept and {k: kept[k] for k in given} == given
    assert [p.name for p in tmp_path.iterdir()] == [scratch.name]


# Static files and production settings ----------------------------------------------------------------------


@pytest.mark.django_db
def test_whitenoise_serves_static_files_to_the_test_client(client):
    response = client.get("/static/antoan/app.css")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).strip()


# The real server -------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str, headers: dict | None = None, data: bytes | None = None):
    request = urllib.request.Request(url, data=data, headers={"X-Forwarded-Proto": "https", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def database_url_for_the_server(tmp_path: Path) -> str:
    """The server sees the test database: PostgreSQL's by name, SQLite's (in memory) copied to a file."""
    settings_dict = connection.settings_dict
    if connection.vendor == "postgresql":
        user = quote(settings_dict["USER"] or "")
        password = f":{quote(settings_dict['PASSWORD'])}" if settings_dict.get("PASSWORD") else ""
        host = settings_dict.get("HOST") or "127.0.0.1"
        port = settings_dict.get("PORT") or "5432"
        return f"postgres://{user}{password}@{host}:{port}/{settings_dict['NAME']}"
    copy = tmp_path / "antoan.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(copy) as target:
        connection.connection.backup(target)
    return f"sqlite:///{copy}"


def cut_other_connections() -> int:
    """PostgreSQL ends every other connection to the test database (the server's workers'), as a restart does."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db
@pytest.mark.parametrize("threads", [None, 4], ids=["one-request-a-worker", "threads"])
def test_serve_runs_gunicorn_workers_with_static_files_metrics_and_json_logs(tmp_path, threads):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = base_environ(
        ANTOAN_PRODUCTION="1",
        SECRET_KEY=production_secret(),
        ALLOWED_HOSTS="127.0.0.1",
        STATIC_ROOT=str(tmp_path / "static"),
        DATABASE_URL=database_url_for_the_server(tmp_path),
        ANTOAN_METRICS_TOKEN=METRICS_TOKEN,
        CONN_MAX_AGE="600",
        ANTOAN_TIP_LOOKUPS_PER_HOUR="2",
        TMPDIR=str(temp),  # where serve makes the workers' metrics folder
    )
    env.pop("LOG_FORMAT", None)  # production's default: json
    command = ["serve", "--bind", f"127.0.0.1:{port}", "--workers", "2", "--access-log", "json", "--collectstatic"]
    command += ["--threads", str(threads)] if threads else []
    with open(tmp_path / "out.txt", "w") as out, open(tmp_path / "err.txt", "w") as err:
        server = subprocess.Popen(
            [sys.executable, "-m", "antoan.cli", *command], env=env, cwd=tmp_path, stdout=out, stderr=err
        )
    try:
        healthy, deadline = 0, time.monotonic() + 120
        while True:
            assert server.poll() is None, (tmp_path / "err.txt").read_text()
            try:
                status, _, body = fetch(f"{base}/healthz")
                break
            except OSError:
                assert time.monotonic() < deadline, "the server did not start in 2 minutes"
                time.sleep(0.5)
        assert (status, json.loads(body)) == (200, {"status": "ok", "database": "ok", "migrations": "ok"})
        healthy += 1
        assert list(temp.glob("antoan-serve-*/metrics/*.db")), "the workers count into the shared metrics folder"

        # A page, then its stylesheet under a hashed name, compressed, cached for good.
        status, headers, body = fetch(f"{base}/dang-nhap/", {"X-Request-ID": "serve-test-request-0001"})
        assert status == 200 and headers["X-Request-ID"] == "serve-test-request-0001"
        css = re.search(r'href="(/static/antoan/app\.[0-9a-f]{12}\.css)"', body.decode())
        assert css, "the page links the hashed stylesheet"
        status, headers, body = fetch(base + css.group(1), {"Accept-Encoding": "gzip"})
        assert status == 200 and headers["Content-Encoding"] == "gzip" and body[:2] == b"\x1f\x8b"
        assert "immutable" in headers["Cache-Control"]

        for _ in range(8):
            status, _, _ = fetch(f"{base}/healthz")
            assert status == 200
            healthy += 1
        # With threads (gthread), a kept-alive connection outlives gunicorn's default of 2 s idle
        # (gunicorn_conf.keepalive): the request sent on it after 3 s is answered on it, not dropped. The sync worker
        # closes each connection after its answer (nginx keeps the clients' alive).
        kept_alive = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            for pause in (0, 3) if threads else (0,):
                time.sleep(pause)
                kept_alive.request("GET", "/healthz")
                response = kept_alive.getresponse()
                assert response.status == 200 and response.will_close == (threads is None)
                response.read()
                healthy += 1
        finally:
            kept_alive.close()
        if connection.vendor == "postgresql":
            # The database drops the workers' kept connections (CONN_MAX_AGE): checked before reuse, replaced.
            assert cut_other_connections() >= 1
            for _ in range(6):
                status, _, body = fetch(f"{base}/healthz")
                assert status == 200, body
                healthy += 1

        # The workers share one cache: the tip portal's per-source limit counts every worker's requests (the
        # limit comes before the CSRF check, which refuses these posts without a token).
        statuses = [fetch(f"{base}/tin-bao/tra-cuu/", {"Content-Type": "text/plain"}, data=b"x")[0] for _ in range(5)]
        assert statuses == [403, 403, 429, 429, 429]

        assert fetch(f"{base}/metrics")[0] == 403
        status, _, body = fetch(f"{base}/metrics", {"Authorization": f"Bearer {METRICS_TOKEN}"})
        assert status == 200
        # Every worker's count, added up.
        counted = re.search(
            r'antoan_http_requests_total\{method="GET",route="healthz",status="200"\} (\S+)', body.decode()
        )
        assert counted and float(counted.group(1)) == healthy
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    stdout, stderr = (tmp_path / "out.txt").read_text(), (tmp_path / "err.txt").read_text()
    assert server.returncode == 0, stderr
    assert "static files copied" in stdout and f"2 workers × {threads or 1} threads" in stdout
    lines = [json.loads(line) for line in stderr.splitlines() if line.strip()]  # every line is JSON
    assert sum("Booting worker" in line["message"] for line in lines) == 2
    (page,) = [line for line in lines if line.get("request_id") == "serve-test-request-0001"]
    assert page["logger"] == "antoan.request" and page["route"] == "dang-nhap/" and page["status"] == 200
    assert page["method"] == "GET" and page["user_id"] is None and page["duration_ms"] > 0
    assert not [line for line in lines if "127.0.0.1" in json.dumps(line) and line["logger"] == "antoan.request"]
    assert not list(temp.iterdir()), "the metrics folder goes with the server"


def test_the_shared_cache_keeps_counters_and_kept_results_apart_and_does_not_cull_counters_early(tmp_path):
    """Django's FileBasedCache deletes a third of its entries at random once it holds MAX_ENTRIES (300 by
    default): the tip portal's per-source counters reached that within minutes under load."""
    script = "import json, antoan.settings as s; print(json.dumps(s.CACHES))"
    env = base_environ(ANTOAN_CACHE_DIR=str(tmp_path))
    caches = json.loads(subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True,
                                       check=True).stdout)  # fmt: skip
    assert caches["default"]["LOCATION"] == str(tmp_path) and caches["default"]["OPTIONS"]["MAX_ENTRIES"] >= 50_000
    assert caches["kept"]["LOCATION"] == str(tmp_path / "kept") and caches["kept"]["TIMEOUT"] == 24 * 3600
