"""Static files under fingerprinted names: long caching when the name is current, revalidation otherwise."""

import hashlib
import re
from pathlib import Path

import pytest
from flask import Flask, url_for

from clinic.web import static_assets

REPO = Path(__file__).resolve().parents[1]
STATIC = REPO / "static"
TEMPLATES = REPO / "templates"
IMMUTABLE = "public, max-age=31536000, immutable"
SECURITY_HEADERS = ["Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options"]


def fingerprint(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def stylesheet_url(client):
    return re.search(r'href="(/static/css/site\.[^"]+)"', client.get("/").get_data(as_text=True))[1]


def app_over(folder, **settings):
    app = Flask(__name__, static_folder=str(folder), static_url_path="/static")
    app.config.update(settings)
    static_assets.init_app(app)
    return app


def static_url(app, filename):
    with app.test_request_context():
        return url_for("static", filename=filename)


def test_pages_link_the_stylesheet_by_a_hash_of_its_contents(client):
    assert stylesheet_url(client) == f"/static/css/site.{fingerprint(STATIC / 'css/site.css')}.css"


@pytest.mark.parametrize("filename", ["css/site.css", "css/staff.css", "js/booking.js"])
def test_a_fingerprinted_file_is_cached_for_a_year_and_keeps_the_security_headers(app, client, filename):
    response = client.get(static_url(app, filename))

    assert response.status_code == 200
    assert response.data == (STATIC / filename).read_bytes()
    assert response.headers["Cache-Control"] == IMMUTABLE
    for name in SECURITY_HEADERS:
        assert name in response.headers


def test_the_types_follow_the_original_names(app, client):
    assert client.get(static_url(app, "css/site.css")).mimetype == "text/css"
    assert client.get(static_url(app, "js/booking.js")).mimetype == "text/javascript"


@pytest.mark.parametrize("path", ["/static/css/site.css", "/static/css/site.0123456789ab.css"])
def test_a_plain_or_outdated_name_serves_the_current_file_without_pinning_it(client, path):
    response = client.get(path)

    assert response.status_code == 200
    assert response.data == (STATIC / "css/site.css").read_bytes()
    assert "immutable" not in response.headers["Cache-Control"]
    for name in SECURITY_HEADERS:
        assert name in response.headers


def test_an_unknown_file_is_still_not_found(client):
    assert client.get("/static/css/missing.0123456789ab.css").status_code == 404


def test_a_changed_file_gets_a_new_url_and_the_old_one_serves_the_new_content(tmp_path):
    (tmp_path / "css").mkdir()
    sheet = tmp_path / "css" / "site.css"
    sheet.write_text("body { color: black; }")
    old_url = static_url(app_over(tmp_path), "css/site.css")

    sheet.write_text("body { color: navy; }")
    app = app_over(tmp_path)
    new_url = static_url(app, "css/site.css")
    client = app.test_client()

    assert new_url != old_url
    assert client.get(new_url).headers["Cache-Control"] == IMMUTABLE
    stale = client.get(old_url)
    assert stale.data == b"body { color: navy; }"
    assert "immutable" not in stale.headers["Cache-Control"]


def test_development_keeps_plain_names(tmp_path):
    (tmp_path / "site.css").write_text("body { color: black; }")
    app = app_over(tmp_path, DEBUG=True)

    assert static_url(app, "site.css") == "/static/site.css"


def test_templates_reach_static_files_only_through_url_for():
    hard_coded = [
        path.relative_to(REPO).as_posix()
        for path in TEMPLATES.rglob("*.html")
        if re.search(r"""(href|src)=["']/static/""", path.read_text())
    ]

    assert hard_coded == []
