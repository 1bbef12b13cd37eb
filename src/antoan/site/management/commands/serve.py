"""`antoan serve`: the production web server — gunicorn with several worker processes.

    antoan serve                                  # 127.0.0.1:8000, 4 × CPU cores + 4 workers (at most 32)
    antoan serve --bind 127.0.0.1:8010 --workers 6 --threads 4 --access-log json --collectstatic

Each option also comes from the environment (ANTOAN_BIND, ANTOAN_WORKERS, ANTOAN_THREADS, ANTOAN_TIMEOUT,
ANTOAN_ACCESS_LOG); the option wins. By default each worker answers one request at a time (gunicorn's sync worker)
and there are more workers than cores, since a request spends part of its time waiting for PostgreSQL: on 2 cores,
12 single-thread workers answered the load test faster than 5 workers of 4 threads, on three machines (p95 1.4 –
1.7 s against 2.5 s on a slow one; 130 – 140 ms against 150 – 160 ms on a fast one: docs/benchmarks.md, 4 and 5
December). A worker's threads share one core (Python's GIL), and a threaded worker takes new requests while its
threads are busy, so a few CPU-heavy requests slowed the quick ones queued in the same process while another process
had a core to spare. `--threads N` (> 1) gives gunicorn's gthread worker. The sync worker needs a buffering proxy in
front (nginx, docs/operations.md), which also keeps the clients' connections alive.
Static files are served by WhiteNoise from STATIC_ROOT (`--collectstatic` fills it first). The workers share
their metrics (PROMETHEUS_MULTIPROC_DIR) and their cache (ANTOAN_CACHE_DIR) through folders, made for the run when
not given.
The command replaces itself with gunicorn (same process id), so that systemd's signals reach gunicorn.
"""

import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from antoan.core.errors import Message

DEFAULT_BIND = "127.0.0.1:8000"
DEFAULT_THREADS = 1
# A worker and its parallel reads' lane hold two PostgreSQL connections: 32 workers need 64 (the default
# max_connections is 100).
MAX_DEFAULT_WORKERS = 32
DEFAULT_TIMEOUT = 120  # seconds: a PDF report rendered by LibreOffice can take a while
ACCESS_LOGS = ("off", "json")


@dataclass(frozen=True)
class ServeConfig:
    bind: str
    workers: int
    timeout: int
    access_log: str
    threads: int


def cpu_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the cores this process may use (containers, taskset)
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def workers_default() -> int:
    return min(4 * cpu_cores() + 4, MAX_DEFAULT_WORKERS)


def _positive(value, *, name: str, env: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if number < 1:
        raise CommandError(
            str(
                Message(
                    f"{name} phải là số nguyên dương (--{name} hoặc {env}), không phải {value!r}",
                    f"{name} must be a positive whole number (--{name} or {env}), not {value!r}",
                )
            )
        )
    return number


def serve_config(
    *, bind=None, workers=None, timeout=None, access_log=None, threads=None, environ=None
) -> ServeConfig:
    """The options given, else the environment, else the defaults."""
    environ = os.environ if environ is None else environ
    bind = bind or environ.get("ANTOAN_BIND") or DEFAULT_BIND
    workers = workers if workers is not None else environ.get("ANTOAN_WORKERS") or workers_default()
    timeout = timeout if timeout is not None else environ.get("ANTOAN_TIMEOUT") or DEFAULT_TIMEOUT
    threads = threads if threads is not None else environ.get("ANTOAN_THREADS") or DEFAULT_THREADS
    access_log = (access_log or environ.get("ANTOAN_ACCESS_LOG") or "off").strip().lower()
    if access_log not in ACCESS_LOGS:
        raise CommandError(
            str(
                Message(
                    f"access-log phải là off hoặc json (--access-log, ANTOAN_ACCESS_LOG), không phải {access_log!r}",
                    f"access-log must be off or json (--access-log, ANTOAN_ACCESS_LOG), not {access_log!r}",
                )
            )
        )
    return ServeConfig(
        bind=bind,
        workers=_positive(workers, name="workers", env="ANTOAN_WORKERS"),
        timeout=_positive(timeout, name="timeout", env="ANTOAN_TIMEOUT"),
        access_log=access_log,
        threads=_positive(threads, name="threads", env="ANTOAN_THREADS"),
    )


def gunicorn_argv(config: ServeConfig) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        "python:antoan.site.gunicorn_conf",
        "--bind",
        config.bind,
        "--workers",
        str(config.workers),
        "--timeout",
        str(config.timeout),
        *(["--worker-class", "gthread", "--threads", str(config.threads)] if config.threads > 1 else []),
        "antoan.wsgi:application",
    ]


