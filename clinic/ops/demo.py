"""Demo content for development: every item is clearly marked as a sample."""

import secrets
from datetime import date, time

from sqlalchemy import select

from clinic.extensions import db
from clinic.models import ConsultationType, MediaItem, Practitioner, StaffUser, Testimonial, WorkingHours
from clinic.models.scheduling import IN_CLINIC, VIDEO
from clinic.models.staff import Role
from clinic.staff.auth import service as accounts

CONSULTATION_TYPES = [
    dict(
        name="In-clinic consultation",
        description=(
            "Meet a practitioner at the clinic, who can look at your scalp closely "
            "and show you pigment shades."
        ),
        duration_minutes=30,
        mode=IN_CLINIC,
        position=1,
    ),
    dict(
        name="Video consultation",
        description="A first conversation from home, by video call on your phone or computer.",
        duration_minutes=20,
        mode=VIDEO,
        position=2,
    ),
]

MORNING, AFTERNOON = (time(9), time(13)), (time(14), time(18))
PRACTITIONERS = [
    dict(
        name="Sam Adeyemi (sample)",
        bio=(
            "Sample practitioner: an SMP specialist for eight years, with a particular interest in hairlines."
        ),
        week={day: [MORNING, AFTERNOON] for day in range(5)},
    ),
    dict(
        name="Rachel Moore (sample)",
        bio=(
            "Sample practitioner: trained in medical tattooing, "
            "and focuses on scar camouflage and density work."
        ),
        week={
            1: [MORNING, AFTERNOON],
            2: [MORNING, AFTERNOON],
            3: [MORNING, AFTERNOON],
            5: [(time(10), time(14))],
        },
    ),
]

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
    return any(
        db.session.scalar(select(model.id).limit(1)) is not None
        for model in (StaffUser, Testimonial, ConsultationType, Practitioner)
    )


def seed():
    """Add the demo content and return lines describing what was added."""
    for item in SAMPLE_TESTIMONIALS:
        db.session.add(Testimonial(is_sample=True, **item))
    for item in SAMPLE_MEDIA:
        db.session.add(MediaItem(is_sample=True, **item))
    for item in CONSULTATION_TYPES:
        db.session.add(ConsultationType(**item))
    practitioners = []
    for item in PRACTITIONERS:
        practitioner = Practitioner(name=item["name"], bio=item["bio"])
        practitioner.hours = [
            WorkingHours(weekday=day, start_time=start, end_time=end)
            for day, intervals in item["week"].items()
            for start, end in intervals
        ]
        db.session.add(practitioner)
        practitioners.append(practitioner)
    logins = _demo_staff(practitioners)
    db.session.commit()
    return [
        f"Added {len(SAMPLE_TESTIMONIALS)} sample testimonials and {len(SAMPLE_MEDIA)} sample media items.",
        f"Added {len(CONSULTATION_TYPES)} consultation types and {len(PRACTITIONERS)} practitioners "
        "with weekly hours (lunch 1pm to 2pm).",
        "Demo staff logins (development only; sign in at /staff/login):",
        *(f"  {role:<13} {email:<32} {password}" for role, email, password in logins),
    ]


def _demo_staff(practitioners):
    """Accounts with fresh random passwords, printed once by seed-demo."""
    wanted = [
        (Role.RECEPTION, "reception@hairline-clinic.co.uk", "Demo Reception", None),
        (Role.PRACTITIONER, "sam@hairline-clinic.co.uk", practitioners[0].name, practitioners[0]),
        (Role.PRACTITIONER, "rachel@hairline-clinic.co.uk", practitioners[1].name, practitioners[1]),
        (Role.ADMIN, "admin@hairline-clinic.co.uk", "Demo Admin", None),
    ]
    logins = []
    for role, email, name, practitioner in wanted:
        password = secrets.token_urlsafe(12)
        accounts.create(email, name, role, password, practitioner=practitioner)
        logins.append((role, email, password))
    return logins
