"""`make scan`: sqlmap and wapiti against a scratch copy of the app on loopback.

Usage: python -m scans.run [--tools DIR] [--only sqlmap|wapiti]
Exits 1 on any finding that is not on scans/known_false_positives.toml.
"""

import argparse
import os
import signal
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from scans import sqlmap_runs, wapiti_runs
from scans.app_server import ROOT, scratch_app
from scans.findings import RequestLog, is_known, known_false_positives, server_error_findings, table

DEFAULT_TOOLS = ROOT / ".venv" / "scan-tools" / "bin"
# Anything that is not loopback goes to a closed port and fails at once, instead of
# reaching the internet or hanging on a name lookup.
OFFLINE = {
    "HTTP_PROXY": "http://127.0.0.1:9",
    "HTTPS_PROXY": "http://127.0.0.1:9",
    "ALL_PROXY": "http://127.0.0.1:9",
    "NO_PROXY": "127.0.0.1,localhost",
}


def statuses_text(statuses):
    return " ".join(f"{key}:{count}" for key, count in sorted(statuses.items())) or "-"


def scan_sqlmap(app, tools, workdir, requests_log, env):
    rows, findings = [], []
    for target in sqlmap_runs.targets(app):
        requests_log.since_last()
        started = time.monotonic()
        slug = target.name.replace(" ", "-").replace("/", "")
        sqlmap_runs.run(tools / "sqlmap", target, workdir / "sqlmap", workdir / f"sqlmap-{slug}.log", env)
        received, statuses, errors = requests_log.since_last()
        findings += target.findings + server_error_findings("sqlmap", errors)
        tested = sqlmap_runs.tested_parameters(target)
        rows.append(
            (
                target.name,
                f"{target.method} {urlsplit(target.url).path}",
                f"{target.level}/{target.risk}",
                ",".join(tested),
                received,
                statuses_text(statuses),
                f"{time.monotonic() - started:.0f}s",
                target.outcome,
                len(target.findings),
            )
        )
    print(f"\nsqlmap (--time-sec {sqlmap_runs.TIME_SEC})")
    print(
        table(
            rows,
            (
                "target",
                "request",
                "level/risk",
                "parameters tested",
                "requests",
                "answers",
                "time",
                "outcome",
                "injectable",
            ),
        )
    )
    return findings


def scan_wapiti(app, tools, workdir, requests_log, env):
    rows, findings = [], []
    cookie = sqlmap_runs.sign_in(app)
    for area in wapiti_runs.areas(app, cookie):
        requests_log.since_last()
        started = time.monotonic()
        area_dir = workdir / "wapiti" / area.name.replace(" ", "-")
        area_dir.mkdir(parents=True, exist_ok=True)
        wapiti_runs.run(tools / "wapiti", area, area_dir, area_dir / "wapiti.log", env)
        received, statuses, errors = requests_log.since_last()
        findings += area.findings + server_error_findings("wapiti", errors)
        rows.append(
            (
                area.name,
                urlsplit(area.start).path,
                received,
                statuses_text(statuses),
                f"{time.monotonic() - started:.0f}s",
                area.outcome,
                area.vulnerabilities,
                area.anomalies,
                area.informational,
            )
        )
    print(f"\nwapiti modules: {wapiti_runs.MODULES}")
    print(
        table(
            rows,
            (
                "area",
                "start",
                "requests",
                "answers",
                "time",
                "outcome",
                "vulnerabilities",
                "anomalies",
                "informational",
            ),
        )
    )
    return findings


def stop_on_sigterm(signum, frame):
    # Unwind, so that the scratch app, its mail sink and a running scanner are stopped too.
    sys.exit(128 + signum)


def main(argv=None):
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tools", type=Path, default=DEFAULT_TOOLS, help="where sqlmap and wapiti are")
    parser.add_argument("--only", choices=("sqlmap", "wapiti"))
    args = parser.parse_args(argv)
    reviewed = known_false_positives()
    workdir = Path(tempfile.mkdtemp(prefix="clinic-scan-"))
    env = {**os.environ, **OFFLINE}
    print(f"Scan output, logs and reports: {workdir}")
    findings = []
    with scratch_app(workdir, workdir / "app.log") as app:
        requests_log = RequestLog(workdir / "app.log")
        print(f"Scratch app (production settings, SQLite, demo data) on {app.base_url}")
        if args.only in (None, "sqlmap"):
            findings += scan_sqlmap(app, args.tools, workdir, requests_log, env)
        if args.only in (None, "wapiti"):
            findings += scan_wapiti(app, args.tools, workdir, requests_log, env)
    new = [finding for finding in findings if not is_known(finding, reviewed)]
    known = len(findings) - len(new)
    print(f"\n{len(findings)} findings: {known} on the reviewed list of false positives, {len(new)} not.")
    for finding in new:
        print(f"  NEW  {finding}")
    return 1 if new else 0


if __name__ == "__main__":
    sys.exit(main())
