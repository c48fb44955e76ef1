"""The app under gunicorn on a loopback port, for tests that need a real server."""

import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

from tests.support.smtp_sink import free_port

CSRF_TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
HIDDEN_FIELD = re.compile(r'<input id="[^"]*" name="([^"]+)" type="hidden" value="([^"]*)">')


def csrf_token(page):
    return CSRF_TOKEN.search(page).group(1)


def hidden_fields(page):
    """The hidden inputs of a page's forms as WTForms renders them (CSRF token, one-time key ...)."""
    return dict(HIDDEN_FIELD.findall(page))


def filled_booking_form(session, base_url, choice, number):
    """Open the details page for `choice` (type, practitioner, start) in this session, and
    return the form as patient `number` sends it, CSRF token included."""
    page = session.get(f"{base_url}/book/details", params=choice, timeout=60).text
    return {
        **choice,
        **hidden_fields(page),
        "full_name": f"Patient {number}",
        "email": f"patient{number}@gmail.com",
        "phone": "07911 123456",
        "concern": "crown",
        "pattern_stage": "not_sure",
        "adult_confirmed": "y",
        "health_consent": "y",
    }


def signed_in_staff(server, email, password):
    """A session signed in to `server` through the real sign-in form."""
    session = requests.Session()
    token = csrf_token(session.get(f"{server.url}/staff/login", timeout=30).text)
    response = session.post(
        f"{server.url}/staff/login",
        data={"csrf_token": token, "email": email, "password": password, "code": ""},
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 303, response.text
    return session


def at_once(posts):
    """Send every (session, url, form) POST at the same instant; the responses, in order."""
    barrier = threading.Barrier(len(posts))
    responses = [None] * len(posts)

    def submit(number):
        session, url, form = posts[number]
        barrier.wait(timeout=60)
        responses[number] = session.post(url, data=form, allow_redirects=False, timeout=60)

    threads = [threading.Thread(target=submit, args=(number,)) for number in range(len(posts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return responses


REPO = Path(__file__).resolve().parents[2]
# Every worker signs sessions and links with this; a test app given the same key makes
# links (a manage token, say) that the server accepts.
SECRET_KEY = "shared-by-all-workers-" + "x" * 32
# Test clients send forms without a proof-of-work answer (clinic/web/altcha_challenge.py):
# the stricter limits on such forms are lifted here and tested in tests/test_altcha.py.
NO_STRICTER_LIMITS = {
    "ENQUIRY_RATE_LIMIT_WITHOUT_CHALLENGE": "100000 per minute",
    "BOOKING_RATE_LIMIT_WITHOUT_CHALLENGE": "100000 per minute",
}


class AppServer:
    def __init__(self, database_url, mail_port, upload_folder, *, workers=2, threads=12, **settings):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "CLINIC_ENV": "testing",
            "SECRET_KEY": SECRET_KEY,
            "DATABASE_URL": database_url,
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": str(mail_port),
            "UPLOAD_FOLDER": str(upload_folder),
            **NO_STRICTER_LIMITS,
            **{key: str(value) for key, value in settings.items()},
        }
        self.env = env
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--workers",
                str(workers),
                "--threads",
                str(threads),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
                "wsgi:app",
            ],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def flask(self, *args, **settings):
        """Start `flask --app wsgi ARGS` with this server's environment, `settings` overriding it."""
        return subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", *args],
            cwd=REPO,
            env={**self.env, **{key: str(value) for key, value in settings.items()}},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def wait_until_up(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.process.stdout.read()}")
            try:
                if requests.get(self.url + "/healthz", timeout=5).ok:
                    return self
            except requests.RequestException:
                # Not listening yet, or a worker still booting on a busy machine.
                time.sleep(0.2)
        raise RuntimeError("server did not start in time")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
