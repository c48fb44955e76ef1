"""A large, realistic clinic database for the benchmark, written with COPY.

Two years of enquiries and bookings plus the next eight weeks of appointments,
ten practitioners, closures and a few thousand photo rows with small files on
disk. The ORM is used only for the one staff account, so its password is hashed
exactly as the app hashes it. A fixed random seed makes every run's data alike.
"""

import bisect
import io
import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
from faker import Faker
from PIL import Image

from clinic.forms import choices
from clinic.models.booking import PhotoView
from clinic.models.references import ALPHABET, LENGTH

ZONE = ZoneInfo("Europe/London")
HISTORY_DAYS = 730
FUTURE_DAYS = 56
ENQUIRIES = 100_000
PHOTO_ROWS = 3_000
BUFFER = timedelta(minutes=10)
EMAIL_DOMAINS = [
    "gmail.com",
    "gmail.com",
    "gmail.com",
    "outlook.com",
    "hotmail.co.uk",
    "yahoo.co.uk",
    "btinternet.com",
    "icloud.com",
    "live.co.uk",
    "sky.com",
]
MESSAGES = [
    "My hairline has been receding for a few years and I am thinking about SMP. Is it right for me?",
    "I keep my hair shaved short and the crown is thinning. Could SMP give it a fuller look?",
    "I have a scar from a hair transplant at the back of my head and would like it hidden.",
    "How long does a treatment take, and how many sessions would I need?",
    "I have alopecia areata with patches on the top. Do you treat that?",
    "Could you tell me roughly what a full head would cost and whether you offer payment plans?",
    "My hair is long and thinning behind the parting. Can SMP add density without shaving?",
    "I had SMP elsewhere five years ago and it has faded unevenly. Can you correct it?",
    "What aftercare is needed, and can I go to the gym during the treatment weeks?",
    "I would like to book a consultation on a Saturday if possible, as I work weekdays.",
    "I am 24 and losing hair at the temples. Is it too early to think about this?",
    "Do you do video consultations? I live about two hours away.",
    "Would SMP suit very pale skin and fair hair?",
    "I have a burn scar near my hairline after an accident and would like advice.",
    "My wife has thinning hair on the top; do you treat women as well?",
]
BOOKING_NOTES = [
    "",
    "",
    "",
    "",
    "Prefers to be called after 5pm.",
    "Has had a hair transplant in the past.",
    "Would like to bring a partner along.",
    "Nervous about needles; would like everything explained first.",
    "Asked about touch-up sessions.",
]
BANK_HOLIDAYS = [(12, 25), (12, 26), (1, 1), (5, 6), (8, 26)]


@dataclass(frozen=True)
class Pattern:
    weekdays: tuple[int, ...]
    intervals: tuple[tuple[time, time], ...]


PATTERNS = [
    Pattern((0, 1, 2, 3, 4), ((time(9), time(13)), (time(14), time(18)))),
    Pattern((1, 2, 3, 4, 5), ((time(10), time(13)), (time(14), time(19)))),
    Pattern((0, 2, 4, 5), ((time(9), time(13)), (time(13, 30), time(17, 30)))),
]
TYPES = [
    ("In-clinic consultation", "An hour-long look at your scalp, your hopes and a plan.", 30, "in_clinic"),
    ("Video consultation", "A first talk from home, over a secure video call.", 20, "video"),
    ("Scar assessment", "For transplant and injury scars: how SMP could camouflage them.", 45, "in_clinic"),
]


@dataclass
class Dataset:
    """What the benchmark needs to know about the data it seeded."""

    type_ids: list[int]
    practitioner_ids: list[int]
    staff_email: str
    staff_password: str
    counts: dict[str, int] = field(default_factory=dict)


class People:
    """Names, emails and phones drawn from Faker's British name lists, cheaply."""

    def __init__(self, rng):
        fake = Faker("en_GB")
        fake.seed_instance(rng.random())
        self.rng = rng
        self.first = [fake.first_name() for _ in range(600)]
        self.last = [fake.last_name() for _ in range(900)]

    def person(self):
        first, last = self.rng.choice(self.first), self.rng.choice(self.last)
        style = self.rng.randrange(4)
        local = [f"{first}.{last}", f"{first}{last}", f"{first[0]}{last}", f"{first}.{last}"][style]
        if self.rng.random() < 0.4:
            local += str(self.rng.randrange(1, 99))
        email = f"{local.lower().replace(' ', '').replace(chr(39), '')}@{self.rng.choice(EMAIL_DOMAINS)}"
        return f"{first} {last}", email, self.phone()

    def phone(self):
        return f"+447{self.rng.randrange(100_000_000, 999_999_999)}"


