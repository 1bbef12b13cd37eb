"""gunicorn's configuration when `antoan serve` starts it (`--config python:antoan.site.gunicorn_conf`).

`antoan serve` passes the bind address, the workers and the timeout on the command line, and in the
environment LOG_FORMAT, PROMETHEUS_MULTIPROC_DIR and ANTOAN_CACHE_DIR (with ANTOAN_SERVE_TEMPORARY, the folder it
made for them, which goes when the server stops).
"""

import atexit
import os
import shutil
from pathlib import Path

wsgi_app = "antoan.wsgi:application"
# Never gunicorn's access log: it writes raw paths, query strings and client addresses, which the tip portal's
# senders must not leave behind. The application writes one JSON line per request instead (ANTOAN_ACCESS_LOG).
accesslog = None
# gunicorn ≥ 25 opens a control socket (~/.gunicorn/gunicorn.ctl) that antoan does not use; two servers on one
# machine would fight over it.
control_socket_disable = True
# The application is loaded once, before the workers are forked: they start ready (see `when_ready`) and share
# the memory of the libraries they import. A code upgrade therefore needs a restart (systemctl restart), not HUP.
preload_app = True
# How long an idle kept-alive connection stays open: nginx's default (75 s) instead of gunicorn's 2 s. gthread closes
# expired connections after it has dispatched the ready ones, without looking again: a request that arrives on one
# in between is dropped, and the client sees "connection reset". With 2 s that happened to follow-up requests (a
# dashboard's API calls, the page after a form) whenever an overloaded worker's loop was late by 2 s (the load test,
# 4 December: 4 resets in 5,491 requests). An idle connection costs a socket, not a thread.
keepalive = 75

if os.environ.get("LOG_FORMAT") == "json":
    # gunicorn's own messages (workers booting, exiting, timing out) as JSON lines too, on standard error.
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "antoan.core.logs.JsonFormatter"}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
        "root": {"level": "WARNING", "handlers": ["stderr"]},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["stderr"], "propagate": False},
            "gunicorn.access": {"level": "CRITICAL", "handlers": [], "propagate": False},
        },
    }


def _metrics_dir() -> Path | None:
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    return Path(folder) if folder else None


def on_starting(server):
    folder = _metrics_dir()
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob("*.db"):  # counts of an earlier run's workers
            stale.unlink()
    temporary = os.environ.get("ANTOAN_SERVE_TEMPORARY")
    if temporary:
        master = os.getpid()

        def remove():
            if os.getpid() == master:  # not in a worker, which inherits this hook
                shutil.rmtree(temporary, ignore_errors=True)

        atexit.register(remove)


def when_ready(server):
    """Do in the master what each worker would otherwise do on its first requests (core/warmup.py: every view and
    template, the URL tables, the lunar calendar); then drop any database connection before the workers are forked,
    and move everything loaded so far out of the garbage collector's sight (gc.freeze, as Python's documentation
    advises before forking): a worker's full collections then walk only what it allocated itself, not the hundreds
    of thousands of objects of Django, numpy and scipy (each such walk held a request ~80 ms), and the pages the
    workers share stay shared."""
    import gc

    from django.db import connections

    from antoan.site.warmup import warm_up

    warm_up()
    connections.close_all()
    gc.collect()
    gc.freeze()


def child_exit(server, worker):
    if _metrics_dir() is not None:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
