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


# Norwood describes the usual male pattern, Ludwig the usual female one; each
# option is described in words because few patients know the scale by name.
PATTERN_STAGES = [
    ("norwood_1_2", "Norwood 1-2: little or no recession at the temples"),
    ("norwood_3", "Norwood 3: clear recession at the temples, an M- or V-shaped hairline"),
    ("norwood_4_5", "Norwood 4-5: a receding hairline and a thinning crown, with hair still between them"),
    ("norwood_6_7", "Norwood 6-7: front and crown have joined; hair remains at the sides and back"),
    ("ludwig_1", "Ludwig I: some thinning along the parting; the hairline is unchanged"),
    ("ludwig_2", "Ludwig II: a noticeably wider parting, with more scalp showing on top"),
    ("ludwig_3", "Ludwig III: thinning over most of the top of the head"),
    ("not_sure", "Not sure"),
]

WEEKDAYS = [
    ("0", "Monday"),
    ("1", "Tuesday"),
    ("2", "Wednesday"),
    ("3", "Thursday"),
    ("4", "Friday"),
    ("5", "Saturday"),
    ("6", "Sunday"),
]

PARTS_OF_DAY = [
    ("any", "Any time"),
    ("morning", "Mornings (before 12 noon)"),
    ("afternoon", "Afternoons (from 12 noon)"),
]
