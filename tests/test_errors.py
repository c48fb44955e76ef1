import pytest

from clinic import create_app
from config import TestingConfig


@pytest.fixture
def crashing_app(app_settings):
    app = create_app(TestingConfig, {**app_settings, "PROPAGATE_EXCEPTIONS": False})

    @app.get("/crash")
    def crash():
        raise RuntimeError("secret internals: /srv/clinic/config.py line 12")

    return app


def test_a_crash_shows_the_styled_500_page_without_a_traceback(crashing_app):
    response = crashing_app.test_client().get("/crash")

    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Traceback" not in page
    assert "secret internals" not in page
    assert "Ask a question" in page
    assert 'href="/"' in page


def test_unknown_page_is_a_styled_404(client):
    response = client.get("/no-such-page")

    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Book a consultation" in page
    assert "Traceback" not in page
