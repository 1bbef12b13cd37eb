"""Load test in one command: `antoan serve` on a benchmark database, locust with officers, leaders and citizens.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/antoan_bench_national .venv/bin/python bench/load/run.py
    … bench/load/run.py --users 20 --run-time 1m          # a short run
    make bench-load                                        # the same, with BENCH_DB

Steps: (a) DATABASE_URL must name a benchmark database (made by bench/generate.py), migrated (`--migrate`
applies pending migrations, then ANALYZE; `--migrate-only` stops there); (b) bench/load/setup.py
makes the load accounts; (c) the tips stored are counted; (d) `antoan serve` (gunicorn, its default workers: 4 ×
cores + 4, one request at a time each) starts on a free port as in production — DEBUG off, a SECRET_KEY,
ALLOWED_HOSTS, CONN_MAX_AGE=60, the JSON access log, 127.0.0.1 as the trusted proxy, the workers' shared cache
folder (made by `antoan serve`) — and /healthz is awaited; (e) locust runs headless (`--users 200 --spawn-rate 20
--run-time 5m` by default) on the same machine and writes its CSV stats; (f) the server stops; (g) the tips are
counted again: each tracking code the server gave must be in the database, and the rows added must be the tips
saved, plus at most those sent whose answer the run did not wait for (the server still saves them);
(h) a table per request group (p50 / p95 / max, requests per second, failures), the totals, the tip check and
the load average. The exit status is 1 when a request failed or a tip was lost (the figures are printed
anyway). The server's log is kept in the output folder; its tail is printed when something failed.
"""

import argparse
import csv
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
BIN = Path(sys.executable).parent
P95_GOAL_MS = 300


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--spawn-rate", type=float, default=20)
    parser.add_argument("--run-time", default="5m", help="locust's --run-time: 5m, 90s, …")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: antoan serve's)")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default /tmp/antoan_load/<time>)")
    parser.add_argument("--think", type=float, default=1.0, help="factor on the scenario's think times")
    parser.add_argument("--stagger", type=float, default=20, help="seconds over which users' logins are spread")
    parser.add_argument(
        "--migrate",
        action="store_true",
        help="apply pending migrations first, then ANALYZE (else a pending migration stops the run)",
    )
    parser.add_argument("--migrate-only", action="store_true", help="--migrate, then stop (make bench-db)")
    parser.add_argument("--processes", type=int, default=0, help="locust --processes (0: one process)")
    return parser.parse_args(argv)


def database_name(url: str) -> str:
    return url.rsplit("/", 1)[-1].split("?", 1)[0]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, server: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server stopped (exit {server.returncode})")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError("the server did not answer /healthz in time")


def pending_migrations() -> list[str]:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{m.app_label}.{m.name}" for m, _ in plan]


def tip_count() -> int:
    from antoan.portal.models import Tip

    return Tip.objects.count()


def codes_stored(codes: list[str]) -> int:
    from antoan.portal.models import Tip

    unique = sorted(set(codes))
    found = 0
    for i in range(0, len(unique), 1000):
        found += Tip.objects.filter(tracking_code__in=unique[i : i + 1000]).count()
    return found


def read_stats(path: Path) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _ms(value: str) -> str:
    try:
        return f"{float(value):,.0f}"
    except (TypeError, ValueError):
        return value or "—"


def table(rows: list[dict]) -> str:
    head = ("request group", "requests", "failures", "req/s", "p50 ms", "p95 ms", "max ms")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        name = row["Name"] if row["Type"] in ("", "None") else f"{row['Type']} {row['Name']}"
        p95 = _ms(row.get("95%"))
        slow = row["Name"] != "Aggregated" and p95 not in ("—", "N/A") and float(row["95%"]) > P95_GOAL_MS
        lines.append(
            "| "
            + " | ".join(
                [
                    f"**{name}**" if row["Name"] == "Aggregated" else name,
                    f"{int(row['Request Count']):,}",
                    f"{int(row['Failure Count']):,}",
                    f"{float(row['Requests/s']):.2f}",
                    _ms(row.get("50%")),
                    f"**{p95}**" if slow else p95,
                    _ms(row.get("Max Response Time")),
                ]
            )
            + " |"
        )
    return "\n".join(lines)


