"""A long list a page at a time, counted and cut in the database: which page, of how many,
and the page numbers to link. The inbox and the audit log page through it."""

from dataclasses import dataclass


def count_pages(total, size):
    return max(1, -(-total // size))


def page_number(requested, total, size):
    """The requested page kept to the pages there are: a number past the end shows the last
    page, and no offset can go past the database's integer range."""
    return min(max(requested, 1), count_pages(total, size))


def cut(statement, number, size):
    """statement limited to the rows of page `number`."""
    return statement.limit(size).offset((number - 1) * size)


@dataclass(frozen=True)
class Page:
    rows: list
    number: int
    total: int
    size: int

    @property
    def page_count(self):
        return count_pages(self.total, self.size)

    @property
    def has_previous(self):
        return self.number > 1

    @property
    def has_next(self):
        return self.number < self.page_count

    @property
    def first_row(self):
        return (self.number - 1) * self.size + 1 if self.rows else 0

    @property
    def last_row(self):
        return (self.number - 1) * self.size + len(self.rows)

    def numbers(self, around=2):
        """Page numbers to link: the first, the last and a few either side of this one; None marks a gap."""
        wanted = {1, self.page_count, *range(self.number - around, self.number + around + 1)}
        shown = sorted(n for n in wanted if 1 <= n <= self.page_count)
        numbers = []
        for n in shown:
            if numbers and n - numbers[-1] > 1:
                numbers.append(None)
            numbers.append(n)
        return numbers
