"""Hypothesis strategies of hostile form values, and the checks every response and email must pass."""

import csv
import io
import itertools
import os
import re
from datetime import date

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from sqlalchemy import select

from clinic.extensions import db
from clinic.models import OutboxMessage
from clinic.staff.inbox.queries import CSV_HEADER
from tests.support.spreadsheets import cells_a_spreadsheet_would_run

# 40 keeps tests/test_fuzz_forms.py near a minute on SQLite; FUZZ_EXAMPLES=500 makes a deeper run.
EXAMPLES_PER_FORM = int(os.environ.get("FUZZ_EXAMPLES", "40"))

fuzz = settings(
    max_examples=EXAMPLES_PER_FORM,
    deadline=None,
    # A failure prints the @reproduce_failure blob that replays it on another machine.
    print_blob=True,
    # The app, its database and the signed-in clients are built once per test and shared by its examples.
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)

XSS = (
    '<script>alert("fz")</script>',
    '"><img src=x onerror=alert(1)>',
    "'><svg/onload=alert(2)>",
    "</textarea><b>fz</b>",
)
# What a page or email would contain had a payload gone out unescaped; escaped, none survives.
RAW_MARKERS = ("<script>alert(", "<img src=x onerror=", "<svg/onload=", "<b>fz</b>")
CONTROL = ("\x00", "\r\n", "\r", "\n", "\t", "\x0b", "\x1b[31m", "\x7f", "\r\nBcc: victim@gmail.com")
PRINTABLE = (
    "\u202eevil\u202c",
    "\u200f",
    "\ufeff",
    "\u2028",
    "\U0001f600",
    "\U00010348",
    "e\u0301\u0302",
    "مرحبا",
    "שלום",
    "%0d%0aBcc:",
    "{{7*7}}",
    "' OR '1'='1",
    '=HYPERLINK("http://x")',
    "+44",
    "-1",
    "@SUM(1)",
    "&amp;",
)
visible = st.text(alphabet=st.characters(exclude_categories=("Cc", "Cs")), max_size=20)


