"""Short reference codes patients can read out on the phone."""

import secrets

from sqlalchemy import select

from clinic.extensions import db

# No 0/O, 1/I/L, 2/Z, 5/S or 8/B: each pair is easily confused when read aloud or written.
ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
LENGTH = 6


def new_reference(prefix):
    return f"{prefix}-" + "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def unused_reference(model, prefix):
    """A reference no row of `model` has; 25**6 codes make a clash rare, and the
    column's unique constraint is the final guard."""
    while True:
        reference = new_reference(prefix)
        if db.session.scalar(select(model.id).where(model.reference == reference)) is None:
            return reference
