"""Consent wordings patients agree to.

A record keeps the version and exact words shown, so a change of wording gets
a new version and never rewrites what someone agreed to earlier.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class ConsentText:
    purpose: str
    version: str
    wording: str


ENQUIRY_HEALTH_DATA = ConsentText(
    purpose="health_data",
    version="enquiry-health-2026-11",
    wording=(
        "I agree that the clinic may store and use the details I give about my hair loss "
        "and scalp, which are health information, to answer my enquiry and advise me. "
        "I can withdraw this consent at any time."
    ),
)

MARKETING = ConsentText(
    purpose="marketing",
    version="marketing-2026-11",
    wording=(
        "Send me occasional news and offers from the clinic by email. "
        "I can unsubscribe at any time."
    ),
)
