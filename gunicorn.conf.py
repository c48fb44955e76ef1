"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py wsgi:app`.

Every value can be changed from the environment (deploy/clinic.env), so the
systemd unit and this file stay the same on every server. docs/deploy.md has
the whole picture.
"""

import os
import sys

from config import default_web_workers

# Loopback (or a Unix socket, "unix:/run/clinic/gunicorn.sock") only, never a public
# address: nginx on the same host is the one client, and it terminates TLS.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Threads let a worker wait on PostgreSQL or the mail server for one request
# while serving others (gthread worker); WEB_CONCURRENCY is gunicorn's own name
# for the worker count, and check-deploy reads the same value.
workers = int(os.environ.get("WEB_CONCURRENCY") or default_web_workers())
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"

# Load the app once in the master: a bad setting (a weak SECRET_KEY) stops the
# service at start instead of crash-looping workers, and the workers share the
# loaded code's memory. Nothing opens a database connection at import, so no
# connection is inherited across the fork (post_fork makes sure of it).
preload_app = True

# With gthread workers this is how long a worker may stop answering its
# heartbeat, not a per-request limit; a slow request (photo uploads, a mail
# server that hangs for MAIL_TIMEOUT) does not get its worker killed.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# On SIGTERM or a reload, requests under way get this long to finish. systemd's
# TimeoutStopSec (deploy/clinic-web.service) is longer, so it never cuts them off.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
# nginx reuses upstream connections for this long (keepalive in the nginx sample).
keepalive = 5

# Recycling workers now and then bounds the harm of a slow memory leak; the
# jitter keeps them from all restarting at the same moment. Not too often: a
# new worker starts with empty caches (compiled templates, cached pages), and at
# 1,000 requests the benchmark measured a third of the throughput lost to it.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = max_requests // 10

# The heartbeat file lives in RAM: on a disk-backed /tmp an fchmod can stall and
# get a healthy worker killed. gunicorn makes the file with mkstemp (a private,
# unpredictable name), which is what the lint warns about.
worker_tmp_dir = "/dev/shm"  # noqa: S108

# No access log: gunicorn's would record every path with its secret token and
# query string, and the client's address. The app writes one line per request
# without them (clinic/web/request_log.py); errors go to standard error, the journal.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# Which peers may tell gunicorn the scheme (X-Forwarded-Proto): the local nginx.
# The client's address is taken by the app itself, and likewise only from these
# peers (TRUSTED_PROXY_ADDRESSES, PROXY_TRUSTED_HOPS; clinic.web.proxies).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# The runtime control socket is not used (systemd sends the signals) and would
# be one more way into a running server.
control_socket_disable = True

proc_name = "clinic-web"


def post_fork(server, worker):
    # SQLAlchemy's advice for forking servers: a child must never reuse a pooled
    # connection it inherited, or two processes talk over one socket. Only an app
    # the master preloaded can have one; any other app (a hello-world baseline
    # served with these same settings) is left alone.
    preloaded = sys.modules.get("wsgi")
    if preloaded is None:
        return
    from clinic.extensions import db

    with preloaded.app.app_context():
        db.engine.dispose(close=False)
