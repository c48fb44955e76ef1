"""The inbox's CSV export, opened by spreadsheets in locales whose list separator is
"," or ";": no cell is ever run as a formula (OWASP's CSV injection guidance)."""

import csv
import io

import pytest

from tests.factories import EnquiryFactory
from tests.support.spreadsheets import cells_a_spreadsheet_would_run

FORMULAS = [
    "x;=4+4",
    "a,=1+1",
    "-2+3",
    "@SUM(1)",
    "\t=1",
    '=HYPERLINK("http://evil.example.com","Open")',
    'Sam; "=1+1"',
    "Lee, +44",
]


def export(as_role):
    response = as_role("reception").get("/staff/enquiries.csv")
    assert response.status_code == 200
    return response.get_data(as_text=True).removeprefix("\ufeff")


@pytest.mark.parametrize("name", FORMULAS)
def test_no_cell_starts_a_formula_with_either_list_separator(app, as_role, name):
    with app.app_context():
        EnquiryFactory(full_name=name, email="jo.bloggs@gmail.com")

    text = export(as_role)

    assert not cells_a_spreadsheet_would_run(text)
    [row] = list(csv.DictReader(io.StringIO(text, newline="")))
    # Only single quotes are added, so the name reads as the patient typed it.
    assert row["name"].replace("'", "") == name.replace("'", "")


def test_every_cell_is_quoted(app, as_role):
    with app.app_context():
        EnquiryFactory(full_name="Jo Bloggs", email="jo.bloggs@gmail.com", phone=None)

    header, row = export(as_role).splitlines()

    assert header.startswith('"reference","kind",')
    assert row.startswith('"ENQ-') and row.endswith('""') and '"Jo Bloggs","jo.bloggs@gmail.com"' in row


def test_plain_values_are_left_alone(app, as_role):
    with app.app_context():
        EnquiryFactory(full_name="Anne-Marie O'Neill", email="anne-marie+smp@gmail.com")

    [row] = list(csv.DictReader(io.StringIO(export(as_role), newline="")))

    assert row["name"] == "Anne-Marie O'Neill"
    assert row["email"] == "anne-marie+smp@gmail.com"
