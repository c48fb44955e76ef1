"""Staff accounts and signing in through the real forms."""

import pyotp

from clinic.staff.auth import service as accounts

STAFF_PASSWORD = "correct horse battery staple"


def create_account(email, name, role, practitioner=None):
    return accounts.create(email, name, role, STAFF_PASSWORD, practitioner=practitioner)


def sign_in(client, email, password=STAFF_PASSWORD, code=""):
    """Sign in through the real form; returns the response (303 on success)."""
    return client.post("/staff/login", data={"email": email, "password": password, "code": code})


def enable_two_factor(client):
    """Turn on two-factor sign-in for the signed-in account; returns its TOTP secret."""
    client.get("/staff/account/two-factor")
    with client.session_transaction() as session:
        secret = session["pending_totp_secret"]
    response = client.post("/staff/account/two-factor", data={"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 303
    return secret
