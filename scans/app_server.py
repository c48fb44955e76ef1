"""A scratch copy of the app for the scanners: its own SQLite database, demo data, a
reception account, a mail sink, served by gunicorn over TLS on loopback.

Production settings (CSRF, __Host- cookies that are Secure, HSTS, error pages) are
what the scanners should meet, and Secure cookies need https, hence the self-signed
certificate. Demo data can only be loaded in development, so that one command runs so.
"""

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

import config

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
RECEPTION_EMAIL = "scan.reception@gmail.com"
RECEPTION_NAME = "Scan Reception"
# The scanners must never meet a rate limit: they would see 429s, not the forms.
# Every *RATE_LIMIT* setting is read from the variable of the same name.
SCAN_RATE_LIMIT = "100000 per minute"
RATE_LIMIT_SETTINGS = [name for name in vars(config.Config) if "RATE_LIMIT" in name and name.isupper()]


@dataclass
class ScratchApp:
    base_url: str
    reception_password: str
    certificate: Path

    def session(self):
        client = requests.Session()
        # Loopback only: no proxy from the environment, and our own certificate.
        client.trust_env = False
        client.verify = str(self.certificate)
        return client


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _environment(workdir, port, mail_port):
    env = {
        **os.environ,
        "CLINIC_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": f"sqlite:///{workdir / 'scan.sqlite3'}",
        "UPLOAD_FOLDER": str(workdir / "uploads"),
        "CLINIC_BASE_URL": f"https://127.0.0.1:{port}",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(mail_port),
        "MAIL_TIMEOUT": "2",
        # The scanners talk to gunicorn directly: no proxy's headers to believe.
        "PROXY_TRUSTED_HOPS": "0",
        "FORWARDED_ALLOW_IPS": "127.0.0.1",
        "WEB_CONCURRENCY": "2",
    }
    env.update(dict.fromkeys(RATE_LIMIT_SETTINGS, SCAN_RATE_LIMIT))
    # Each worker counts in memory: a Redis shared with other runs is none of the scan's business.
    env.pop("REDIS_URL", None)
    return env


def _flask(env, *args, stdin=None):
    subprocess.run(  # noqa: S603 - our own venv's flask with fixed arguments
        [str(VENV_BIN / "flask"), "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        text=True,
        check=True,
        capture_output=True,
        timeout=120,
    )


def _certificate(workdir):
    cert, key = workdir / "cert.pem", workdir / "key.pem"
    subprocess.run(  # noqa: S603
        [
            shutil.which("openssl") or "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


def _wait_until_up(url, cert, process, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the scratch app stopped at start-up (exit {process.returncode})")
        try:
            if requests.get(url, verify=str(cert), timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the scratch app did not answer {url} within {seconds} s")


@contextmanager
def scratch_app(workdir, log_path):
    """Yield a running ScratchApp; everything it started is stopped on the way out."""
    port, mail_port = free_port(), free_port()
    env = _environment(workdir, port, mail_port)
    password = secrets.token_urlsafe(24)
    _flask(env, "db", "upgrade")
    _flask({**env, "CLINIC_ENV": "development"}, "seed-demo")
    _flask(
        env,
        "create-user",
        RECEPTION_EMAIL,
        "--role",
        "reception",
        "--name",
        RECEPTION_NAME,
        "--password-stdin",
        stdin=password + "\n",
    )
    cert, key = _certificate(workdir)
    with open(log_path, "w") as log:
        # The sink swallows every email: they are sent, and go nowhere.
        sink = subprocess.Popen(  # noqa: S603
            [
                str(VENV_BIN / "python"),
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                f"127.0.0.1:{mail_port}",
                "-c",
                "aiosmtpd.handlers.Sink",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        server = subprocess.Popen(  # noqa: S603
            [
                str(VENV_BIN / "gunicorn"),
                "-c",
                "gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--certfile",
                str(cert),
                "--keyfile",
                str(key),
                "wsgi:app",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            base_url = f"https://127.0.0.1:{port}"
            _wait_until_up(base_url + "/healthz", cert, server)
            yield ScratchApp(base_url, password, cert)
        finally:
            for process in (server, sink):
                process.terminate()
            for process in (server, sink):
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
