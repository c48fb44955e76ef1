"""Stored codes with the words people are shown for them."""

from enum import StrEnum


class LabelledEnum(StrEnum):
    """A StrEnum whose members also carry a label: `BOOKED = "booked", "Booked"`.

    Members equal the plain strings the database holds, so they store and compare
    as those strings; a label can be reworded without a migration.
    """

    def __new__(cls, value, label):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def choices(cls):
        return [(member.value, member.label) for member in cls]

    @classmethod
    def label_of(cls, value):
        """The label of a stored value; one no member has is shown as it is."""
        try:
            return cls(value).label
        except ValueError:
            return value or ""
