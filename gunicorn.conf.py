"""gunicorn settings for `make serve` and production (`gunicorn -c gunicorn.conf.py app:app`).

Every value can be overridden from the environment, e.g. GUNICORN_BIND=0.0.0.0:8000 behind a
proxy on another host. Workers hold no state of their own (see docs/deploy.md), so any number
of them, on any number of servers, can share one database.
"""

import gc
import multiprocessing
import os

from gunicorn.arbiter import Arbiter

# The classic rule for synchronous workers: two per core, plus one waiting on I/O.
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count() + 1))
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
worker_class = "sync"
# Exports of a whole province stream for a while; anything slower than this is a bug.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 120))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, so a slow leak never becomes an outage.
max_requests = 2000
max_requests_jitter = 200
# Each worker imports the application and opens its own connection pool after the fork.
preload_app = False
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-") or None  # empty: no access log
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
# Behind nginx on the same host: trust its X-Forwarded-* headers only from loopback.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def on_starting(server: Arbiter) -> None:
    """Tell the application how many workers will serve it (the final count, after any -w),
    so production refuses a per-process sign-in throttle (core.security.check_production)."""
    os.environ["DANHGIA_WORKERS"] = str(server.cfg.workers)


def post_worker_init(worker: object) -> None:
    """Move what the worker has loaded (modules, mappers, templates: some 230 000 objects) out
    of the cycle collector's sight. They live as long as the worker, yet each full pass walked
    them all again: about 90 ms, stalling whichever request it fell in."""
    gc.freeze()
