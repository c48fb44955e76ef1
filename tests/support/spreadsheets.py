"""An export read the way spreadsheets in different locales read it."""

import csv
import io

# OWASP's list of characters that make a spreadsheet run a cell as a formula; written
# out here rather than imported, so that the app dropping one fails the tests.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# "," in most English-speaking locales, ";" where the comma is the decimal mark.
LIST_SEPARATORS = (",", ";")


def cells_a_spreadsheet_would_run(text):
    """Every cell, with either separator, that starts with a trigger once the spaces and
    quotes a spreadsheet may trim are gone."""
    return [
        cell
        for separator in LIST_SEPARATORS
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=separator)
        for cell in row
        if cell.lstrip(' "').startswith(FORMULA_TRIGGERS)
    ]
