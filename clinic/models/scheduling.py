from datetime import date, time

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, String, Text, Time
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinic.extensions import db
from clinic.models.types import UTCDateTime, utcnow

IN_CLINIC, VIDEO = "in_clinic", "video"


class ConsultationType(db.Model):
    __tablename__ = "consultation_types"
    __table_args__ = (CheckConstraint("duration_minutes > 0", name="positive_duration"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(Text, default="")
    duration_minutes: Mapped[int] = mapped_column(Integer)
    mode: Mapped[str] = mapped_column(String(10))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    @property
    def is_video(self):
        return self.mode == VIDEO


class Practitioner(db.Model):
    __tablename__ = "practitioners"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    bio: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # A fixed video meeting link of the practitioner's own; it wins over a new room per booking.
    meeting_link: Mapped[str | None] = mapped_column(String(500))

    hours = relationship(
        "WorkingHours",
        back_populates="practitioner",
        cascade="all, delete-orphan",
        order_by="(WorkingHours.weekday, WorkingHours.start_time)",
    )


class WorkingHours(db.Model):
    """One interval of a practitioner's week; several on a day leave breaks between them."""

    __tablename__ = "working_hours"
    __table_args__ = (
        CheckConstraint("start_time < end_time", name="starts_before_end"),
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    practitioner_id: Mapped[int] = mapped_column(
        ForeignKey("practitioners.id", ondelete="CASCADE"), index=True
    )
    weekday: Mapped[int] = mapped_column(Integer)
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)

    practitioner = relationship("Practitioner", back_populates="hours")


class Closure(db.Model):
    """Clinic-wide when practitioner_id is empty: bank holidays, training days."""

    __tablename__ = "closures"
    __table_args__ = (CheckConstraint("starts_at < ends_at", name="starts_before_end"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    practitioner_id: Mapped[int | None] = mapped_column(
        ForeignKey("practitioners.id", ondelete="CASCADE"), index=True
    )
    starts_at = mapped_column(UTCDateTime, nullable=False)
    ends_at = mapped_column(UTCDateTime, nullable=False, index=True)
    reason: Mapped[str] = mapped_column(String(120), default="")

    practitioner = relationship("Practitioner")


class HolidayOpening(db.Model):
    """A bank holiday on which the clinic opens after all; every other one is closed."""

    __tablename__ = "holiday_openings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
