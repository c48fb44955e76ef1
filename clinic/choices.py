"""Answers patients choose from, with the words they see.

Stored values are short codes; labels can be reworded without a migration.
"""

from wtforms import SelectChoice

PREFERRED_CONTACT = [
    ("email", "Email"),
    ("phone", "Phone"),
    ("either", "Either is fine"),
]

CONCERNS = [
    ("thinning", "Thinning hair"),
    ("hairline", "Receding hairline"),
    ("crown", "Crown"),
    ("scar", "Scar concealment"),
    ("alopecia", "Alopecia"),
    ("other", "Something else"),
]

HOPED_RESULTS = [
    ("buzz_cut", 'A shaved, "buzz-cut" look'),
    ("density", "More density behind longer hair"),
    ("scar", "Camouflage for a scar"),
    ("not_sure", "Not sure yet"),
]

HEARD_FROM = [
    ("search", "Search engine"),
    ("social", "Social media"),
    ("friend", "A friend or family member"),
    ("press", "Newspaper, magazine, TV or radio"),
    ("doctor", "My GP or another clinician"),
    ("other", "Somewhere else"),
]


def select_choices(pairs):
    return [SelectChoice(value, text) for value, text in pairs]


def label(choices, value):
    return dict(choices).get(value, value or "")