def seed(url, upload_folder, rng, *, reception_email, reception_password, hash_password):
    """Fill the freshly migrated database at `url` (a plain postgresql:// URL)."""
    now = datetime.now(UTC).replace(microsecond=0)
    people = People(rng)
    counts = {}
    with psycopg.connect(url) as conn:
        type_ids = _consultation_types(conn)
        practitioners = _practitioners(conn, Faker("en_GB"), rng)
        closures = _closures(conn, practitioners, now, rng)
        enquiries = _enquiries(conn, people, practitioners, now, rng)
        counts["enquiries"] = len(enquiries)
        bookings = _bookings(conn, people, type_ids, practitioners, closures, enquiries, now, rng)
        counts["bookings"] = len(bookings)
        counts["photos"] = _photos(conn, enquiries, bookings, Path(upload_folder), now, rng)
        conn.execute(
            "INSERT INTO staff_users (email, name, role, password_hash, active, session_token, created_at) "
            "VALUES (%s, %s, 'reception', %s, true, %s, %s)",
            (
                reception_email,
                "Bench Reception",
                hash_password(reception_password),
                secrets.token_urlsafe(32),
                now,
            ),
        )
        for table in ("consultation_types", "practitioners", "enquiries", "bookings", "photos"):
            conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"  # noqa: S608 - fixed names
            )
    with psycopg.connect(url, autocommit=True) as conn:
        # As autovacuum would have long since done on a real two-year-old database.
        conn.execute("VACUUM ANALYZE")
    return Dataset(type_ids, [p.id for p in practitioners], reception_email, reception_password, counts)


def _consultation_types(conn):
    ids = []
    for position, (name, description, minutes, mode) in enumerate(TYPES, start=1):
        conn.execute(
            "INSERT INTO consultation_types (id, name, description, duration_minutes, mode, active, position)"
            " VALUES (%s, %s, %s, %s, %s, true, %s)",
            (position, name, description, minutes, mode, position),
        )
        ids.append(position)
    return ids


@dataclass(frozen=True)
class PractitionerRow:
    id: int
    pattern: Pattern


def _practitioners(conn, fake, rng):
    rows = []
    hour_id = 0
    for number in range(1, 11):
        pattern = PATTERNS[number % len(PATTERNS)]
        conn.execute(
            "INSERT INTO practitioners (id, name, bio, active) VALUES (%s, %s, %s, true)",
            (number, fake.name(), "Scalp micropigmentation artist."),
        )
        for weekday in pattern.weekdays:
            for start, end in pattern.intervals:
                hour_id += 1
                conn.execute(
                    "INSERT INTO working_hours (id, practitioner_id, weekday, start_time, end_time) "
                    "VALUES (%s, %s, %s, %s, %s)",
                    (hour_id, number, weekday, start, end),
                )
        rows.append(PractitionerRow(number, pattern))
    conn.execute("SELECT setval(pg_get_serial_sequence('working_hours', 'id'), %s)", (hour_id,))
    return rows


def _closures(conn, practitioners, now, rng):
    """Clinic-wide bank holidays in the past, and each practitioner's fortnight off each year.
    Returns {(practitioner_id or None, local date)} for the booking generator to avoid."""
    closed = set()
    today = now.astimezone(ZONE).date()
    for year in range(today.year - 2, today.year + 1):
        for month, day in BANK_HOLIDAYS:
            holiday = date(year, month, day)
            if today - timedelta(days=HISTORY_DAYS) <= holiday < today:
                _close(conn, None, holiday, holiday, "Bank holiday")
                closed.add((None, holiday))
        for practitioner in practitioners:
            first = date(year, 7, 1) + timedelta(days=rng.randrange(60))
            last = first + timedelta(days=13)
            if first < today - timedelta(days=HISTORY_DAYS) or first > today:
                continue
            _close(conn, practitioner.id, first, last, "Annual leave")
            closed.update((practitioner.id, first + timedelta(days=n)) for n in range(14))
    return closed


def _close(conn, practitioner_id, first, last, reason):
    starts = datetime.combine(first, time.min, ZONE).astimezone(UTC).replace(tzinfo=None)
    ends = datetime.combine(last + timedelta(days=1), time.min, ZONE).astimezone(UTC).replace(tzinfo=None)
    conn.execute(
        "INSERT INTO closures (practitioner_id, starts_at, ends_at, reason) VALUES (%s, %s, %s, %s)",
        (practitioner_id, starts, ends, reason),
    )


