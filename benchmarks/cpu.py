"""CPU time spent by the servers, read from /proc: a cost per request that other load on a shared
machine barely changes, unlike requests/second and latency."""

import os
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid):
    """(process group, own CPU seconds, reaped children's CPU seconds) of a process."""
    text = (Path("/proc") / str(pid) / "stat").read_text()
    # The command name may contain spaces and parentheses; the fields after it do not.
    fields = text[text.rindex(")") + 2 :].split()
    utime, stime, cutime, cstime = (int(value) for value in fields[11:15])
    return int(fields[2]), (utime + stime) / TICKS, (cutime + cstime) / TICKS


def process_group_seconds(leader):
    """CPU seconds of a process group led by `leader` (a gunicorn master in its own session):
    every live member, plus the workers the master has already reaped (recycled workers)."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            group, own, reaped = _stat(entry.name)
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
        if group == leader:
            total += own + (reaped if int(entry.name) == leader else 0.0)
    return total


def backend_seconds(conn, database):
    """{pid: CPU seconds} of PostgreSQL's live backends for one database (the server must run on
    this host). A backend that ends between two readings takes its last share with it, so
    differences are a lower bound."""
    seconds = {}
    pids = conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", (database,)).fetchall()
    for (pid,) in pids:
        try:
            seconds[pid] = _stat(pid)[1]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return seconds


def spent(before, after):
    """Seconds spent between two readings of {who: {process: seconds}}, by who."""
    return {
        who: sum(now - before.get(who, {}).get(process, 0.0) for process, now in processes.items())
        for who, processes in after.items()
    }
