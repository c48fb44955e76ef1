"""CSV that no spreadsheet runs, in any locale (OWASP's CSV injection guidance).

Every cell is quoted, and a formula trigger wherever a cell could start gets a
single quote in front of it, which spreadsheets read as "this is text". Checking
only the start of a value is not enough: a spreadsheet whose list separator is
";" (much of Europe) splits "x;=4+4" and runs "=4+4".
"""

import csv
import re

# A spreadsheet runs a cell that starts with one of these as a formula.
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Where a cell can start: the start of the value, or after the list separator of some
# locale ("," or ";"), past any spaces or quotes a spreadsheet may trim.
_TRIGGER_AT_A_CELL_START = re.compile(r"((?:^|[,;])[ \"]*)(?=[=+\-@\t\r])")


def writer(buffer):
    return csv.writer(buffer, quoting=csv.QUOTE_ALL)


def text_cell(value):
    """The value with a ' before every formula trigger where a cell could start."""
    return _TRIGGER_AT_A_CELL_START.sub(r"\1'", value)
