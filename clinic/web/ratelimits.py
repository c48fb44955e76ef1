"""Rate limits read from config at request time, so tests and deployments can tune them."""

from flask import current_app
from limits import parse_many

from clinic.extensions import limiter

TWO_FACTOR_SCOPE = "staff-two-factor"


def enquiry_limit():
    return current_app.config["ENQUIRY_RATE_LIMIT"]


def booking_limit():
    return current_app.config["BOOKING_RATE_LIMIT"]


# Stricter limits counted only for forms sent without a fresh proof-of-work answer
# (clinic/web/altcha_challenge.py): without JavaScript, or by a bot.
def enquiry_limit_without_challenge():
    return current_app.config["ENQUIRY_RATE_LIMIT_WITHOUT_CHALLENGE"]


def booking_limit_without_challenge():
    return current_app.config["BOOKING_RATE_LIMIT_WITHOUT_CHALLENGE"]


def staff_sign_in_limit():
    return current_app.config["STAFF_SIGN_IN_RATE_LIMIT"]


# Wrong two-factor codes are counted per account in the limiter's storage (Redis in
# production), not by a decorator: a decorator would answer 429 and send rate-limit
# headers, telling whoever is guessing that the password they tried was right.
# Inside the sign-in view the per-address limit has already run, so if Redis is down
# the limiter has switched to its in-memory fallback by the time these are called.


def _two_factor_limits():
    return parse_many(current_app.config["STAFF_TWO_FACTOR_RATE_LIMIT"])


def two_factor_attempts_left(user):
    return all(limiter.limiter.test(limit, TWO_FACTOR_SCOPE, str(user.id)) for limit in _two_factor_limits())


def count_wrong_two_factor_code(user):
    for limit in _two_factor_limits():
        limiter.limiter.hit(limit, TWO_FACTOR_SCOPE, str(user.id))
