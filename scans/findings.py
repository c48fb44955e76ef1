"""Findings, the reviewed list of known false positives, and the summary table."""

import re
import tomllib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

KNOWN_FALSE_POSITIVES = Path(__file__).with_name("known_false_positives.toml")
REQUEST_LINE = re.compile(r"method=(\S+) route=(\S+) status=(\d{3})")


@dataclass(frozen=True)
class Finding:
    tool: str
    kind: str
    target: str
    detail: str = ""

    def __str__(self):
        return f"{self.tool}: {self.kind} at {self.target}" + (f" ({self.detail})" if self.detail else "")


def known_false_positives(path=KNOWN_FALSE_POSITIVES):
    """Each entry names tool, kind and target (and optionally detail), and why it is false."""
    with open(path, "rb") as reviewed:
        entries = tomllib.load(reviewed).get("false_positive", [])
    for entry in entries:
        missing = {"tool", "kind", "target", "reason"} - entry.keys()
        if missing or not entry["reason"].strip():
            raise ValueError(
                f"{path.name}: an entry lacks {', '.join(sorted(missing)) or 'a reason'}: {entry}"
            )
    return entries


def is_known(finding, entries):
    return any(
        entry["tool"] == finding.tool
        and entry["kind"] == finding.kind
        and entry["target"] == finding.target
        and entry.get("detail", finding.detail) == finding.detail
        for entry in entries
    )


class RequestLog:
    """What the app received, read from its one-line-per-request log between two marks."""

    def __init__(self, path):
        self.path = path
        self.offset = 0

    def since_last(self):
        with open(self.path, errors="replace") as log:
            log.seek(self.offset)
            text = log.read()
            self.offset = log.tell()
        lines = REQUEST_LINE.findall(text)
        statuses = Counter(status[0] + "xx" for _, _, status in lines)
        server_errors = Counter(
            f"{method} {route}" for method, route, status in lines if status.startswith("5")
        )
        return len(lines), statuses, server_errors


def server_error_findings(tool, server_errors):
    """A 5xx is a finding in its own right: input must never crash a request."""
    return [
        Finding(tool, "server error (5xx)", route, f"{count} times") for route, count in server_errors.items()
    ]


def table(rows, headings):
    widths = [max(len(str(cell)) for cell in column) for column in zip(headings, *rows, strict=True)]
    lines = [
        " | ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in (headings, *rows)
    ]
    lines.insert(1, "-+-".join("-" * width for width in widths))
    return "\n".join(lines)
