"""axe-core on every public page and the main staff pages: any WCAG 2.0/2.1/2.2 A or AA violation fails.

axe is injected as a script, which the app's strict CSP would block, so these pages are
opened in a context with bypass_csp; the journeys run under the real CSP.
"""

import re
from pathlib import Path

import pytest

from tests.support.browser import book_online, send_enquiry, sign_in
from tests.support.staff import STAFF_PASSWORD

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

PUBLIC = ["/", "/smp", "/testimonials", "/media", "/visit", "/privacy", "/enquire", "/book"]


def times_url(schedule):
    return (
        f"/book/times?type={schedule.in_clinic}&practitioner={schedule.first}&date={schedule.day.isoformat()}"
    )


def open_details(page, schedule):
    page.goto(times_url(schedule))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/book/details?**")


def open_manage(page, schedule, mail_sink):
    book_online(page, schedule.day, "Pat Axe", "pat.axe@example.com")
    manage_path = manage_link(mail_sink, "pat.axe@example.com")
    page.goto(manage_path)


def manage_link(mail_sink, address):
    message = next(m for m in reversed(mail_sink.messages) if address in m.rcpt_tos)
    return re.search(r"https?://[^/\s]+(/booking/[^\s<>]+)", message.text).group(1)


def open_staff(path_after_sign_in):
    def reach(page, schedule, mail_sink, staff):
        sign_in(page, staff.admin.email, STAFF_PASSWORD)
        path_after_sign_in(page, schedule, mail_sink)

    return reach


def open_enquiry_detail(page, schedule, mail_sink):
    page.goto("/staff/enquiries")
    page.locator("main table a[href*='/staff/enquiries/']").first.click()


def open_booking_detail(page, schedule, mail_sink):
    page.goto(f"/staff/day?date={schedule.day.isoformat()}&practitioner={schedule.first}")
    page.locator("main a[href*='/staff/bookings/']").first.click()


def goto(path):
    return lambda page, schedule, mail_sink, staff: page.goto(path)


PAGES = {
    **{path: goto(path) for path in PUBLIC},
    "/book/times": lambda page, schedule, mail_sink, staff: page.goto(times_url(schedule)),
    "/book/details": lambda page, schedule, mail_sink, staff: open_details(page, schedule),
    "/book/confirmed": lambda page, schedule, mail_sink, staff: book_online(
        page, schedule.day, "Pat Axe", "pat.axe@example.com"
    ),
    "/book/waitlist": lambda page, schedule, mail_sink, staff: page.goto(
        f"/book/waitlist?type={schedule.in_clinic}"
    ),
    "/booking/<token>": lambda page, schedule, mail_sink, staff: open_manage(page, schedule, mail_sink),
    "404": goto("/no-such-page"),
    "/enquire with errors": lambda page, schedule, mail_sink, staff: send_empty_enquiry(page),
    "/staff/login": goto("/staff/login"),
    "/staff/enquiries": open_staff(lambda page, schedule, mail_sink: page.goto("/staff/enquiries")),
    "/staff/enquiries/<id>": lambda page, schedule, mail_sink, staff: (
        send_enquiry(page, "Pat Enquirer", "pat.enquirer@example.com"),
        open_staff(open_enquiry_detail)(page, schedule, mail_sink, staff),
    ),
    "/staff/bookings/<id>": lambda page, schedule, mail_sink, staff: (
        book_online(page, schedule.day, "Pat Axe", "pat.axe@example.com"),
        open_staff(open_booking_detail)(page, schedule, mail_sink, staff),
    ),
    "/staff/day": open_staff(
        lambda page, schedule, mail_sink: page.goto(
            f"/staff/day?date={schedule.day.isoformat()}&practitioner={schedule.first}"
        )
    ),
    "/staff/admin/": open_staff(lambda page, schedule, mail_sink: page.goto("/staff/admin/")),
    "/staff/admin/users": open_staff(lambda page, schedule, mail_sink: page.goto("/staff/admin/users")),
}


def send_empty_enquiry(page):
    page.goto("/enquire")
    page.locator("form.form").evaluate("form => { form.noValidate = true; }")
    # The proof-of-work glue may hold the submit until its answer is ready: wait for the answer page.
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Send", re.I)).click()


def axe_violations(page):
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
    return result["violations"]


def describe(violations):
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.extend(f"    {node['target']}" for node in violation["nodes"])
    return "\n".join(lines)


@pytest.mark.parametrize("name", PAGES)
def test_page_has_no_wcag_violations(name, new_page, schedule, mail_sink, staff):
    page = new_page(bypass_csp=True)
    PAGES[name](page, schedule, mail_sink, staff)
    page.wait_for_load_state()
    violations = axe_violations(page)
    assert not violations, f"{name} ({page.url}):\n{describe(violations)}"