def main(argv=None) -> int:
    args = parse_args(argv)
    load_start = os.getloadavg()
    url = os.environ.get("DATABASE_URL", "")
    name = database_name(url)
    if not url.startswith(("postgres://", "postgresql://", "sqlite:")) or not name.startswith("antoan_bench"):
        sys.exit("DATABASE_URL must name a benchmark database made by bench/generate.py (antoan_bench…)")
    secret = secrets.token_urlsafe(50)
    os.environ.update(SECRET_KEY=secret, DEBUG="0", DJANGO_SETTINGS_MODULE="antoan.settings")
    os.environ.pop("ANTOAN_PRODUCTION", None)
    sys.path.insert(0, str(HERE))
    import django

    django.setup()
    import setup as load_setup  # bench/load/setup.py

    pending = pending_migrations()
    if pending and (args.migrate or args.migrate_only):
        from django.core.management import call_command

        print(f"applying {len(pending)} pending migrations: {', '.join(pending)}")
        started = time.monotonic()
        call_command("migrate", interactive=False, verbosity=0)
        # A column a migration adds has no statistics until the table is analysed, and autovacuum analyses a
        # table only after enough of its rows change: the planner would guess (badly) meanwhile.
        from django.db import connection

        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        print(f"migrated and analysed in {time.monotonic() - started:.0f} s")
    elif pending:
        sys.exit(f"{name} has {len(pending)} pending migrations ({', '.join(pending)}): run with --migrate")
    if args.migrate_only:
        return 0

    out = args.out or Path("/tmp/antoan_load") / datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    out.mkdir(parents=True, exist_ok=True)

    # (b) accounts, (c) tips before
    started = time.monotonic()
    accounts = load_setup.write(load_setup.prepare(), out / "accounts.json")
    print(f"load accounts ready ({time.monotonic() - started:.1f} s) → {accounts}")
    tips_before = tip_count()
    from django.db import connections

    connections.close_all()

    # (d) the server, as in production (without TLS: nginx would do that)
    port = free_port()
    host = f"http://127.0.0.1:{port}"
    server_env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secret,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "ANTOAN_TRUSTED_PROXIES": "127.0.0.1,::1",
        "CONN_MAX_AGE": "60",
        "ANTOAN_ACCESS_LOG": "json",
        "LOG_FORMAT": "json",
        "STATIC_ROOT": str(out / "staticfiles"),
        "ANTOAN_TIP_PHOTO_DIR": str(out / "tip-photos"),
    }
    command = [str(BIN / "antoan"), "serve", "--bind", f"127.0.0.1:{port}", "--collectstatic", "-v", "0"]
    if args.workers:
        command += ["--workers", str(args.workers)]
    log_path = out / "server.log"
    load_before = os.getloadavg()
    with log_path.open("wb") as log:
        server = subprocess.Popen(command, env=server_env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    failed_reason = ""
    load_after = None
    try:
        wait_healthy(host, server)
        print(f"antoan serve on {host} (pid {server.pid}); load average before the run {load_before}")
        # (e) locust, headless
        locust_env = {
            **os.environ,
            "LOAD_ACCOUNTS": str(accounts),
            "LOAD_RESULTS": str(out / "results.json"),
            "LOAD_THINK": str(args.think),
            "LOAD_STAGGER": str(args.stagger),
        }
        locust = [
            str(BIN / "locust"),
            "-f",
            str(HERE / "locustfile.py"),
            "--headless",
            "--host",
            host,
            "--users",
            str(args.users),
            "--spawn-rate",
            str(args.spawn_rate),
            "--run-time",
            args.run_time,
            "--stop-timeout",
            "60",
            "--csv",
            str(out / "locust"),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ]
        if args.processes:
            locust += ["--processes", str(args.processes)]
        print("running:", " ".join(locust[2:]))
        run = subprocess.run(locust, env=locust_env, cwd=ROOT)
        load_after = os.getloadavg()
        if run.returncode not in (0, 1):  # 1: some requests failed (counted below)
            failed_reason = f"locust exited with {run.returncode}"
    finally:
        # (f) stop the server
        if server.poll() is None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=60)
            except subprocess.TimeoutExpired:
                server.kill()
    load_after = load_after or os.getloadavg()

    # (g) the tips
    results_path = out / "results.json"
    results = json.loads(results_path.read_text()) if results_path.exists() else {}
    tips_after = tip_count()
    codes = results.get("codes", [])
    found = codes_stored(codes)
    stored = tips_after - tips_before

    # (h) the figures
    stats_path = out / "locust_stats.csv"
    rows = read_stats(stats_path) if stats_path.exists() else []
    total = next((r for r in rows if r["Name"] == "Aggregated"), None)
    print()
    print(
        f"Load run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — database {name}, {args.users} users, "
        f"spawn rate {args.spawn_rate:g}/s, {args.run_time}, think ×{args.think:g}; {os.cpu_count()} cores shared by "
        f"antoan serve, PostgreSQL and locust"
    )
    print(table(rows) if rows else "(no locust statistics)")
    print()
    answered_late = stored - results.get("stored", 0)  # saved, but the answer came after the run ended
    # Sent but not answered: the connection broke, or the run ended while the form was being saved.
    unanswered = results.get("attempted", 0) - results.get("stored", 0) - results.get("refused", 0)
    print(
        f"tips: {results.get('attempted', 0)} sent — {results.get('stored', 0)} saved (tracking code received), "
        f"{results.get('refused', 0)} refused, {unanswered} without an answer; "
        f"{results.get('photos', 0)} with a photo, {results.get('tracked', 0)} looked up. Rows added to portal_tip: "
        f"{stored}; tracking codes found there: {found} / {len(set(codes))}"
        + (f" ({answered_late} saved after the run ended)" if answered_late > 0 else "")
    )
    print(
        "load average (1, 5, 15 min): at the start {:.2f} {:.2f} {:.2f}, when the server was up {:.2f} {:.2f} {:.2f}, "
        "at the end {:.2f} {:.2f} {:.2f}".format(*load_start, *load_before, *load_after)
    )
    print(f"output: {out} (locust_stats.csv, locust_failures.csv, server.log)")

    failures = int(total["Failure Count"]) if total else -1
    # Lost: a code the server gave is not in the database, or more rows than tips sent (without a refusal).
    lost = found != len(set(codes)) or stored < results.get("stored", 0)
    lost = lost or stored > results.get("stored", 0) + unanswered
    if failures != 0:
        failed_reason = failed_reason or f"{failures} failed requests"
    if lost:
        failed_reason = (failed_reason + "; " if failed_reason else "") + "tips lost or unaccounted for"
    slow = [r["Name"] for r in rows if r["Name"] != "Aggregated" and r.get("95%") not in (None, "", "N/A")
            and float(r["95%"]) > P95_GOAL_MS]  # fmt: skip
    if slow:
        print(f"p95 over {P95_GOAL_MS} ms: " + ", ".join(slow))
    if failed_reason:
        failures_csv = out / "locust_failures.csv"
        if failures_csv.exists():
            print("\nfailures:\n" + failures_csv.read_text()[:3000])
        print("\nserver log (tail):")
        print("\n".join(log_path.read_text(errors="replace").splitlines()[-30:]))
        print(f"\nFAILED: {failed_reason}")
        return 1
    shutil.rmtree(out / "staticfiles", ignore_errors=True)
    print("OK: no failed request, every tip stored")
    return 0


if __name__ == "__main__":
    sys.exit(main())
