"""The bank holidays of the clinic's nation, from the `holidays` package.

Every bank holiday is closed for the whole clinic unless the admin has opened it
as an exception (a HolidayOpening row). The package names both a holiday that
falls on a weekend and its substitute weekday ("Boxing Day (observed)"); both
are closed, as most clinics close on Boxing Day itself.
"""

from datetime import date
from functools import lru_cache

import holidays
from flask import current_app

SETTING = "CLINIC_BANK_HOLIDAYS"
# CLINIC_BANK_HOLIDAYS -> the package's subdivision of the United Kingdom. Wales keeps
# England's bank holidays; "none" closes no day for being a bank holiday.
NATIONS = {
    "england-and-wales": "ENG",
    "scotland": "SCT",
    "northern-ireland": "NIR",
    "none": None,
}


def init_app(app):
    """Refuse to start with a nation we do not know, rather than open every bank holiday."""
    value = app.config.get(SETTING)
    if value not in NATIONS:
        raise RuntimeError(f"{SETTING} must be one of {', '.join(NATIONS)}, not {value!r}.")


def observed():
    """Whether the clinic closes on bank holidays at all."""
    return NATIONS[current_app.config[SETTING]] is not None


def between(first, last):
    """{day: name} of the bank holidays from first to last inclusive, in date order."""
    subdivision = NATIONS[current_app.config[SETTING]]
    if subdivision is None or first > last:
        return {}
    found = {}
    for year in range(first.year, last.year + 1):
        found.update(_of_year(subdivision, year))
    return {day: name for day, name in sorted(found.items()) if first <= day <= last}


@lru_cache(maxsize=64)
def _of_year(subdivision, year) -> dict[date, str]:
    # The package computes a year's rules on first use; every slot search needs them.
    return dict(holidays.country_holidays("GB", subdiv=subdivision, years=year))
