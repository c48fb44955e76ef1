"""One-time keys in patient forms, so that a double-clicked submit saves once.

The form page carries a fresh random key in a hidden field; the record it makes
keeps the key under a unique index. A second submission of the same page (a
double click, or a retry after a timeout) finds the first record and lands on
the same confirmation page instead of saving again. The key is as secret as the
page it sits in, and a request without one simply is not de-duplicated.
"""

import re
import secrets

from wtforms import HiddenField

# secrets.token_urlsafe(32): 43 URL-safe characters, the width of the columns.
KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")


class AlreadySubmitted(Exception):
    """This form was submitted before: `record` is what the first submission saved."""

    def __init__(self, record):
        super().__init__(record.reference)
        self.record = record


class SubmissionKeyField:
    """A form mixin: the hidden one-time key, new on every fresh page."""

    submission_key = HiddenField()

    def give_submission_key(self):
        if not self.submission_key_value():
            self.submission_key.data = secrets.token_urlsafe(32)

    def submission_key_value(self):
        value = self.submission_key.data or ""
        return value if KEY_PATTERN.fullmatch(value) else None
