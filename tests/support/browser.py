"""What the browser tests do as a patient or member of staff would: book, enquire, sign in."""

from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def fill_patient_details(page, name, email):
    """Fill the required patient fields shared by /book/details and /enquire."""
    page.get_by_label("Full name", exact=True).fill(name)
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=phone]").fill("07911 123456")


def book_online(page, day, name, email, practitioner_name="Sam Adeyemi"):
    """From / to the confirmation page by clicking, as a patient would; returns the page."""
    page.goto("/")
    page.get_by_role("link", name="Book a consultation").first.click()
    page.get_by_label("In-clinic consultation").check()
    page.get_by_label("Practitioner", exact=True).select_option(label=practitioner_name)
    page.get_by_role("button", name="See free times").click()
    page.locator(f"a.date-chip[data-date='{day.isoformat()}']").click()
    page.locator("#times input[name=start]").first.check()
    page.get_by_role("button", name="Continue").click()
    fill_patient_details(page, name, email)
    page.get_by_label("I am 18 or over").check()
    page.locator("input[name=concern]").first.check()
    page.locator("input[name=pattern_stage]").first.check()
    page.locator("input[name=health_consent]").check()
    page.get_by_role("button", name="Book my consultation").click()
    page.wait_for_url("**/book/confirmed")
    return page


def send_enquiry(page, name, email, photo=None):
    """Send the /enquire form, with a front photo when one is given; waits for the thank-you page."""
    page.goto("/enquire")
    fill_patient_details(page, name, email)
    for group in ("preferred_contact", "concern", "hoped_result"):
        page.locator(f"input[name={group}]").first.check()
    page.locator("textarea[name=message]").fill("Could SMP cover a scar at the crown?")
    if photo:
        page.locator("#photo_front").set_input_files(photo)
        page.locator("input[name=photo_consent]").check()
    page.locator("input[name=health_consent]").check()
    page.get_by_role("button", name="Send my question").click()
    page.wait_for_url(lambda url: not url.endswith("/enquire"))
    return page


def sign_in(page, email, password):
    page.goto("/staff/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.get_by_role("button", name="Sign in").click()
    try:
        page.wait_for_url(lambda url: "/staff/login" not in url)
    except PlaywrightTimeoutError as error:
        # Say why the sign-in page stayed, rather than only that it did.
        raise AssertionError(f"sign-in failed: {page.locator('main').inner_text()[:500]}") from error
    return page


def email_to(mail_sink, address):
    messages = [message for message in mail_sink.messages if address in message.rcpt_tos]
    assert messages, f"no email to {address}: {[m.rcpt_tos for m in mail_sink.messages]}"
    return messages[-1]
