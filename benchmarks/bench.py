"""The whole benchmark in one run; start it with benchmarks/run, which sets the environment.

Recreates and seeds the database, explains the app's heaviest queries, then serves the clinic
and hello-world under the same gunicorn settings and drives both with wrk, then books under
contention, and writes benchmarks/results/latest.md and latest.json.
"""

import os
import random
import secrets
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from benchmarks import booking_load, cpu, explain, http_load, report, seed, servers
from benchmarks.client import check_inbox, sign_in
from clinic import create_app
from clinic.clinic_time import today
from clinic.staff.auth import passwords

SLOT_DAYS = 28
RESULTS = Path(__file__).resolve().parent / "results"
RECEPTION_EMAIL = "reception@hairline-clinic.co.uk"


def main():
    # SIGTERM (from benchmarks/run's trap) unwinds like an exception, so the servers are stopped.
    signal.signal(signal.SIGTERM, _terminated)
    began = time.monotonic()
    url = os.environ["DATABASE_URL"]
    run_dir = Path(os.environ["BENCH_RUN_DIR"])
    log = Logger(began)

    log("recreating the database")
    recreate_database(url)
    subprocess.run(  # noqa: S603 - our own CLI, fixed arguments
        [sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"],
        cwd=servers.REPO,
        check=True,
        capture_output=True,
    )
    app = create_app()
    password = secrets.token_urlsafe(24)
    log("seeding")
    with app.app_context():
        dataset = seed.seed(
            url,
            os.environ["UPLOAD_FOLDER"],
            random.Random(6),  # noqa: S311 - reproducible sample data, not secrets
            reception_email=RECEPTION_EMAIL,
            reception_password=password,
            hash_password=passwords.hash_password,
        )
    seed_seconds = time.monotonic() - began
    log(f"seeded {dataset.counts}")

    log("explaining the app's queries")
    plans = explain.explain_all(url, explain.capture(app))
    with app.app_context():
        local_today = today()

    results = {
        "seed": dataset.counts,
        "seed_seconds": round(seed_seconds, 1),
        "cpus": os.cpu_count(),
        "wrk": f"-t{http_load.THREADS} -c{http_load.CONNECTIONS} -d{http_load.DURATION_SECONDS}s",
        "explain": [plan.as_dict() for plan in plans],
    }
    results["gunicorn"] = f"--config {servers.CONFIG_FILE.name}"
    running = []
    try:
        sink = _start(running, servers.SmtpSink(run_dir)).wait_until_up()
        env = {**os.environ, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(sink.port)}
        hello = _start(running, servers.Gunicorn("hello", "benchmarks.hello:app", env, run_dir))
        clinic = _start(running, servers.Gunicorn("clinic", "wsgi:app", env, run_dir))
        hello.wait_until_up("/")
        clinic.wait_until_up("/healthz")
        with psycopg.connect(url, autocommit=True) as conn:
            meters = Meters(hello, clinic, conn)
            results["http"] = measure_pages(hello, clinic, dataset, local_today, meters, log)
            log("booking load")
            first_day = local_today + timedelta(days=7)
            results["booking"] = booking_load.run(
                clinic.url, dataset.type_ids[0], first_day, meters.clinic
            ).as_dict()
        with psycopg.connect(url) as conn:
            results["database_checks"] = booking_load.check_database(conn)
    finally:
        for process in reversed(running):
            process.stop()
    results["seconds"] = round(time.monotonic() - began, 1)
    markdown = report.markdown(results)
    print(markdown)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.md").write_text(markdown)
    (RESULTS / "latest.json").write_text(report.as_json(results))
    problems = report.problems(results)
    for problem in problems:
        print(f"problem: {problem}", file=sys.stderr)
    return 1 if problems else 0


def measure_pages(hello, clinic, dataset, local_today, meters, log):
    """Each page between two hello-world runs, so its ratio is to the ceiling measured around it
    on a machine whose other load comes and goes."""
    staff = sign_in(clinic.url, dataset.staff_email, dataset.staff_password)
    cookie = f"Cookie: {staff.cookie_header}"
    first = local_today + timedelta(days=1)
    slot_paths = [
        f"/book/slots?type={dataset.type_ids[0]}&practitioner=any&date={first + timedelta(days=n)}"
        for n in range(SLOT_DAYS)
    ]
    pages = [
        ("/", ["/"], [], http_load.CONNECTIONS),
        ("/smp", ["/smp"], [], http_load.CONNECTIONS),
        ("/book/slots (any practitioner, 28 days)", slot_paths, [], http_load.CONNECTIONS),
        ("/staff/enquiries (reception, page 1)", ["/staff/enquiries"], [cookie], http_load.CONNECTIONS),
        # One connection: the page's own latency, without queueing behind 31 others.
        ("/staff/enquiries (reception, page 1), 1 connection", ["/staff/enquiries"], [cookie], 1),
    ]
    ceiling = []

    def hello_world(connections):
        log(f"hello-world, {connections} connections")
        ceiling.append(http_load.run("hello-world", hello.url, connections=connections, meter=meters.hello))
        return ceiling[-1]

    before = hello_world(http_load.CONNECTIONS)
    measured = []
    for name, paths, headers, connections in pages:
        if before.connections != connections:
            before = hello_world(connections)
        log(name)
        page = http_load.run(name, clinic.url, paths, headers, connections=connections, meter=meters.clinic)
        after = hello_world(connections)
        around = (before.requests_per_second + after.requests_per_second) / 2
        measured.append(page.as_dict() | {"unexpected": page.unexpected, "hello_world_rps": around})
        before = after
    # Still the inbox after the load, not a sign-in page: the session outlived it.
    check_inbox(staff.get("/staff/enquiries", allow_redirects=False, timeout=30))
    hello_runs = [run.as_dict() | {"unexpected": run.unexpected} for run in ceiling]
    return {"pages": measured, "hello_world": hello_runs}


def recreate_database(url):
    name = conninfo_to_dict(url)["dbname"]
    # A wrong BENCH_DATABASE_URL must never drop someone's real database.
    if "bench" not in name:
        raise SystemExit(f"refusing to drop {name!r}: the benchmark database's name must contain 'bench'")
    with psycopg.connect(make_conninfo(url, dbname="postgres"), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


class Meters:
    """CPU seconds so far of each server, and of the clinic's PostgreSQL backends."""

    def __init__(self, hello, clinic, conn):
        self.hello_pid, self.clinic_pid, self.conn = hello.process.pid, clinic.process.pid, conn
        self.database = conninfo_to_dict(os.environ["DATABASE_URL"])["dbname"]

    def hello(self):
        return {"app": {"gunicorn": cpu.process_group_seconds(self.hello_pid)}}

    def clinic(self):
        return {
            "app": {"gunicorn": cpu.process_group_seconds(self.clinic_pid)},
            "postgresql": cpu.backend_seconds(self.conn, self.database),
        }


def _terminated(signum, frame):
    raise SystemExit(128 + signum)


def _start(running, process):
    running.append(process)
    return process


class Logger:
    def __init__(self, began):
        self.began = began

    def __call__(self, message):
        print(f"[{time.monotonic() - self.began:6.1f}s] {message}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