def _references(prefix, count, rng):
    seen = set()
    while len(seen) < count:
        seen.add(f"{prefix}-" + "".join(rng.choice(ALPHABET) for _ in range(LENGTH)))
    references = list(seen)
    rng.shuffle(references)
    return references


def _enquiry_status(age_days, rng):
    if age_days < 3:
        table = [("new", 70), ("contacted", 25), ("spam", 5)]
    elif age_days < 14:
        table = [("new", 15), ("contacted", 40), ("suitable", 15), ("booked", 15), ("not_suitable", 5),
                 ("spam", 5), ("closed", 5)]  # fmt: skip
    else:
        table = [("closed", 35), ("booked", 30), ("not_suitable", 12), ("spam", 8), ("contacted", 5),
                 ("suitable", 5), ("new", 5)]  # fmt: skip
    statuses, weights = zip(*table, strict=True)
    return rng.choices(statuses, weights)[0]


@dataclass(frozen=True)
class EnquiryRow:
    id: int
    created_at: datetime
    status: str
    name: str
    email: str
    phone: str


def _enquiries(conn, people, practitioners, now, rng):
    # More enquiries lately than two years ago, as a growing clinic sees.
    ages = sorted((HISTORY_DAYS * rng.random() ** 1.3 for _ in range(ENQUIRIES)), reverse=True)
    references = _references("ENQ", ENQUIRIES, rng)
    concerns = [value for value, _ in choices.CONCERNS]
    hoped = [value for value, _ in choices.HOPED_RESULTS]
    heard = [value for value, _ in choices.HEARD_FROM]
    contact = [value for value, _ in choices.PREFERRED_CONTACT]
    rows = []
    columns = (
        "id, reference, created_at, status, full_name, email, phone, preferred_contact, concern, "
        "hoped_result, message, heard_from, marketing_opt_in, assigned_practitioner_id"
    )
    with conn.cursor().copy(f"COPY enquiries ({columns}) FROM STDIN") as copy:
        for number, age in enumerate(ages, start=1):
            created = (now - timedelta(days=age)).replace(tzinfo=None)
            status = _enquiry_status(age, rng)
            name, email, phone = people.person()
            preferred = rng.choice(contact)
            stored_phone = None if preferred == "email" and rng.random() < 0.3 else phone
            assigned = (
                rng.choice(practitioners).id
                if status in ("suitable", "booked", "contacted") and rng.random() < 0.5
                else None
            )
            copy.write_row(
                (
                    number,
                    references[number - 1],
                    created,
                    status,
                    name,
                    email,
                    stored_phone,
                    preferred,
                    rng.choice(concerns),
                    rng.choice(hoped),
                    rng.choice(MESSAGES),
                    rng.choice(heard) if rng.random() < 0.8 else None,
                    rng.random() < 0.3,
                    assigned,
                )
            )
            rows.append(EnquiryRow(number, created, status, name, email, stored_phone or phone))
    return rows


