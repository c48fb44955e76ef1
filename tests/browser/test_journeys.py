"""Whole journeys in Chromium under the real CSP: patients on a phone, then the staff who serve them."""

import re

import pytest
from PIL import Image

from tests.support.browser import (
    DESKTOP,
    PHONE,
    SCREENSHOTS,
    book_online,
    email_to,
    send_enquiry,
    sign_in,
)
from tests.support.staff import STAFF_PASSWORD

BOOKER = ("Pat Booker", "pat.booker@example.com")
ENQUIRER = ("Eve Enquirer", "eve.enquirer@example.com")


def manage_path(mail_sink, address):
    """The manage link's path: emails link to CLINIC_BASE_URL, not to this test's server."""
    return re.search(r"https?://[^/\s]+(/booking/[^\s<>]+)", email_to(mail_sink, address).text).group(1)


@pytest.fixture
def photo(tmp_path):
    path = tmp_path / "front.png"
    Image.new("RGB", (640, 480), (120, 90, 70)).save(path)
    return path


def test_patient_on_a_phone_books_then_moves_by_the_emailed_link(page, schedule, mail_sink):
    book_online(page, schedule.day, *BOOKER)
    assert "booked" in page.locator("h1").inner_text().lower()

    page.goto(manage_path(mail_sink, BOOKER[1]))
    page.get_by_role("link", name="Move to another time").click()
    page.locator(f"a.date-chip[data-date='{schedule.day.isoformat()}']").click()
    page.locator("#times input[name=start]").nth(1).check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Yes, move my booking").click()
    page.wait_for_url("**/booking/*")
    assert "Your booking has moved" in page.locator("main").inner_text()
    assert any("moved" in message.subject.lower() for message in mail_sink.messages)


def test_patient_books_with_javascript_off(new_page, schedule, mail_sink):
    page = new_page(java_script_enabled=False)
    book_online(page, schedule.day, *BOOKER)
    assert "booked" in page.locator("h1").inner_text().lower()
    assert email_to(mail_sink, BOOKER[1])


def test_patient_sends_an_enquiry_with_a_photo(page, mail_sink, photo):
    send_enquiry(page, *ENQUIRER, photo=photo)
    assert "thank" in page.locator("main").inner_text().lower()
    assert email_to(mail_sink, ENQUIRER[1])


def reception_books_the_enquiry_in(page, schedule, staff):
    sign_in(page, staff.reception.email, STAFF_PASSWORD)
    page.goto("/staff/enquiries")
    inbox = page.locator("main").inner_text()
    assert ENQUIRER[0] in inbox
    page.locator("main tr", has_text=ENQUIRER[0]).get_by_role("link").first.click()
    page.locator("textarea[name=body]").fill("Called back, prefers mornings.")
    page.get_by_role("button", name="Add note").click()
    assert "Called back, prefers mornings." in page.locator("main").inner_text()
    page.get_by_role("link", name="Book a consultation").click()
    page.get_by_label("Practitioner", exact=True).select_option(label="Sam Adeyemi")
    page.locator("form:has(select[name=practitioner]) button[type=submit]").click()
    page.locator(f"a.date-chip[data-date='{schedule.day.isoformat()}']").click()
    page.locator("#times input[name=start]").nth(4).check()
    page.get_by_role("button", name="Continue").click()
    page.locator("input[name=phone]").fill("07911 123456")
    page.locator("input[name=adult_confirmed]").check()
    page.locator("input[name=consent_by_phone]").check()
    page.get_by_role("button", name="Book the consultation").click()
    page.wait_for_url(re.compile(r"/staff/bookings/\d+"))


def test_reception_finds_both_adds_a_note_and_books_the_enquiry_in(page, schedule, staff, mail_sink, photo):
    book_online(page, schedule.day, *BOOKER)
    send_enquiry(page, *ENQUIRER, photo=photo)
    reception_books_the_enquiry_in(page, schedule, staff)
    assert ENQUIRER[0] in page.locator("main").inner_text()
    page.goto(f"/staff/day?date={schedule.day.isoformat()}&practitioner={schedule.first}")
    assert BOOKER[0] in page.locator("main").inner_text()


def test_practitioner_sees_both_on_the_day_list(page, new_page, schedule, staff, mail_sink, photo):
    book_online(page, schedule.day, *BOOKER)
    send_enquiry(page, *ENQUIRER, photo=photo)
    reception_books_the_enquiry_in(page, schedule, staff)

    practitioner = sign_in(new_page(viewport=DESKTOP), staff.practitioner.email, STAFF_PASSWORD)
    practitioner.goto(f"/staff/day?date={schedule.day.isoformat()}")
    day_list = practitioner.locator("main").inner_text()
    assert BOOKER[0] in day_list
    assert ENQUIRER[0] in day_list


def test_keyboard_only_booking(page, schedule, mail_sink):
    """Tab, arrows, Space and Enter through the whole /book flow: no clicks."""
    keys = page.keyboard
    page.goto("/book")

    def tab_to(selector):
        for _ in range(60):
            if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
                return
            keys.press("Tab")
        raise AssertionError(f"Tab never reached {selector}")

    tab_to("input[name=type]")
    keys.press("Space")
    tab_to("select[name=practitioner]")
    keys.type("Sam")  # type-ahead picks Sam Adeyemi, the practitioner with the staff account
    assert page.locator("select[name=practitioner]").input_value() == str(schedule.first)
    tab_to("form button[type=submit]")
    keys.press("Enter")
    page.wait_for_url("**/book/times?**")
    tab_to(f"a.date-chip[data-date='{schedule.day.isoformat()}']")
    keys.press("Enter")
    page.wait_for_function("() => document.querySelector('#times input[name=start]')")
    tab_to("#times input[name=start]")
    keys.press("ArrowRight")
    tab_to("#times button[type=submit]")
    keys.press("Enter")
    page.wait_for_url("**/book/details?**")
    for name, text in (("full_name", "Kay Board"), ("email", "kay@example.com"), ("phone", "07911 123456")):
        tab_to(f"input[name={name}]")
        keys.type(text)
    for selector in ("input[name=adult_confirmed]", "input[name=concern]", "input[name=pattern_stage]"):
        tab_to(selector)
        keys.press("Space")
    tab_to("input[name=health_consent]")
    keys.press("Space")
    tab_to("main form button[type=submit]")
    keys.press("Enter")
    page.wait_for_url("**/book/confirmed")
    assert "booked" in page.locator("h1").inner_text().lower()
    assert email_to(mail_sink, "kay@example.com")


PUBLIC_PAGES = ["/", "/smp", "/testimonials", "/media", "/visit", "/privacy", "/enquire", "/book"]


def test_screenshots_of_public_pages(new_page, schedule):
    SCREENSHOTS.mkdir(exist_ok=True)
    times = (
        f"/book/times?type={schedule.in_clinic}&practitioner={schedule.first}&date={schedule.day.isoformat()}"
    )
    for width, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page = new_page(viewport=viewport)
        for path in [*PUBLIC_PAGES, times]:
            response = page.goto(path)
            assert response.ok, path
            name = path.strip("/").split("?")[0].replace("/", "-") or "home"
            page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png", full_page=True)
