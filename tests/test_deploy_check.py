import os
import subprocess
import sys
from pathlib import Path

import pytest

from clinic import create_app
from clinic.extensions import db
from clinic.ops import deploy_check
from config import ProductionConfig
from tests.support.production import STRONG_KEY

REPO = Path(__file__).resolve().parent.parent
# What a real deployment puts in its environment besides SECRET_KEY.
DEPLOYMENT_ENV = {
    "CLINIC_BASE_URL": "https://www.hairline-clinic.co.uk",
    "MAIL_SERVER": "smtp.hairline-clinic.co.uk",
    # REDIS_URL; the storage connects lazily, so no Redis is needed here.
    "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
}


@pytest.fixture
def production_app(app_settings):
    class Production(ProductionConfig):
        SECRET_KEY = STRONG_KEY

    settings = {**app_settings, **DEPLOYMENT_ENV}
    del settings["WTF_CSRF_ENABLED"]  # the suite turns it off; production keeps Flask-WTF's default
    app = create_app(Production, settings)
    yield app
    with app.app_context():
        db.engine.dispose()


def test_production_config_with_a_strong_key_passes(production_app):
    assert deploy_check.problems(production_app) == []
    assert deploy_check.warnings(production_app) == []


BROKEN = {
    "weak key": ({"SECRET_KEY": "changeme"}, "SECRET_KEY is a well-known default"),
    "short key": ({"SECRET_KEY": "x7Gq2LmP9vRt4WzY"}, "SECRET_KEY is shorter than 32"),
    "no key": ({"SECRET_KEY": None}, "SECRET_KEY is not set"),
    "debug": ({"DEBUG": True}, "DEBUG is on"),
    "testing": ({"TESTING": True}, "TESTING is on"),
    "csrf off": ({"WTF_CSRF_ENABLED": False}, "WTF_CSRF_ENABLED is off"),
    "cookie not secure": ({"SESSION_COOKIE_SECURE": False}, "SESSION_COOKIE_SECURE is off"),
    "cookie readable by scripts": ({"SESSION_COOKIE_HTTPONLY": False}, "SESSION_COOKIE_HTTPONLY is off"),
    "cookie samesite none": ({"SESSION_COOKIE_SAMESITE": "None"}, "SESSION_COOKIE_SAMESITE"),
    "no __Host- prefix": ({"SESSION_COOKIE_NAME": "session"}, "lacks the __Host- prefix"),
    "__Host- with a domain": (
        {"SESSION_COOKIE_DOMAIN": "hairline-clinic.co.uk"},
        "A __Host- session cookie needs no SESSION_COOKIE_DOMAIN",
    ),
    "remember cookie not secure": ({"REMEMBER_COOKIE_SECURE": False}, "REMEMBER_COOKIE_SECURE is off"),
    "csp unsafe-inline": (
        {
            "CONTENT_SECURITY_POLICY": "default-src 'self'; script-src 'self' 'unsafe-inline'; "
            "frame-ancestors 'none'"
        },
        "allows unsafe scripts: 'unsafe-inline'",
    ),
    "csp unsafe-inline by default-src": (
        {"CONTENT_SECURITY_POLICY": "default-src 'self' 'unsafe-inline'; frame-ancestors 'none'"},
        "allows unsafe scripts: 'unsafe-inline'",
    ),
    "csp unsafe-eval": (
        {"CONTENT_SECURITY_POLICY": "script-src 'self' 'unsafe-eval'; frame-ancestors 'none'"},
        "allows unsafe scripts: 'unsafe-eval'",
    ),
    "csp missing": ({"CONTENT_SECURITY_POLICY": None}, "CONTENT_SECURITY_POLICY is not set"),
    "csp lets pages be framed": ({"CONTENT_SECURITY_POLICY": "default-src 'self'"}, "frame-ancestors"),
    "hsts off": ({"STRICT_TRANSPORT_SECURITY": None}, "HSTS) is off"),
    "hsts short": ({"STRICT_TRANSPORT_SECURITY": "max-age=300"}, "max-age is under a year"),
    "http base url": ({"CLINIC_BASE_URL": "http://www.hairline-clinic.co.uk"}, "CLINIC_BASE_URL"),
}


