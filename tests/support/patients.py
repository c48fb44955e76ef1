"""What patients type into the public forms, as the form posts it."""

from clinic.clinic_time import format_start


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


def enquiry_form(**changes):
    """The enquiry form as a patient fills it in; a change of None leaves that field out."""
    data = {
        "full_name": "Amara Okafor",
        "email": "amara.okafor@gmail.com",
        "phone": "07911 123456",
        "preferred_contact": "either",
        "concern": "crown",
        "hoped_result": "density",
        "message": "My crown has thinned over five years. Would SMP suit longer hair?",
        "heard_from": "search",
        "health_consent": "y",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def waitlist_form(type_id, weekdays, **changes):
    """The waiting-list form for `weekdays` (Monday 0, or None for none); a change of None
    leaves that field out."""
    data = {
        "type": str(type_id),
        "practitioner": "any",
        "weekdays": None if weekdays is None else [str(day) for day in weekdays],
        "part_of_day": "any",
        "full_name": "Priya Shah",
        "email": "priya.shah@gmail.com",
        "phone": "07911 123456",
        "concern": "hairline",
        "pattern_stage": "ludwig_2",
        "notes": "Mornings suit me best.",
        "adult_confirmed": "y",
        "health_consent": "y",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}