def _repeated(piece, size):
    return (piece * (size // len(piece) + 1))[:size]


def _length_limits():
    """Every length a database column (all in db.metadata once clinic.models is imported) or a form
    field sets, in order."""
    columns = {
        column.type.length
        for table in db.metadata.tables.values()
        for column in table.columns
        if getattr(column.type, "length", None)
    }
    return sorted(columns | {1, 30, 100, 120, 254, 1000, 2000, 3000, 5000})


# A length between two neighbouring limits, both ends included: at one, just over the other.
_LIMITS = _length_limits()
lengths = st.sampled_from(list(itertools.pairwise(_LIMITS))).flatmap(
    lambda pair: st.integers(pair[0] + 1, pair[1])
)
near_limits = st.builds(_repeated, st.sampled_from(("n", "é", "\U0001f600", XSS[1])), lengths)
_short_typed = st.lists(
    st.one_of(st.sampled_from(XSS), st.sampled_from(PRINTABLE), visible), min_size=1, max_size=4
).map("".join)
# Text a person could type: every validator may accept it, so it reaches the database, pages and emails.
typed = st.booleans().flatmap(lambda long: near_limits if long else _short_typed)


def typed_up_to(max_length):
    """Typed text of any length the form accepts (and one more), not only short answers."""
    long_text = st.builds(
        _repeated, st.sampled_from(("n", "é", "\U0001f600", XSS[1])), st.integers(1, max_length + 1)
    )
    return st.booleans().flatmap(lambda long: long_text if long else _short_typed)


mixed = st.lists(
    st.one_of(st.sampled_from(XSS), st.sampled_from(PRINTABLE + CONTROL), st.text(max_size=20)),
    min_size=1,
    max_size=5,
).map("".join)
huge = st.builds(
    _repeated,
    st.sampled_from(("x", "é", "\U0001f600", XSS[0], XSS[1], "a\r\n", "\x00")),
    st.integers(10_000, 100_000),
)
numbers = st.one_of(
    st.integers(-(10**30), 10**30).map(str),
    st.sampled_from(
        ("1e308", "NaN", "inf", "-0", "0x1f", "１２", "9" * 40, "2147483648", "-2147483649", "1.5", " 7 ")
    ),
)
dates = st.one_of(
    st.sampled_from(
        (
            "0001-01-01",
            "9999-12-31",
            "2026-02-30",
            "2026-13-01",
            "0000-00-00",
            "10000-01-01",
            "2026-1-1",
            "-2026-01-01",
            "1999-12-31",
            "2999-12-31",
            "3000-01-01",
            "２０２６-０１-０１",
        )
    ),
    st.dates().map(date.isoformat),
)
times = st.sampled_from(
    ("25:00", "23:59:60", "24:00", "09:00", "13:00", "00:00", "9:00", "09:00:00", "99:99")
)
starts = st.one_of(
    st.sampled_from(("9999-12-31T10:00Z", "0001-01-01T10:00Z", "2026-02-30T10:00Z", "2026-06-01T25:00Z")),
    st.datetimes().map(lambda moment: moment.strftime("%Y-%m-%dT%H:%MZ")),
)
garbage_choices = st.sampled_from(("", "None", "0", "-1", "any", "__proto__", "../../etc/passwd", "y", "on"))
junk = st.one_of(mixed, typed, huge, numbers, dates, times, starts, garbage_choices)


def either(valid, odd=junk):
    """A valid value half the time, else an odd one (st.one_of would flatten junk's many branches
    and make the valid value rare)."""
    valid = valid if isinstance(valid, st.SearchStrategy) else st.sampled_from(valid)
    return st.booleans().flatmap(lambda ok: valid if ok else odd)


@st.composite
def junk_for(draw, fields, extra=None):
    """Junk for none to three of `fields` (None leaves one out); `extra` maps fields to likelier junk."""
    extra = extra or {}
    names = draw(st.lists(st.sampled_from(fields), max_size=3, unique=True))
    return {
        name: draw(st.one_of(extra[name], junk, st.none()) if name in extra else st.one_of(junk, st.none()))
        for name in names
    }


@st.composite
def query_with(draw, fields):
    """A query string with one to three of `fields`, each drawn from its own strategy: the fewer
    odd values at once, the likelier the rest validate and the odd one reaches the code behind."""
    names = draw(st.lists(st.sampled_from(sorted(fields)), min_size=1, max_size=3, unique=True))
    return {name: draw(fields[name]) for name in names}


def submission(valid, *changes):
    data = dict(valid)
    for change in changes:
        data.update(change)
    return {name: value for name, value in data.items() if value is not None}


_numbers = itertools.count(1)


def unique_number():
    return next(_numbers)


def unique_email():
    return f"fuzz.patient{unique_number()}@example.co.uk"


def assert_safe(response):
    """Never a server error; whatever a page shows back is escaped. Returns the page's text."""
    assert response.status_code < 500, response.status_code
    event(f"status {response.status_code}")
    if response.mimetype != "text/html":
        return ""
    page = response.get_data(as_text=True)
    for marker in RAW_MARKERS:
        assert marker not in page, marker
    return page


HEADER_LINE = re.compile(r"[!-9;-~]+:")
ONE_EACH = {"from", "to", "subject", "date", "message-id"}


def check_mail(runner, mail_sink):
    """Run the outbox sender, then check every email was sent and arrived with one-line headers
    and escaped HTML."""
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    with runner.app.app_context():
        # The sink is up, so every email must have gone: none refused for what a patient typed.
        unsent = db.session.scalars(
            select(OutboxMessage.last_error).where(OutboxMessage.status != "sent")
        ).all()
    assert unsent == [], unsent
    for received in mail_sink.messages:
        head = received.raw.split(b"\r\n\r\n", 1)[0].decode("utf-8", "replace")
        names = []
        for line in head.split("\r\n"):
            # A header goes on with a folded line, which starts with white space, never with a new header.
            assert "\r" not in line and "\n" not in line, line
            if line[:1] in (" ", "\t"):
                continue
            assert HEADER_LINE.match(line), line
            names.append(line.split(":", 1)[0].lower())
        assert "bcc" not in names and "cc" not in names, names
        for name in ONE_EACH:
            assert names.count(name) == 1, (name, names)
        for part in received.message.walk():
            for name, value in part.items():
                assert "\r" not in str(value) and "\n" not in str(value), name
        html = received.html
        for marker in RAW_MARKERS:
            assert marker not in html, marker
    return mail_sink.messages


def csv_rows(response):
    """The export's rows after its header; each must have every column, and no cell a spreadsheet
    would run, with "," or ";" as the list separator."""
    assert response.status_code == 200, response.status_code
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:], newline="")))
    assert rows[0] == CSV_HEADER
    for row in rows[1:]:
        assert len(row) == len(CSV_HEADER), row
    assert not cells_a_spreadsheet_would_run(text[1:])
    return rows[1:]
