"""wapiti on the public site and on the reception area, with no module that calls out.

Left out, because they contact hosts other than the target or fetch data from the
internet: ssrf, xxe and log4shell (they poll wapiti's own servers), ssl (asks crt.sh,
runs sslscan), takeover (DNS), wapp, nikto and htp (download their databases), cms,
wp_enum and network_device (fingerprints of software we do not run), spring4shell
(Java only), https_redirect (nginx redirects http in production; the scratch app
only speaks https), buster (a long brute force of paths the URL map already lists)
and brute_login_form (the accounts are made with random passwords, and its attempts
would only meet the sign-in limits). xss and file name an "external endpoint" inside
their payloads only; it is pointed at a closed port on loopback, and the DNS endpoint,
which wapiti resolves at start-up even with log4shell left out, at localhost.
"""

import json
import subprocess  # noqa: S404 - the scanner is a program we run
from dataclasses import dataclass, field

from scans.findings import Finding

MODULES = (
    "backup,cookieflags,crlf,csp,csrf,exec,file,htaccess,http_headers,ldap,methods,permanentxss,"
    "redirect,shellshock,sql,timesql,upload,xss"
)
CLOSED_PORT_ON_LOOPBACK = "https://127.0.0.1:9/"


@dataclass
class Area:
    name: str
    start: str
    excluded: tuple = ()
    cookie: str | None = None
    max_scan_seconds: int = 180
    vulnerabilities: int = 0
    anomalies: int = 0
    informational: int = 0
    findings: list = field(default_factory=list)
    outcome: str = "not run"

    @property
    def timeout(self):
        # --max-scan-time does not cut a module short, only --max-attack-time does: with 18
        # modules the reception area ran 270 s past a 180 s scan time, and no report came.
        return self.max_scan_seconds + 150


def areas(app, cookie):
    base = app.base_url
    return [
        Area("public site", base + "/", excluded=(base + "/staff/*",)),
        Area(
            "reception area",
            base + "/staff/",
            # Signing out, or changing the password, would end the scan's own session.
            excluded=(base + "/staff/logout", base + "/staff/account/*"),
            cookie=cookie,
        ),
    ]


def command(wapiti, area, workdir, report):
    args = [
        str(wapiti),
        "-u",
        area.start,
        "--scope",
        "folder",
        "-m",
        MODULES,
        "--flush-session",
        "--store-session",
        str(workdir / "session"),
        "--store-config",
        str(workdir / "config"),
        "--max-scan-time",
        str(area.max_scan_seconds),
        "--max-attack-time",
        "15",
        "--no-bugreport",
        "--verify-ssl",
        "0",
        "-t",
        "10",
        "-d",
        "4",
        "--tasks",
        "4",
        "--external-endpoint",
        CLOSED_PORT_ON_LOOPBACK,
        # wapiti builds every module, used or not, and log4shell's looks this name up at once.
        "--dns-endpoint",
        "localhost",
        "-f",
        "json",
        "-o",
        str(report),
        "-v",
        "1",
    ]
    for url in area.excluded:
        args += ["-x", url]
    if area.cookie:
        # Not with --drop-set-cookie: wapiti then strips the Cookie header from every request.
        # The header wins over the cookies the app sets, so the session stays the one signed in.
        args += ["-C", area.cookie]
    return args


def run(wapiti, area, workdir, log_path, env):
    report = workdir / f"{area.name.replace(' ', '-')}.json"
    with open(log_path, "w") as log:
        try:
            finished = subprocess.run(  # noqa: S603 - fixed arguments, our own target
                command(wapiti, area, workdir, report),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                timeout=area.timeout,
                env=env,
                check=False,
            )
            area.outcome = f"finished (exit {finished.returncode})"
        except subprocess.TimeoutExpired:
            area.outcome = f"stopped at its {area.timeout} s cap, no report"
    if not report.exists():
        area.findings.append(Finding("wapiti", "no report written", area.start, area.outcome))
        return area
    results = json.loads(report.read_text())
    for section, counter in (("vulnerabilities", "vulnerabilities"), ("anomalies", "anomalies")):
        for kind, items in results.get(section, {}).items():
            setattr(area, counter, getattr(area, counter) + len(items))
            area.findings += [
                Finding("wapiti", kind, f"{item['method']} {item['path']}", item.get("parameter") or "")
                for item in items
            ]
    area.informational = sum(len(items) for items in results.get("additionals", {}).values())
    return area