@pytest.mark.parametrize("case", BROKEN)
def test_each_unsafe_setting_is_reported(production_app, case):
    overrides, expected = BROKEN[case]
    production_app.config.update(overrides)

    problems = deploy_check.problems(production_app)

    assert len(problems) == 1, problems
    assert expected in problems[0]


def test_a_local_mail_server_is_a_warning_not_a_problem(production_app):
    production_app.config["MAIL_SERVER"] = "127.0.0.1"

    assert deploy_check.problems(production_app) == []
    assert len(deploy_check.warnings(production_app)) == 1


@pytest.mark.parametrize(
    ("storage", "workers", "refused"),
    [
        ("memory://", 5, True),
        ("memory://", 1, False),
        ("redis://127.0.0.1:6379/0", 5, False),
    ],
)
def test_in_memory_rate_limits_with_several_workers_are_a_problem(production_app, storage, workers, refused):
    production_app.config.update(RATELIMIT_STORAGE_URI=storage, WEB_CONCURRENCY=workers)

    problems = deploy_check.problems(production_app)

    assert ["REDIS_URL is not set" in problem for problem in problems] == ([True] if refused else [])
    assert deploy_check.warnings(production_app) == []


def test_check_deploy_command_passes_a_safe_config(production_app):
    result = production_app.test_cli_runner().invoke(args=["check-deploy"])

    assert result.exit_code == 0, result.output
    assert "no problems" in result.output


def test_check_deploy_command_fails_on_problems(production_app):
    production_app.config.update(SESSION_COOKIE_SECURE=False, STRICT_TRANSPORT_SECURITY=None)

    result = production_app.test_cli_runner().invoke(args=["check-deploy"])

    assert result.exit_code == 1
    assert "SESSION_COOKIE_SECURE is off" in result.output
    assert "HSTS) is off" in result.output


def check_deploy_from_the_shell(database_url, **settings):
    """The real entry point, as an operator runs it before going live."""
    env = {
        **{name: value for name, value in os.environ.items() if name not in ("REDIS_URL", "WEB_CONCURRENCY")},
        "CLINIC_ENV": "production",
        "SECRET_KEY": STRONG_KEY,
        "DATABASE_URL": database_url,
        "CLINIC_BASE_URL": DEPLOYMENT_ENV["CLINIC_BASE_URL"],
        "MAIL_SERVER": DEPLOYMENT_ENV["MAIL_SERVER"],
        "REDIS_URL": DEPLOYMENT_ENV["RATELIMIT_STORAGE_URI"],
        **settings,
    }
    return subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-m", "flask", "--app", "wsgi", "check-deploy"],
        cwd=REPO,
        env={name: value for name, value in env.items() if value is not None},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.slow
def test_check_deploy_from_the_shell_fails_without_an_https_base_url(database_url):
    result = check_deploy_from_the_shell(database_url, CLINIC_BASE_URL="http://www.hairline-clinic.co.uk")

    assert result.returncode == 1, result.stdout + result.stderr
    assert "CLINIC_BASE_URL" in result.stderr
    assert "REDIS_URL" not in result.stderr


@pytest.mark.slow
def test_check_deploy_from_the_shell_fails_with_several_workers_and_no_redis(database_url):
    result = check_deploy_from_the_shell(database_url, REDIS_URL=None, WEB_CONCURRENCY="3")

    assert result.returncode == 1, result.stdout + result.stderr
    assert "REDIS_URL is not set: each of the 3 web workers" in result.stderr


@pytest.mark.slow
def test_check_deploy_from_the_shell_passes_one_worker_without_redis(database_url):
    result = check_deploy_from_the_shell(database_url, REDIS_URL=None, WEB_CONCURRENCY="1")

    assert result.returncode == 0, result.stdout + result.stderr
