"""Statuses and roles are StrEnums whose values are the strings the database already holds."""

from clinic.models.booking import BookingStatus, PhotoView
from clinic.models.outbox import EmailKind
from clinic.models.staff import Role
from clinic.photos.fields import PHOTO_FIELDS


def test_members_store_and_compare_as_their_codes():
    assert BookingStatus.NO_SHOW == "no_show" and f"{BookingStatus.NO_SHOW}" == "no_show"
    assert BookingStatus("no_show") is BookingStatus.NO_SHOW
    assert BookingStatus.NO_SHOW.label == "No-show"
    assert [role.value for role in Role] == ["reception", "practitioner", "admin"]


def test_a_code_no_member_has_is_shown_as_it_is():
    assert EmailKind.label_of("booking_staff_new") == "New booking alert"
    assert EmailKind.label_of("retired_kind") == "retired_kind"
    assert Role.label_of(None) == ""


def test_the_upload_fields_follow_the_photo_views():
    assert PHOTO_FIELDS == {"photo_front": "front", "photo_top": "top", "photo_crown": "crown"}
    assert PhotoView.choices()[0] == ("front", "Front (hairline)")
