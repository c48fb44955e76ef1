"""Consent wordings patients agree to.

A record keeps the version and exact words shown, so a change of wording gets
a new version and never rewrites what someone agreed to earlier.
"""

from dataclasses import dataclass

from clinic.models import ConsentRecord
from clinic.models.enquiry import ConsentPurpose


@dataclass(frozen=True)
class ConsentText:
    purpose: str
    version: str
    wording: str

    def record(self):
        return ConsentRecord(purpose=self.purpose, version=self.version, wording=self.wording)


ENQUIRY_HEALTH_DATA = ConsentText(
    purpose=ConsentPurpose.HEALTH_DATA,
    version="enquiry-health-2026-11",
    wording=(
        "I agree that the clinic may store and use the details I give about my hair loss "
        "and scalp, which are health information, to answer my enquiry and advise me. "
        "I can withdraw this consent at any time."
    ),
)

MARKETING = ConsentText(
    purpose=ConsentPurpose.MARKETING,
    version="marketing-2026-11",
    wording=("Send me occasional news and offers from the clinic by email. I can unsubscribe at any time."),
)

BOOKING_HEALTH_DATA = ConsentText(
    purpose=ConsentPurpose.HEALTH_DATA,
    version="booking-health-2026-11",
    wording=(
        "I agree that the clinic may store and use the details I give about my hair loss and "
        "scalp, which are health information, to prepare for and hold my consultation. "
        "I can withdraw this consent at any time."
    ),
)

PHOTOS = ConsentText(
    purpose=ConsentPurpose.PHOTOS,
    version="photos-2026-11",
    wording=(
        "I agree that the clinic may keep the scalp photos I upload, seen only by clinic staff, "
        "to prepare for my consultation. I can ask for them to be deleted at any time."
    ),
)
