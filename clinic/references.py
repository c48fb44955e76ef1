"""Short reference codes patients can read out on the phone."""

import secrets

# No 0/O, 1/I/L, 2/Z, 5/S or 8/B: each pair is easily confused when read aloud or written.
ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
LENGTH = 6


def new_reference(prefix):
    return f"{prefix}-" + "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
