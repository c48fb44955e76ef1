"""sqlmap against the forms and query strings that reach the database.

Each run sends a real form: a fresh CSRF token is read from the form's page before
every request (--csrf-url), and the inbox search goes with a signed-in cookie.
"""

import re
import subprocess  # noqa: S404 - the scanner is a program we run
from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import urlencode, urlsplit

from scans.app_server import RECEPTION_EMAIL
from scans.findings import Finding
from scans.forms import form_fields

# Levels and risks that fit the time caps on two cores: the cheap JSON query string
# gets the most payloads, each form field of the slower pages fewer.
TIME_SEC = 2
# Realistic answers for the fields a patient types; the rest keep the form's own values.
PATIENT = {
    "full_name": "Sam Patel",
    "email": "sam.patel@gmail.com",
    "phone": "07911 123456",
    "message": "Is SMP right for a receding hairline?",
    "notes": "Mornings suit me best.",
}
NOT_TESTED = {"csrf_token"}
# sqlmap names a parameter only once it has confirmed the injection ("appears to be
# injectable" lines may still be withdrawn by its own false-positive checks).
IDENTIFIED = "sqlmap identified the following injection point"
INJECTION_POINT = re.compile(r"^Parameter: (.+) \((?:GET|POST|URI|Cookie|[^)]+)\)$", re.MULTILINE)


@dataclass
class Target:
    name: str
    url: str
    method: str
    params: dict
    csrf_url: str | None = None
    cookie: str | None = None
    # Python sqlmap runs before each request, to set parameters it does not test.
    eval: str | None = None
    not_tested: frozenset = frozenset()
    level: int = 2
    risk: int = 2
    timeout: int = 180
    findings: list = field(default_factory=list)
    requests_sent: int | None = None
    outcome: str = "not run"


def sign_in(app):
    """A reception session, as the cookie header value sqlmap and wapiti send."""
    client = app.session()
    login = app.base_url + "/staff/login"
    fields = form_fields(client.get(login).text)
    fields.update(email=RECEPTION_EMAIL, password=app.reception_password)
    answer = client.post(login, data=fields, allow_redirects=False)
    if answer.status_code != 303:
        raise RuntimeError(f"could not sign in as reception for the scan (HTTP {answer.status_code})")
    return "; ".join(f"{name}={value}" for name, value in client.cookies.items())


def free_slot(app):
    """(type id, practitioner, start) of the first free time, read from /book/slots."""
    client = app.session()
    type_id = re.search(r'name="type"[^>]*value="(\d+)"', client.get(app.base_url + "/book").text)[1]
    day = date.today()
    for _ in range(60):
        day += timedelta(days=1)
        answer = client.get(
            app.base_url + "/book/slots",
            params={"type": type_id, "practitioner": "any", "date": day.isoformat()},
        )
        slots = answer.json().get("slots") if answer.ok else None
        if slots:
            return type_id, str(slots[0]["practitioners"][0]), slots[0]["start"], day
    raise RuntimeError("no free time in the scratch app's diary: the scan cannot book")


def targets(app):
    client = app.session()
    type_id, practitioner, start, day = free_slot(app)
    enquiry = form_fields(client.get(app.base_url + "/enquire").text, "/enquire")
    details_page = (
        app.base_url
        + "/book/details?"
        + urlencode({"type": type_id, "practitioner": practitioner, "start": start})
    )
    booking = form_fields(client.get(details_page).text, "/book/details")
    inbox = {
        "q": "Patel",
        "kind": "",
        "status": "",
        "concern": "",
        "practitioner": "",
        "date_from": "",
        "date_to": "",
    }
    return [
        Target(
            "enquiry form",
            app.base_url + "/enquire",
            "POST",
            {**enquiry, **_typed(enquiry)},
            csrf_url=app.base_url + "/enquire",
            # A new one-time key each time, so that every request saves a new enquiry and its
            # answers reach the INSERT (a key sent twice lands on the first one's thanks page).
            # The key itself is refused unless it is 43 URL-safe characters.
            eval="import secrets; submission_key = secrets.token_urlsafe(32)",
            not_tested=frozenset({"submission_key"}),
        ),
        Target(
            "booking details form",
            app.base_url + "/book/details",
            "POST",
            {**booking, **_typed(booking)},
            # The first request books the time; the same one-time key then lands on that
            # booking's confirmation, whatever else was sent. Once the time is taken its own
            # page redirects, so the token (one per session, for every form) is read from
            # the enquiry page.
            csrf_url=app.base_url + "/enquire",
            # 15 fields: 180 s covered 13 of them on two busy cores.
            timeout=240,
        ),
        Target(
            "/book/slots",
            app.base_url + "/book/slots",
            "GET",
            {"type": type_id, "practitioner": practitioner, "date": day.isoformat()},
            level=5,
            risk=3,
            timeout=90,
        ),
        Target(
            "inbox search",
            app.base_url + "/staff/enquiries",
            "GET",
            inbox,
            cookie=sign_in(app),
            level=2,
            risk=1,
            timeout=200,
        ),
    ]


def _typed(fields):
    return {name: value for name, value in PATIENT.items() if name in fields}


def tested_parameters(target):
    return [name for name in target.params if name not in NOT_TESTED | target.not_tested]


def command(sqlmap, target, output_dir):
    query = urlencode(target.params)
    args = [
        str(sqlmap),
        "--batch",
        "--disable-coloring",
        "--flush-session",
        "-v",
        "1",
        "--level",
        str(target.level),
        "--risk",
        str(target.risk),
        "--time-sec",
        str(TIME_SEC),
        "--timeout",
        "10",
        # The scratch database is SQLite: payloads for other engines would only cost time.
        "--dbms",
        "SQLite",
        "--retries",
        "1",
        "--output-dir",
        str(output_dir),
        "-p",
        ",".join(tested_parameters(target)),
    ]
    if target.method == "POST":
        # sqlmap would follow the form's 303 with the POST again; the 303 is the answer.
        args += ["-u", target.url, "--data", query, "--ignore-redirects"]
    else:
        args += ["-u", f"{target.url}?{query}"]
    if target.csrf_url:
        args += ["--csrf-token", "csrf_token", "--csrf-url", target.csrf_url]
    if target.eval:
        args += ["--eval", target.eval]
    if target.cookie:
        # Keep our signed-in cookie; the app's refreshed cookie must not replace it mid-run.
        args += ["--cookie", target.cookie, "--drop-set-cookie"]
    return args


def run(sqlmap, target, output_dir, log_path, env):
    with open(log_path, "w") as log:
        try:
            finished = subprocess.run(  # noqa: S603 - fixed arguments, our own target
                command(sqlmap, target, output_dir),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                timeout=target.timeout,
                # sqlmap runs --eval only when told that the code is the caller's own.
                env={**env, "SQLMAP_UNSAFE_EVAL": "1"} if target.eval else env,
                check=False,
            )
            target.outcome = f"finished (exit {finished.returncode})"
        except subprocess.TimeoutExpired:
            target.outcome = f"stopped at its {target.timeout} s cap"
    text = log_path.read_text(errors="replace")
    if IDENTIFIED in text:
        where = f"{target.method} {urlsplit(target.url).path}"
        parameters = sorted(set(INJECTION_POINT.findall(text.split(IDENTIFIED, 1)[1]))) or ["(see its log)"]
        target.findings = [Finding("sqlmap", "SQL injection", where, name) for name in parameters]
    return target
