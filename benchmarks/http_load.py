"""Drives a server with wrk from another process and reads back its numbers."""

import json
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

from benchmarks import cpu

WRK = "/usr/bin/wrk"
SCRIPT = Path(__file__).resolve().parent / "wrk" / "report.lua"
THREADS = 2
CONNECTIONS = 32
DURATION_SECONDS = 10
WARM_UP_SECONDS = 2


@dataclass(frozen=True)
class LoadResult:
    name: str
    connections: int
    requests: int
    requests_per_second: float
    p50_ms: float
    p90_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    socket_errors: int
    statuses: dict
    # CPU milliseconds per request, by whom ("app", "postgresql"), when a meter was given.
    cpu_ms: dict

    def as_dict(self):
        return asdict(self)

    @property
    def unexpected(self):
        """Responses that were not 200: errors, redirects or throttling would flatter the numbers."""
        return self.socket_errors + sum(n for status, n in self.statuses.items() if status != "200")


def run(
    name, base_url, paths=(), headers=(), *, connections=CONNECTIONS, duration=DURATION_SECONDS, meter=None
):
    """wrk against base_url, cycling through `paths`; a short warm-up run first is discarded.
    meter: returns {who: {process: CPU seconds so far}}, read around the measured run."""
    _wrk(base_url, paths, headers, connections, WARM_UP_SECONDS)
    before = meter() if meter else {}
    found = _wrk(base_url, paths, headers, connections, duration)
    after = meter() if meter else {}
    cpu_ms = {
        who: seconds * 1000 / max(found["requests"], 1) for who, seconds in cpu.spent(before, after).items()
    }
    seconds = found["duration_us"] / 1e6
    return LoadResult(
        name=name,
        connections=connections,
        requests=found["requests"],
        requests_per_second=found["requests"] / seconds,
        p50_ms=found["p50_us"] / 1000,
        p90_ms=found["p90_us"] / 1000,
        p95_ms=found["p95_us"] / 1000,
        p99_ms=found["p99_us"] / 1000,
        max_ms=found["max_us"] / 1000,
        socket_errors=found["socket_errors"],
        statuses=found["statuses"],
        cpu_ms=cpu_ms,
    )


def _wrk(base_url, paths, headers, connections, duration):
    command = [
        WRK,
        f"-t{min(THREADS, connections)}",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "10s",
        "-s",
        str(SCRIPT),
    ]
    for header in headers:
        command += ["-H", header]
    command += [base_url, "--", *paths]
    output = subprocess.run(  # noqa: S603 - wrk with our own arguments
        command, capture_output=True, text=True, check=True, timeout=duration + 60
    ).stdout
    for line in output.splitlines():
        if line.startswith("BENCH_JSON "):
            return json.loads(line.removeprefix("BENCH_JSON "))
    raise RuntimeError(f"wrk printed no results:\n{output}")
