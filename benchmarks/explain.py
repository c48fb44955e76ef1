"""EXPLAIN (ANALYZE, BUFFERS) for the SQL the app itself sends.

The app's own functions run inside a request context while a cursor hook records each
statement with its parameters, so the plans are for exactly what production executes,
never a hand-copied query. Each is then explained twice: as the schema stands, and with the
benchmark's indexes dropped inside a transaction that is rolled back.
"""

import re
import statistics
import time
from dataclasses import asdict, dataclass
from datetime import timedelta

import psycopg
from sqlalchemy import event, func, select

from clinic import clinic_time
from clinic.clinic_time import clinic_zone, local_day_bounds
from clinic.extensions import db
from clinic.models import Booking, ConsultationType, Practitioner, StaffUser
from clinic.models.staff import Role
from clinic.scheduling.queries import find_slots
from clinic.staff.day import queries as day_list
from clinic.staff.inbox import queries as inbox_query

# Added by migration 5d2a9c41e7b3 for these queries; dropped for the "without" column.
BENCHMARK_INDEXES = (
    "ix_enquiries_created_at_id",
    "ix_bookings_created_at_id",
    "ix_bookings_lower_email_starts_at",
    "ix_enquiries_search_trgm",
    "ix_bookings_search_trgm",
)
TIMED_RUNS = 5
EXECUTION_TIME = re.compile(r"Execution Time: ([\d.]+) ms")


@dataclass
class Plan:
    label: str
    sql: str
    plan: str
    # Medians of plain executions: EXPLAIN ANALYZE's per-row timing inflates its own figure.
    ms: float
    ms_without_indexes: float | None
    plan_ms: float
    plan_ms_without_indexes: float | None
    plan_without_indexes: str = ""

    def as_dict(self):
        return asdict(self)


def capture(app):
    """(label, statement, parameters) for each query behind the pages measured."""
    captured = []

    def record(conn, cursor, statement, parameters, context, executemany):
        captured.append((statement, parameters))

    with app.test_request_context():
        event.listen(db.engine, "before_cursor_execute", record)
        try:
            queries = []
            for label, filters in (
                ("inbox page 1", inbox_query.Filters()),
                ("inbox search by name", inbox_query.Filters(q="patel")),
                ("inbox search by phone", inbox_query.Filters(q="07700 9")),
            ):
                queries += _run(captured, f"{label}: counts", lambda f=filters: inbox_query.count(f))
                counts = inbox_query.count(filters)
                captured.clear()
                queries += _run(
                    captured, f"{label}: rows", lambda f=filters, c=counts: inbox_query.page(f, c, 1)
                )
            practitioner, day = _busiest_day()
            # As its practitioner sees it: the query narrowed to their own patients.
            own = StaffUser(role=Role.PRACTITIONER, practitioner_id=practitioner.id)
            queries += _run(captured, "day list", lambda: day_list.day_list(own, practitioner, day))
            consultation_type = db.session.get(ConsultationType, 1)
            today = clinic_time.today()
            queries += _run(
                captured,
                "availability, any practitioner, 4 weeks",
                lambda: find_slots(consultation_type, None, today, today + timedelta(days=27)),
            )
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
    return queries


def _run(captured, label, call):
    captured.clear()
    call()
    found = list(captured)
    captured.clear()
    if len(found) == 1:
        return [(label, *found[0])]
    return [(f"{label} ({n} of {len(found)})", *query) for n, query in enumerate(found, start=1)]


def _busiest_day():
    """Practitioner 1's fullest day in the coming fortnight: the day list at its longest."""
    practitioner = db.session.get(Practitioner, 1)
    today = clinic_time.today()
    start, end = local_day_bounds(today, today + timedelta(days=13))
    local_day = func.date(func.timezone(clinic_zone().key, func.timezone("UTC", Booking.starts_at)))
    day = db.session.scalar(
        select(local_day)
        .where(Booking.practitioner_id == 1, Booking.starts_at >= start, Booking.starts_at < end)
        .group_by(local_day)
        .order_by(func.count().desc(), local_day)
        .limit(1)
    )
    return practitioner, day


def explain_all(url, queries):
    plans = []
    with psycopg.connect(url) as conn:
        for label, statement, parameters in queries:
            plan, plan_ms = _explain(conn, statement, parameters)
            ms = _time(conn, statement, parameters)
            plans.append(Plan(label, statement, plan, ms, None, plan_ms, None))
        with conn.transaction(force_rollback=True):
            for name in BENCHMARK_INDEXES:
                conn.execute(f'DROP INDEX IF EXISTS "{name}"')
            for plan, (_, statement, parameters) in zip(plans, queries, strict=True):
                without, plan.plan_ms_without_indexes = _explain(conn, statement, parameters)
                plan.plan_without_indexes = without
                plan.ms_without_indexes = _time(conn, statement, parameters)
    return plans


def _explain(conn, statement, parameters):
    # The first run warms the cache; the second is the one reported.
    for _ in range(2):
        rows = conn.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters).fetchall()
    plan = "\n".join(row[0] for row in rows)
    return plan, float(EXECUTION_TIME.search(plan).group(1))


def _time(conn, statement, parameters):
    timings = []
    for _ in range(TIMED_RUNS):
        began = time.perf_counter()
        conn.execute(statement, parameters).fetchall()
        timings.append((time.perf_counter() - began) * 1000)
    return statistics.median(timings)
