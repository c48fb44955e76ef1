"""Globals and filters the templates share."""

from clinic import choices, clinic_info, static_assets, timefmt
from clinic.booking import video
from clinic.urls import site_url
from clinic.validators import display_phone


def field_attrs(field, hint=None, **extra):
    """HTML attributes tying a form field to its hint and error for screen readers."""
    described_by = [f"{field.id}-hint"] if hint else []
    if field.errors:
        described_by.append(f"{field.id}-error")
    attributes = {
        **extra,
        "aria-describedby": " ".join(described_by) or None,
        "aria-invalid": "true" if field.errors else None,
    }
    # WTForms would write a None value out as the text "None".
    return {name: value for name, value in attributes.items() if value is not None}


def register_template_helpers(app):
    static_assets.init_app(app)
    app.context_processor(clinic_info.as_template_context)
    app.jinja_env.globals.update(
        choice_label=choices.label, choices=choices, field_attrs=field_attrs, site_url=site_url
    )
    # Staff pages flag video bookings without a link by the same rule and words as the inbox.
    app.jinja_env.globals.update(
        needs_video_link=video.needs_link,
        video_link_needed=video.LINK_NEEDED,
        video_link_to_follow=video.LINK_TO_FOLLOW,
    )
    app.jinja_env.filters.update(
        phone=display_phone, clock=timefmt.clock, day=timefmt.day, when=timefmt.when, zone=timefmt.zone_name
    )
