"""HTTP helpers for production cookies over plain loopback http.

Production cookies are __Host- prefixed and Secure, so an HTTP client rightly refuses to send
them back over http://127.0.0.1; the benchmark keeps the session cookie itself and sends it
in a Cookie header, as a browser would over https.
"""

import re
from http.cookies import SimpleCookie

import requests

SESSION_COOKIE = "__Host-session"
INBOX_HEADING = "<h1>Enquiries and bookings</h1>"
PAGE_ROWS = 50
CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


class CookieClient:
    def __init__(self, base_url):
        self.base_url = base_url
        self.http = requests.Session()
        self.cookie = None

    @property
    def cookie_header(self):
        return f"{SESSION_COOKIE}={self.cookie}"

    def get(self, path, **kwargs):
        return self._keep_cookie(self.http.get(self.base_url + path, headers=self._headers(), **kwargs))

    def post(self, path, data, **kwargs):
        return self._keep_cookie(
            self.http.post(self.base_url + path, data=data, headers=self._headers(), **kwargs)
        )

    def _headers(self):
        return {"Cookie": self.cookie_header} if self.cookie else {}

    def _keep_cookie(self, response):
        for header in response.raw.headers.getlist("Set-Cookie"):
            parsed = SimpleCookie(header)
            if SESSION_COOKIE in parsed:
                self.cookie = parsed[SESSION_COOKIE].value
        return response


def csrf_token(page):
    found = CSRF_FIELD.search(page)
    if found is None:
        raise RuntimeError("no CSRF token on the page")
    return found.group(1)


def sign_in(base_url, email, password):
    """A client signed in as this staff member; fails loudly unless the inbox really shows."""
    client = CookieClient(base_url)
    form = client.get("/staff/login", timeout=30)
    signed_in = client.post(
        "/staff/login",
        {"csrf_token": csrf_token(form.text), "email": email, "password": password, "code": ""},
        allow_redirects=False,
        timeout=30,
    )
    if signed_in.status_code != 303:
        raise RuntimeError(f"staff sign-in answered {signed_in.status_code}")
    inbox = client.get("/staff/enquiries", allow_redirects=False, timeout=30)
    check_inbox(inbox)
    return client


def check_inbox(response):
    """Raises unless this is a full first page of the signed-in inbox."""
    rows = len(re.findall(r">(?:ENQ|BKG)-[A-Z0-9]{6}<", response.text))
    if response.status_code != 200 or INBOX_HEADING not in response.text or rows < PAGE_ROWS:
        raise RuntimeError(
            f"the inbox answered {response.status_code} with {rows} rows, not the signed-in page"
        )
