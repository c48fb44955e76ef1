"""Globals and filters the templates share."""

import re
import unicodedata

from clinic import clinic_info, clinic_time
from clinic.booking import video
from clinic.forms import choices
from clinic.forms.validators import display_phone
from clinic.models.booking import OUTCOME_LABELS, BookingSource, BookingStatus, PhotoView
from clinic.models.enquiry import ConsentPurpose, EnquiryStatus
from clinic.models.outbox import EmailKind, OutboxStatus
from clinic.models.staff import Role
from clinic.staff.access import may_open, sees_every_patient
from clinic.web.urls import site_url


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


PATIENT_NAME_MAX = 60
# Words that are an address, not part of a name: a URL or URI, a web or email address, or
# a domain (a full stop, or the ideographic one some mail clients read as one, followed by
# two or more letters or digits: "evil.example", "x.co/win"). Initials ("J.R.") are not.
_ADDRESS_WORD = re.compile(
    r"://|@|\w[.\u3002]\w\w|^(?:mailto|tel|sms|callto|javascript|data|file):", re.IGNORECASE
)
# Zero-width (non-)joiners belong to names in some scripts; other format characters
# (bidi overrides, invisible separators) only disguise text.
_KEPT_FORMAT_CHARACTERS = {"\u200c", "\u200d"}


def patient_name(name):
    """A patient's name as emails show it: one line, at most PATIENT_NAME_MAX characters
    (cut at a word, with an ellipsis), and nothing a mail client would make a link of, since
    anyone can type anything as their name into a form that emails the address they give.

    Words that are addresses are left out whole rather than broken (a zero-width space
    or an inserted space would still show the address to the reader, and clients differ
    in what they link); the rare name written with a dot inside a word ("St.John") loses
    that word. Compatibility forms are folded first (NFKC), so fullwidth letters, stops
    and at signs are caught too.
    """
    name = unicodedata.normalize("NFKC", str(name or ""))
    name = "".join(
        character
        for character in name
        if unicodedata.category(character) not in {"Cc", "Cf"}
        or character.isspace()
        or character in _KEPT_FORMAT_CHARACTERS
    )
    name = " ".join(word for word in name.split() if not _ADDRESS_WORD.search(word))
    if len(name) <= PATIENT_NAME_MAX:
        return name
    cut = name[: PATIENT_NAME_MAX - 1]
    if name[PATIENT_NAME_MAX - 1] != " " and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip() + "\u2026"


def register_template_helpers(app):
    app.context_processor(clinic_info.as_template_context)
    app.jinja_env.globals.update(
        choice_label=choices.label, choices=choices, field_attrs=field_attrs, site_url=site_url
    )
    # Staff pages (their error pages too) offer what the rules the routes enforce allow.
    app.jinja_env.globals.update(may_open=may_open, sees_every_patient=sees_every_patient)
    # Staff pages flag video bookings without a link by the same rule and words as the inbox.
    app.jinja_env.globals.update(
        needs_video_link=video.needs_link,
        video_link_needed=video.LINK_NEEDED,
        video_link_to_follow=video.LINK_TO_FOLLOW,
    )
    # Statuses, roles and the words shown for them, as the models define them.
    app.jinja_env.globals.update(
        BookingSource=BookingSource,
        BookingStatus=BookingStatus,
        ConsentPurpose=ConsentPurpose,
        EmailKind=EmailKind,
        EnquiryStatus=EnquiryStatus,
        OutboxStatus=OutboxStatus,
        PhotoView=PhotoView,
        Role=Role,
        outcome_labels=OUTCOME_LABELS,
    )
    app.jinja_env.filters.update(
        patient_name=patient_name,
        phone=display_phone,
        clock=clinic_time.clock,
        day=clinic_time.day,
        when=clinic_time.when,
        zone=clinic_time.zone_name,
    )
