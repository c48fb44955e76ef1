from sqlalchemy import Boolean, String, Text
from sqlalchemy.orm import Mapped, mapped_column


class PatientContact:
    """Who the patient is and how to reach them: every public form asks this."""

    full_name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254), index=True)
    concern: Mapped[str] = mapped_column(String(20))
    marketing_opt_in: Mapped[bool] = mapped_column(Boolean, default=False)


class PatientDetails(PatientContact):
    """What the booking and waiting-list forms ask besides; a phone number is required there."""

    phone: Mapped[str] = mapped_column(String(20))
    pattern_stage: Mapped[str] = mapped_column(String(20))
    notes: Mapped[str] = mapped_column(Text, default="")
