"""Demo content for development: every item is clearly marked as a sample."""

from datetime import date

from sqlalchemy import select

from clinic.extensions import db
from clinic.models import MediaItem, Testimonial

SAMPLE_TESTIMONIALS = [
    dict(
        headline="I stopped thinking about my hairline",
        body=(
            "I had been shaving my head for years to hide a receding hairline. After two "
            "sessions the shaved look finally reads as a full, short crop. The practitioner "
            "talked me out of an over-low hairline, and I'm glad she did."
        ),
        attribution="D., 38",
        treatment="SMP, hairline and crown",
        given_on=date(2026, 9, 14),
    ),
    dict(
        headline="Honest advice from the first appointment",
        body=(
            "My hair is long and thinning on top. I was told plainly that SMP would make my "
            "scalp less visible, not give me more hair, and that was exactly the result: "
            "less shine through the parting and far less time styling around it."
        ),
        attribution="Priya, 45",
        treatment="SMP, density behind longer hair",
        given_on=date(2026, 6, 2),
    ),
    dict(
        headline="The scar is hard to spot now",
        body=(
            "A line scar from an old transplant showed whenever I cut my hair short. Three "
            "short sessions blended it in. It felt like a scratchy tingle rather than pain, "
            "and the aftercare was simple."
        ),
        attribution="M.",
        treatment="SMP, scar camouflage",
        given_on=date(2026, 3, 21),
    ),
]

SAMPLE_MEDIA = [
    dict(
        outlet="Sample Health Weekly",
        title="What scalp micropigmentation can and cannot do",
        summary=(
            "One of our practitioners explains who is suited to SMP "
            "and why it suits a short, shaved style best."
        ),
        url=None,
        published_on=date(2026, 8, 30),
    ),
    dict(
        outlet="Sample Local Radio",
        title="Hair loss, confidence and the options in between",
        summary="A phone-in on hair loss where the clinic compared SMP, medication and transplant surgery.",
        url=None,
        published_on=date(2026, 4, 11),
    ),
]


def has_data():
    return db.session.scalar(select(Testimonial.id).limit(1)) is not None


def seed():
    """Add the demo content and return lines describing what was added."""
    for item in SAMPLE_TESTIMONIALS:
        db.session.add(Testimonial(is_sample=True, **item))
    for item in SAMPLE_MEDIA:
        db.session.add(MediaItem(is_sample=True, **item))
    db.session.commit()
    return [
        f"Added {len(SAMPLE_TESTIMONIALS)} sample testimonials and {len(SAMPLE_MEDIA)} sample media items.",
        "Staff logins arrive with the staff area; there are none yet.",
    ]
