"""A patient's name is shown in emails only as far as a name goes: one line, at most 60
characters, and nothing a mail client would make a link of; anyone can type anything as
their name, and the clinic's emails must not carry it to a stranger's inbox."""

import html
import re
from pathlib import Path

import pytest

from clinic.web.templating import PATIENT_NAME_MAX, patient_name
from tests.support.clinic_days import local_start
from tests.support.patients import booking_details, enquiry_form
from tests.support.waitlist import entry_form

PATIENT = "amara.okafor@gmail.com"
STAFF = "reception@hairline-clinic.co.uk"
EMAIL_TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "email"
LURE = "Bob https://evil.example/win www.evil.example bob@evil.example"
# As long as the form takes (120 characters); the form refuses line breaks.
LONG_LURE = (LURE + " Claim your prize now: reply at once or your account closes for good today")[:120]
# What a mail client would turn into a link: a scheme, www., an address, a domain.
LINK_LIKE = re.compile(r"://|www|@|\w[.\u3002]\w", re.I)


@pytest.fixture
def app_settings(app_settings):
    return {**app_settings, "ENQUIRY_RATE_LIMIT": "1000 per minute", "BOOKING_RATE_LIMIT": "1000 per minute"}


def greeting(received):
    """The name after "Dear" in the text part and in the HTML part, as a reader sees them."""
    [text_name] = re.findall(r"^Dear ([^\r\n]*),\r?$", received.text, re.M)
    [html_name] = re.findall(r"<p>Dear (.*?),</p>", received.html, re.S)
    return [text_name, html.unescape(html_name)]


def staff_name(received):
    [text_name] = re.findall(r"^Name: ([^\r\n]*)\r?$", received.text, re.M)
    [html_name] = re.findall(r'<th align="left">Name</th><td>(.*?)</td>', received.html, re.S)
    return [text_name, html.unescape(html_name)]


def assert_only_a_name(shown):
    assert shown.startswith("Bob"), shown
    assert len(shown) <= PATIENT_NAME_MAX, shown
    assert "\n" not in shown and "\r" not in shown
    assert not LINK_LIKE.search(shown), shown


def test_a_name_with_links_and_lines_reaches_the_patient_and_staff_as_a_name_only(client, mail_sink):
    assert len(LONG_LURE) == 120

    response = client.post("/enquire", data=enquiry_form(full_name=LONG_LURE, email=PATIENT))

    assert response.status_code == 303
    [ack] = mail_sink.to(PATIENT)
    [notice] = mail_sink.to(STAFF)
    for shown in [*greeting(ack), *staff_name(notice)]:
        assert_only_a_name(shown)
        assert shown.endswith("\u2026")
    for received in (ack, notice):
        for part in (received.text, received.html):
            assert "evil" not in part


def test_booking_and_waiting_list_emails_show_the_name_the_same_way(client, mail_sink, schedule):
    client.post(
        "/book/details",
        data=booking_details(schedule.in_clinic, local_start(schedule.day, 10), full_name=LONG_LURE),
    )
    client.post("/book/waitlist", data=entry_form(schedule, full_name=LONG_LURE, email=PATIENT))

    [confirmation] = mail_sink.to("priya.shah@gmail.com")
    [joined] = mail_sink.to(PATIENT)
    [notice] = mail_sink.to(STAFF)
    for shown in [*greeting(confirmation), *greeting(joined), *staff_name(notice)]:
        assert_only_a_name(shown)


def test_an_ordinary_name_is_shown_as_typed(client, mail_sink):
    client.post("/enquire", data=enquiry_form(full_name="Zoë O'Brien-Nkemelu", email=PATIENT))

    [ack] = mail_sink.to(PATIENT)
    assert greeting(ack) == ["Zoë O'Brien-Nkemelu"] * 2


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("Amara  Okafor", "Amara Okafor"),
        ("J.R. Hartley", "J.R. Hartley"),
        ("Mary St.John", "Mary"),
        ("Bob evil.example/win x.co 192.168.0.1 evil\u3002example", "Bob"),
        ("Bob WWW.EVIL.EXAMPLE mailto:x tel:+44123 HTTPS://x", "Bob"),
        # Fullwidth letters, stops and at signs count as the ordinary ones.
        ("Bob \uff57\uff57\uff57\uff0eevil\uff0ecom bob\uff20evil", "Bob"),
        # Bidi overrides and other invisible characters are dropped; line breaks are spaces.
        ("Bob \u202eelpmaxe\u200b.live", "Bob"),
        ("Bob \u202eHartley", "Bob Hartley"),
        ("Bob\r\nBcc: victim@gmail.com", "Bob Bcc:"),
    ],
)
def test_names_keep_their_words_and_lose_their_links(typed, shown):
    assert patient_name(typed) == shown


def test_a_long_name_is_cut_at_a_word_with_an_ellipsis():
    words = "Bob " + "Wolfeschlegelsteinhausen " * 10 + "x" * 200

    assert patient_name(words) == "Bob Wolfeschlegelsteinhausen Wolfeschlegelsteinhausen\u2026"
    assert patient_name("x" * 200) == "x" * (PATIENT_NAME_MAX - 1) + "\u2026"
    assert patient_name("A" * 60) == "A" * 60
    assert patient_name("A" * 59 + " B") == "A" * 59 + "\u2026"


def test_every_email_template_that_names_the_patient_shows_the_name_through_the_filter():
    templates = sorted(EMAIL_TEMPLATES.glob("*.*"))
    uses = [
        (path.name, use)
        for path in templates
        for use in re.findall(r"\{\{[^}]*full_name[^}]*\}\}", path.read_text())
    ]

    assert len({name for name, _use in uses}) >= 20
    assert [(name, use) for name, use in uses if "| patient_name" not in use] == []
