"""booking.js runs under the app's real CSP. The journeys cannot show it: every date chip is
also a link, so they pass with the script blocked."""

LISTEN_FOR_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


def test_booking_js_fetches_a_days_times_without_a_csp_violation(page, schedule):
    page.add_init_script(LISTEN_FOR_VIOLATIONS)
    slot_fetches = []
    page.on(
        "request",
        lambda request: (
            slot_fetches.append(request.url)
            if request.resource_type == "fetch" and "/book/slots" in request.url
            else None
        ),
    )
    console_errors = []
    page.on("console", lambda message: message.type == "error" and console_errors.append(message.text))

    page.goto(f"/book/times?type={schedule.in_clinic}&practitioner=any")
    page.locator(f"a.date-chip[data-date='{schedule.day.isoformat()}']").click()
    page.locator("#times input[name=start]").first.wait_for()

    assert [url for url in slot_fetches if f"date={schedule.day.isoformat()}" in url], slot_fetches
    assert page.evaluate("window.cspViolations") == []
    assert [text for text in console_errors if "Content Security Policy" in text] == []
