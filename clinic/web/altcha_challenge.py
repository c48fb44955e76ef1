"""A proof-of-work challenge on the public forms (ALTCHA), made and checked here: no third party.

When JavaScript runs, the widget (static/vendor/altcha/, static/js/altcha.js) fetches a
challenge from /altcha/challenge, works out its answer in the background and sends it in
the form's `altcha` field. The challenge is signed with a key derived from SECRET_KEY and
expires; an answer is spent by the first form it comes with: its signature is kept in the
rate-limit storage (Redis in production, shared by every worker) until the challenge
expires, so the same answer sent again is refused. A form sent without an answer (no
JavaScript) is still taken, under the stricter *_WITHOUT_CHALLENGE limits as well.
"""

import hashlib
import hmac
import secrets
import time

import altcha
from flask import current_app, g, request
from wtforms import HiddenField
from wtforms.validators import ValidationError

from clinic.extensions import limiter

FIELD_NAME = "altcha"
LIFETIME_SECONDS = 10 * 60
# Iterated SHA-256 with one round: the browser's Web Crypto does it natively, and the
# server checks an answer with one hash.
ALGORITHM = "SHA-256"
# A real answer is about 600 characters; anything far longer is not decoded.
MAX_PAYLOAD_LENGTH = 4000
REFUSED_MESSAGE = (
    "Our automatic check that this form was sent by a person had expired or was already used. "
    "Your answers are kept: please send the form again."
)
_SPENT_KEY = "altcha-spent/{}"


def hmac_secret():
    """A key of its own, so the challenge signatures never sign with SECRET_KEY itself."""
    return hmac.new(current_app.config["SECRET_KEY"].encode(), b"altcha challenge", hashlib.sha256).digest()


def new_challenge():
    """A signed challenge whose answer is a counter drawn below ALTCHA_MAX_NUMBER: the
    browser tries counters from 0, on average half that many."""
    challenge = altcha.create_challenge(
        ALGORITHM,
        1,
        counter=secrets.randbelow(current_app.config["ALTCHA_MAX_NUMBER"] + 1),
        expires_at=int(time.time()) + LIFETIME_SECONDS,
        hmac_secret=hmac_secret(),
    )
    return challenge.to_dict()


def _verified(payload):
    """The verified challenge's signature, or None; checked once per request."""
    cache = g.setdefault("altcha_verified", {})
    if payload not in cache:
        result = None
        if len(payload) <= MAX_PAYLOAD_LENGTH:
            parsed = altcha.verify_solution(payload, hmac_secret())
            if parsed.verified:
                result = altcha.Payload.from_base64(payload).challenge.signature
        cache[payload] = result
    return cache[payload]


def _storage():
    # The limiter's current storage: Redis, or its in-memory stand-in while Redis is down.
    # Flask-Limiter switches over when a limit check fails, and the limits run before the
    # view (the exemption check below runs among them), so a failure is not seen here.
    return limiter.limiter.storage


def has_fresh_solution():
    """Whether this request brings a valid answer not used before (it is spent only when
    the form is validated): such a request is exempt from the stricter limits."""
    payload = request.form.get(FIELD_NAME, "")
    signature = _verified(payload) if payload else None
    return signature is not None and _storage().get(_SPENT_KEY.format(signature)) == 0


def spend(payload):
    """True if the answer is valid and this is its first use; marks it used."""
    signature = _verified(payload)
    return signature is not None and _storage().incr(_SPENT_KEY.format(signature), LIFETIME_SECONDS) == 1


class ChallengeField:
    """A form mixin: the widget's answer, optional (forms work without JavaScript), but
    refused next to the form if it is forged, expired or used before."""

    altcha = HiddenField()

    def validate_altcha(self, field):
        if field.data and not spend(field.data):
            raise ValidationError(REFUSED_MESSAGE)


def limit_without_solution(limit_value):
    """A view's stricter limit, counted for POSTs without a fresh answer only; a scope of
    its own keeps its counts apart from the view's other limits."""
    return limiter.limit(
        limit_value, methods=["POST"], exempt_when=has_fresh_solution, scope="without-challenge"
    )