def _hour_starts(pattern, weekday):
    if weekday not in pattern.weekdays:
        return []
    starts = []
    for opens, closes in pattern.intervals:
        minute = opens.hour * 60 + opens.minute
        # An hourly grid keeps every seeded booking (at most 45 minutes plus the buffer) apart.
        while minute + 60 <= closes.hour * 60 + closes.minute:
            starts.append(time(minute // 60, minute % 60))
            minute += 60
    return starts


def _booking_status(starts_at, now, rng):
    if starts_at > now:
        return rng.choices(["booked", "cancelled"], [90, 10])[0]
    if now - starts_at < timedelta(days=10):
        return rng.choices(["booked", "attended", "no_show", "cancelled"], [30, 50, 5, 15])[0]
    return rng.choices(["attended", "no_show", "cancelled"], [78, 7, 15])[0]


def _bookings(conn, people, type_ids, practitioners, closed, enquiries, now, rng):
    today = now.astimezone(ZONE).date()
    durations = {type_id: minutes for type_id, (_, _, minutes, _) in zip(type_ids, TYPES, strict=True)}
    booked_enquiries = [e for e in enquiries if e.status == "booked"]
    booked_times = [e.created_at for e in booked_enquiries]
    planned = []
    for offset in range(-HISTORY_DAYS, FUTURE_DAYS + 1):
        day = today + timedelta(days=offset)
        if (None, day) in closed:
            continue
        # Sparse ahead, so patients (and the booking load) still find plenty of free times.
        per_day = [1, 2, 2, 3] if offset >= 0 else [3, 4, 4, 5, 5, 6]
        for practitioner in practitioners:
            if (practitioner.id, day) in closed:
                continue
            hours = _hour_starts(practitioner.pattern, day.weekday())
            for start in rng.sample(hours, min(len(hours), rng.choice(per_day))):
                starts_at = datetime.combine(day, start, ZONE).astimezone(UTC)
                if offset >= 0 and starts_at < now + timedelta(hours=12):
                    continue
                planned.append((starts_at, practitioner.id))
    planned.sort()
    references = _references("BKG", len(planned), rng)
    rows = []
    regulars = []
    columns = (
        "id, reference, manage_key, token_version, created_at, type_id, practitioner_id, starts_at, "
        "ends_at, blocked_until, status, source, cancelled_at, enquiry_id, reminder_queued_at, full_name, "
        "email, phone, concern, pattern_stage, notes, adult_confirmed, marketing_opt_in"
    )
    concerns = [value for value, _ in choices.CONCERNS]
    stages = [value for value, _ in choices.PATTERN_STAGES]
    with conn.cursor().copy(f"COPY bookings ({columns}) FROM STDIN") as copy:
        for number, (starts_at, practitioner_id) in enumerate(planned, start=1):
            type_id = rng.choices(type_ids, [70, 20, 10])[0]
            ends_at = starts_at + timedelta(minutes=durations[type_id])
            created = min(starts_at - timedelta(hours=rng.randrange(13, 24 * 35)), now - timedelta(minutes=5))
            status = _booking_status(starts_at, now, rng)
            source, enquiry_id = "web", None
            name, email, phone = people.person()
            draw = rng.random()
            if draw < 0.25 and booked_enquiries:
                # Reception booked it in for an enquirer who rang back.
                before = bisect.bisect_left(booked_times, created.replace(tzinfo=None))
                if before:
                    enquiry = booked_enquiries[rng.randrange(max(0, before - 2000), before)]
                    source, enquiry_id = "reception", enquiry.id
                    name, email, phone = enquiry.name, enquiry.email, enquiry.phone
            elif draw < 0.40 and regulars:
                # A returning patient booking again with the same address.
                name, email, phone = rng.choice(regulars)
            regulars.append((name, email, phone))
            cancelled_at = created + (starts_at - created) * rng.random() if status == "cancelled" else None
            reminder = starts_at - timedelta(hours=24) if status != "cancelled" and starts_at < now else None
            copy.write_row(
                (
                    number,
                    references[number - 1],
                    secrets.token_hex(16),
                    1,
                    _naive(created),
                    type_id,
                    practitioner_id,
                    _naive(starts_at),
                    _naive(ends_at),
                    _naive(ends_at + BUFFER),
                    status,
                    source,
                    _naive(cancelled_at),
                    enquiry_id,
                    _naive(reminder),
                    name,
                    email,
                    phone,
                    rng.choice(concerns),
                    rng.choice(stages),
                    rng.choice(BOOKING_NOTES),
                    True,
                    rng.random() < 0.3,
                )
            )
            rows.append((number, starts_at, _naive(created)))
    return rows


def _naive(moment):
    return moment.astimezone(UTC).replace(tzinfo=None) if moment is not None else None


def _photos(conn, enquiries, bookings, folder, now, rng):
    """Photo rows on recent enquiries and on bookings around today (the day lists show them),
    each pointing at a small real JPEG."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    buffer = io.BytesIO()
    Image.new("RGB", (96, 96), (196, 160, 140)).save(buffer, "JPEG", quality=80)
    data = buffer.getvalue()
    recent_enquiries = [e for e in enquiries if now.replace(tzinfo=None) - e.created_at < timedelta(days=120)]
    nearby = [b for b in bookings if abs(b[1] - now) < timedelta(days=60)]
    labels = [view.value for view in PhotoView]
    written = 0
    columns = (
        "booking_id, enquiry_id, label, stored_name, content_type, width, height, size_bytes, created_at"
    )
    with conn.cursor().copy(f"COPY photos ({columns}) FROM STDIN") as copy:
        while written < PHOTO_ROWS:
            if rng.random() < 0.6:
                enquiry = rng.choice(recent_enquiries)
                owner, created = (None, enquiry.id), enquiry.created_at
            else:
                number, _, created = rng.choice(nearby)
                owner = (number, None)
            for label in labels[: rng.randrange(1, 4)]:
                name = f"{secrets.token_hex(16)}.jpg"
                (folder / name).write_bytes(data)
                copy.write_row((*owner, label, name, "image/jpeg", 96, 96, len(data), created))
                written += 1
    return written
