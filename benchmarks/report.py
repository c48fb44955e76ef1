"""The benchmark's results as markdown (stdout and latest.md) and JSON (latest.json)."""

import json
from datetime import UTC, datetime

from benchmarks import explain

INBOX_P95_TARGET_MS = 100
BOOKING_P95_TARGET_MS = 50


def markdown(results):
    lines = [
        f"# Benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"{results['cpus']} CPUs; gunicorn `{results['gunicorn']}` for both apps; wrk `{results['wrk']}` "
        f"on loopback. Database recreated, migrated and seeded in {results['seed_seconds']} s: "
        + ", ".join(f"{n:,} {table}" for table, n in results["seed"].items())
        + f". Whole run: {results['seconds']} s.",
        "",
        "## Pages (wrk)",
        "",
        "| Page | conns | req/s | hello-world req/s | ratio | p50 ms | p95 ms | p99 ms | non-200 "
        "| app CPU ms/req | PostgreSQL CPU ms/req |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in results["http"]["pages"]:
        lines.append(
            f"| {row['name']} | {row['connections']} | {row['requests_per_second']:,.0f} "
            f"| {row['hello_world_rps']:,.0f} | {row['requests_per_second'] / row['hello_world_rps']:.1%} "
            f"| {row['p50_ms']:.1f} | {row['p95_ms']:.1f} | {row['p99_ms']:.1f} | {row['unexpected']} "
            f"| {row['cpu_ms'].get('app', 0):.2f} | {row['cpu_ms'].get('postgresql', 0):.2f} |"
        )
    hello = results["http"]["hello_world"]
    lines += [
        "",
        "Each page ran between two hello-world runs with the same connections; its ratio is to their mean. "
        "Hello-world runs, in order: "
        + ", ".join(
            f"{run['requests_per_second']:,.0f} req/s (c{run['connections']}, "
            f"{run['cpu_ms']['app']:.2f} CPU ms/req)"
            for run in hello
        )
        + ". CPU ms/req is the servers' own CPU time (from /proc) per request, which other load on the "
        "machine changes far less than req/s; PostgreSQL's counts live backends only, a lower bound.",
        "",
        "Inbox p95: "
        + ", ".join(
            f"{row['p95_ms']:.1f} ms with {row['connections']} connections" for row in _inbox(results)
        )
        + f" (target under {INBOX_P95_TARGET_MS} ms).",
    ]
    booking = results["booking"]
    checks = results["database_checks"]
    lines += [
        "",
        "## Booking POSTs (20 concurrent patients competing for a pool of times)",
        "",
        "| POSTs | 303 booked | 409 refused | other | forms gone | p50 ms | p95 ms | p99 ms | max ms |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| {booking['posts']} | {booking['statuses'].get('303', 0)} | {booking['statuses'].get('409', 0)} "
        f"| {_other(booking['statuses'])} | {booking['forms_already_taken']} | {booking['p50_ms']:.1f} "
        f"| {booking['p95_ms']:.1f} | {booking['p99_ms']:.1f} | {booking['max_ms']:.1f} |",
        "",
        f"Pool: {booking['pool_size']} (practitioner, time) choices; {booking['seconds']:.1f} s. "
        f"One patient at a time beforehand ({booking['alone_statuses']}): "
        f"p50 {booking['alone_p50_ms']:.1f} ms, p95 {booking['alone_p95_ms']:.1f} ms. "
        f"CPU per attempt (form GET + POST): app {booking['cpu_ms_per_attempt']['app']:.1f} ms, "
        f"PostgreSQL {booking['cpu_ms_per_attempt']['postgresql']:.1f} ms. "
        f"p95 by status: {', '.join(f'{s}: {ms:.1f} ms' for s, ms in booking['p95_by_status_ms'].items())} "
        f"(target p95 under {BOOKING_P95_TARGET_MS} ms). Afterwards in SQL: "
        f"{checks['overlapping_live_bookings']} overlapping live bookings, "
        f"{checks['live_bookings_made_by_load']} live bookings made by the load.",
        "",
        "## Queries behind the pages",
        "",
        "Median of 5 plain executions, and EXPLAIN ANALYZE's own execution time (inflated by its "
        "per-row timing), with and without the indexes of migration 5d2a9c41e7b3 "
        f"({', '.join(explain.BENCHMARK_INDEXES)}; dropped in a rolled-back transaction).",
        "",
        "| Query | ms | ms without | EXPLAIN ms | EXPLAIN ms without |",
        "|---|---:|---:|---:|---:|",
    ]
    for plan in results["explain"]:
        lines.append(
            f"| {plan['label']} | {plan['ms']:.2f} | {plan['ms_without_indexes']:.2f} "
            f"| {plan['plan_ms']:.2f} | {plan['plan_ms_without_indexes']:.2f} |"
        )
    lines += ["", "### Plans (EXPLAIN (ANALYZE, BUFFERS), second run)", ""]
    for plan in results["explain"]:
        lines += [
            f"#### {plan['label']}",
            "",
            "```sql",
            plan["sql"].strip(),
            "```",
            "",
            "```",
            plan["plan"],
            "```",
            "",
        ]
        if any(name in plan["plan"] for name in explain.BENCHMARK_INDEXES):
            lines += ["Without the benchmark indexes:", "", "```", plan["plan_without_indexes"], "```", ""]
    return "\n".join(lines)


def as_json(results):
    return json.dumps(results, indent=2, default=str) + "\n"


def problems(results):
    """What makes the run's numbers untrustworthy, as opposed to merely slow."""
    runs = results["http"]["pages"] + results["http"]["hello_world"]
    found = [
        f"{row['name']}: {row['unexpected']} responses were not 200" for row in runs if row["unexpected"]
    ]
    booking = results["booking"]
    found += booking["failures"]
    if _other(booking["statuses"]):
        found.append(f"booking POSTs answered {booking['statuses']}")
    if results["database_checks"]["overlapping_live_bookings"]:
        found.append("live bookings overlap")
    if _other(booking["alone_statuses"]) or booking["alone_statuses"].get("409"):
        found.append(f"lone bookings answered {booking['alone_statuses']}")
    booked = booking["statuses"].get("303", 0) + booking["alone_statuses"].get("303", 0)
    if results["database_checks"]["live_bookings_made_by_load"] != booked:
        found.append("the load's live bookings do not match its 303 answers")
    return found


def _inbox(results):
    return [row for row in results["http"]["pages"] if row["name"].startswith("/staff/enquiries")]


def _other(statuses):
    return sum(n for status, n in statuses.items() if status not in ("303", "409"))
