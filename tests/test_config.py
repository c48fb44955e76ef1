import pytest

from clinic import create_app
from config import ProductionConfig, config_from_env


@pytest.mark.parametrize("secret", [None, "", "dev", "changeme", "too-short-secret"])
def test_production_refuses_to_start_without_a_real_secret_key(secret):
    class Production(ProductionConfig):
        SECRET_KEY = secret

    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(Production)


def test_production_starts_with_a_strong_secret_key_and_secure_cookies(app_settings):
    class Production(ProductionConfig):
        SECRET_KEY = "kR8v2JmQ_4pWn7xZbT1cLs9dHfYg3uEaVo6iNq0rMw5"

    app = create_app(Production, app_settings)

    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert not app.debug


def test_unknown_environment_name_is_refused(monkeypatch):
    monkeypatch.setenv("CLINIC_ENV", "staging")

    with pytest.raises(RuntimeError, match="CLINIC_ENV"):
        config_from_env()
