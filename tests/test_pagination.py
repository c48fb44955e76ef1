"""The one paginator the inbox and the audit log share."""

import pytest

from clinic.web.pagination import Page, page_number


@pytest.mark.parametrize(
    ("requested", "total", "expected"),
    [(1, 0, 1), (0, 120, 1), (-5, 120, 1), (3, 120, 3), (4, 120, 3), (2**63, 120, 3)],
)
def test_a_page_number_stays_within_the_pages_there_are(requested, total, expected):
    assert page_number(requested, total, 50) == expected


@pytest.mark.parametrize(
    ("number", "expected"),
    [(1, [1, 2, 3, None, 10]), (5, [1, None, 3, 4, 5, 6, 7, None, 10]), (10, [1, None, 8, 9, 10])],
)
def test_the_page_links_show_the_ends_and_the_neighbours(number, expected):
    assert Page(rows=["row"], number=number, total=500, size=50).numbers() == expected


def test_a_page_knows_its_rows_and_neighbours():
    last = Page(rows=["row"] * 20, number=3, total=120, size=50)

    assert (last.page_count, last.first_row, last.last_row) == (3, 101, 120)
    assert last.has_previous and not last.has_next
    assert not Page(rows=[], number=1, total=0, size=50).has_previous
    assert Page(rows=[], number=1, total=0, size=50).first_row == 0
