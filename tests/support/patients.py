"""What patients type into the public forms, as the form posts it."""

from clinic.timefmt import format_start


def booking_details(type_id, start, practitioner="any", **changes):
    """The booking details form for `start`; a change of None leaves that field out."""
    data = {
        "type": str(type_id),
        "practitioner": str(practitioner),
        "start": format_start(start),
        "full_name": "Priya Shah",
        "email": "priya.shah@gmail.com",
        "phone": "07911 123456",
        "concern": "crown",
        "pattern_stage": "ludwig_2",
        "notes": "I have tried minoxidil for a year.",
        "adult_confirmed": "y",
        "health_consent": "y",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}
