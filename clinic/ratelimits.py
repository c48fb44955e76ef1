"""Rate limits read from config at request time, so tests and deployments can tune them."""

from flask import current_app


def enquiry_limit():
    return current_app.config["ENQUIRY_RATE_LIMIT"]


def booking_limit():
    return current_app.config["BOOKING_RATE_LIMIT"]


def staff_sign_in_limit():
    return current_app.config["STAFF_SIGN_IN_RATE_LIMIT"]
