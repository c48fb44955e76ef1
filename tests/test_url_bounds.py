"""Every number in a URL is bounded to the database's integer range: past it, a 404.

A larger id would otherwise reach the database, where SQLite raises OverflowError
past 2**63 - 1 and PostgreSQL NumericValueOutOfRange past 2**31 - 1: a 500.
"""

import pytest
from werkzeug.routing import IntegerConverter

from clinic.models.types import MAX_ID

PAST_THE_RANGE = (MAX_ID + 1, 2**63, 2**64)


def rules_with_numbers(app):
    return [
        rule
        for rule in app.url_map.iter_rules()
        if any(isinstance(converter, IntegerConverter) for converter in rule._converters.values())
    ]


def url_with(rule, number):
    values = {
        argument: number if isinstance(rule._converters[argument], IntegerConverter) else "x"
        for argument in rule.arguments
    }
    return rule.build(values, append_unknown=False)[1]


def test_the_walk_finds_the_record_routes(app):
    found = {rule.rule for rule in rules_with_numbers(app)}

    assert {
        "/staff/bookings/<int:booking_id>",
        "/staff/enquiries/<int:enquiry_id>",
        "/staff/photos/<int:photo_id>",
    } <= found


@pytest.mark.parametrize("number", PAST_THE_RANGE)
def test_a_number_past_the_database_range_is_not_found_on_every_route(app, as_role, number):
    # The admin passes every access check, so each request reaches the route's own work.
    admin = as_role("admin")
    answers = {}
    for rule in rules_with_numbers(app):
        url = url_with(rule, number)
        for method in sorted(rule.methods & {"GET", "POST"}):
            answers[method, url] = admin.open(url, method=method).status_code

    not_found = {request: status for request, status in answers.items() if status != 404}
    assert not not_found


def test_the_largest_id_still_reaches_its_view(app, as_role):
    adapter = app.url_map.bind("localhost")

    assert adapter.match(f"/staff/enquiries/{MAX_ID}") == (
        "staff.records.enquiry.show",
        {"enquiry_id": MAX_ID},
    )
    assert as_role("admin").get(f"/staff/enquiries/{MAX_ID}").status_code == 404