def gunicorn_environ(config: ServeConfig, environ=None) -> dict[str, str]:
    """The server's environment: the logging, and the folders the workers share — their metrics
    (PROMETHEUS_MULTIPROC_DIR) and the cache (ANTOAN_CACHE_DIR). Those not given are made for this run in one
    temporary folder (ANTOAN_SERVE_TEMPORARY), which gunicorn_conf removes when the server stops."""
    env = dict(os.environ if environ is None else environ)
    env["DJANGO_SETTINGS_MODULE"] = os.environ.get("DJANGO_SETTINGS_MODULE", "antoan.settings")
    env["LOG_FORMAT"] = settings.LOG_FORMAT
    env["ANTOAN_ACCESS_LOG"] = config.access_log
    env.pop("ANTOAN_SERVE_TEMPORARY", None)
    missing = [name for name in ("PROMETHEUS_MULTIPROC_DIR", "ANTOAN_CACHE_DIR") if not env.get(name)]
    if missing:
        scratch = Path(tempfile.mkdtemp(prefix="antoan-serve-"))
        env["ANTOAN_SERVE_TEMPORARY"] = str(scratch)
        for name in missing:
            folder = scratch / ("metrics" if name == "PROMETHEUS_MULTIPROC_DIR" else "cache")
            folder.mkdir()
            env[name] = str(folder)
    return env


class Command(BaseCommand):
    help = (
        "Chạy máy chủ web cho môi trường thật (gunicorn) / run the production web server (gunicorn): "
        "4 × CPU cores + 4 workers (at most 32), one request at a time each unless told, static files by WhiteNoise."
    )

    def add_arguments(self, parser):
        parser.add_argument("--bind", help=f"address:port or unix:/path (env ANTOAN_BIND; default {DEFAULT_BIND})")
        parser.add_argument(
            "--workers",
            help=f"worker processes (env ANTOAN_WORKERS; default 4 × CPU cores + 4, at most 32: {workers_default()})",
        )
        parser.add_argument(
            "--threads",
            help=f"requests each worker answers at once (env ANTOAN_THREADS; default {DEFAULT_THREADS}; 1: one)",
        )
        parser.add_argument(
            "--timeout",
            help=f"seconds before a busy worker is restarted (env ANTOAN_TIMEOUT; default {DEFAULT_TIMEOUT})",
        )
        parser.add_argument(
            "--access-log",
            choices=ACCESS_LOGS,
            help="one JSON line per request (route, status, duration, request id, user id), or none (default off)",
        )
        parser.add_argument(
            "--collectstatic", action="store_true", help="run `collectstatic --noinput` into STATIC_ROOT first"
        )

    def handle(self, *args, **options):
        names = ("bind", "workers", "timeout", "access_log", "threads")
        config = serve_config(**{name: options[name] for name in names})
        if options["collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=options["verbosity"])
        env = gunicorn_environ(config)
        self.stdout.write(
            f"antoan: gunicorn {config.bind}, {config.workers} workers × {config.threads} threads, "
            f"access log {config.access_log}, logs {settings.LOG_FORMAT}"
        )
        self.stdout.flush()
        sys.stderr.flush()
        connections.close_all()
        os.execvpe(sys.executable, gunicorn_argv(config), env)
