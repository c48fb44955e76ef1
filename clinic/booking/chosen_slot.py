"""A time someone has chosen from the calendar: consultation type, practitioner or
"any" (the booking service picks whoever is free, least busy first) and start.

Four flows take one from hidden fields or the query string and ask it the same
questions: the patient's booking details, reception's book-in, the patient's move
and reception's move. Each flow keeps its own words for the answers.
"""

from dataclasses import dataclass
from datetime import datetime

from clinic.booking import selection as sel
from clinic.clinic_time import format_start, parse_start, to_local


@dataclass(frozen=True)
class ChosenSlot:
    selection: sel.Selection
    start: datetime
    # A move: the booking's own time does not stand in its way.
    exclude_booking_id: int | None = None

    @property
    def practitioner_id(self):
        return self.selection.practitioner_id

    def is_free(self):
        return sel.is_free(self.selection, self.start, exclude_booking_id=self.exclude_booking_id)

    def calendar_params(self):
        """Query values that open the calendar again at the chosen day."""
        return self.selection.params(date=to_local(self.start).date())

    def form_data(self):
        """The hidden fields that carry the choice through a details form."""
        return {
            "type": self.selection.consultation_type.id,
            "practitioner": self.selection.practitioner_param,
            "start": format_start(self.start),
        }

    def details_context(self, *, taken=False, known_free=False):
        """What a details page shows about the time (templates/booking/_other_times.html):
        still free, or taken and the nearest free times instead."""
        still_free = known_free or (not taken and self.is_free())
        return {
            "selection": self.selection,
            "start": self.start,
            "still_free": still_free,
            "taken": taken,
            "alternatives": [] if still_free else sel.fresh_times(self.selection, self.start),
            "format_start": format_start,
        }


def for_booking(values):
    """The slot that values name, or None when the type, practitioner or start is
    missing, unknown or no longer active."""
    selection = sel.selection_from(values)
    start = parse_start(values.get("start"))
    if selection is None or start is None:
        return None
    return ChosenSlot(selection, start)


def for_move(booking, values, *, unknown_means_any=False):
    """The new time for booking, in its own type; None without a start.

    An unknown or inactive practitioner (or a type since retired) gives None, or
    with unknown_means_any the booking's type with any practitioner.
    """
    start = parse_start(values.get("start"))
    if unknown_means_any:
        selection = sel.selection_for_move(booking, values.get("practitioner"))
    else:
        selection = sel.selection_from({"type": booking.type_id, "practitioner": values.get("practitioner")})
    if selection is None or start is None:
        return None
    return ChosenSlot(selection, start, exclude_booking_id=booking.id)
