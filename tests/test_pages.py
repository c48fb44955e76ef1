"""The public pages: their content, the layout every page shares, and lists read from the database."""

import re
from datetime import date
from html.parser import HTMLParser

import pytest
from flask import abort

from clinic import clinic_info
from clinic.scheduling import opening_hours
from tests.factories import MediaItemFactory, TestimonialFactory

PAGES = [
    ("/", ["SMP in brief", "How a consultation works", "What it cannot do", "COVID-secure"]),
    (
        "/smp",
        [
            "What SMP is",
            "ultra-fine needles",
            "2 to 3 sessions",
            "Who it may suit",
            "alopecia",
            "two-dimensional",
            "Results vary",
            "Hair transplant surgery",
            "Does it hurt?",
            "What is the aftercare?",
        ],
    ),
    ("/testimonials", ["Patient testimonials", "results vary", "permission"]),
    ("/media", ["In the media"]),
    (
        "/visit",
        [
            "14 Harley Mews",
            "W1G 8PT",
            "Regent's Park",
            "Oxford Circus",
            "step-free",
            "Parking",
            "COVID-secure",
            "Hand sanitiser",
            "ventilated",
        ],
    ),
    (
        "/privacy",
        [
            "Privacy notice",
            "controller",
            "Article 6(1)(b)",
            "Article 9(2)(a)",
            "12 months",
            "8 years after your last treatment",
            "ico.org.uk",
            "session cookie",
            "26 November 2026",
        ],
    ),
    (
        "/book",
        [
            "Book a free consultation",
            "Online booking is not open at the moment",
            "no obligation",
            "pattern of hair loss",
        ],
    ),
]
PATHS = [path for path, _ in PAGES]
NAV = {"/": "/", "/smp": "/smp", "/testimonials": "/testimonials", "/media": "/media", "/visit": "/visit"}
# The stylesheet's name carries a fingerprint of its contents (clinic/web/static_assets.py).
SITE_STYLESHEET = re.compile(r"/static/css/site\.[0-9a-f]{12}\.css")
# Absolute claims that UK advertising rules rule out for a cosmetic procedure; whole words only,
# so a word that merely contains one (there are none today) would not trip the check.
FORBIDDEN_CLAIMS = re.compile(r"\b(pain[- ]?free|painless|permanent|permanently|guaranteed?)\b", re.I)


class Page(HTMLParser):
    """The parts of a rendered page the tests look at: visible text, links, ids and resources."""

    def __init__(self, html):
        super().__init__()
        self.text_parts, self.links, self.ids, self.resources = [], [], set(), []
        self.inline_styles, self.scripts = 0, 0
        self._open_link, self._skip = None, 0
        self.feed(html)

    @property
    def text(self):
        return " ".join(" ".join(self.text_parts).split())

    def link_hrefs(self, text):
        return {link["href"] for link in self.links if link["text"] == text}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if "style" in attrs:
            self.inline_styles += 1
        if tag == "style" or (tag == "script" and "src" not in attrs):
            # Inline code, which a strict policy refuses; a script file of our own is fine.
            self.scripts += 1
        if tag in {"script", "style"}:
            self._skip += 1
        if tag == "a":
            self._open_link = {**attrs, "text_parts": []}
        for attr in ("src", "href"):
            if tag != "a" and attrs.get(attr):
                self.resources.append(attrs[attr])

    def handle_endtag(self, tag):
        if tag in {"script", "style"}:
            self._skip -= 1
        if tag == "a" and self._open_link is not None:
            link = self._open_link
            link["text"] = " ".join(" ".join(link.pop("text_parts")).split())
            self.links.append(link)
            self._open_link = None

    def handle_data(self, data):
        if self._skip:
            return
        self.text_parts.append(data)
        if self._open_link is not None:
            self._open_link["text_parts"].append(data)


def get_page(client, path, status=200):
    response = client.get(path)
    assert response.status_code == status, path
    return Page(response.get_data(as_text=True))


@pytest.mark.parametrize(("path", "phrases"), PAGES)
def test_public_page_shows_its_key_content(client, path, phrases):
    page = get_page(client, path)

    for phrase in phrases:
        assert phrase in page.text, f"{path}: {phrase!r}"


@pytest.mark.parametrize("path", [*PATHS, "/enquire"])
def test_every_page_has_the_calls_to_action_and_the_clinic_details(client, path):
    page = get_page(client, path)

    assert "/book" in page.link_hrefs("Book a consultation")
    assert "/enquire" in page.link_hrefs("Ask a question")
    assert "/privacy" in page.link_hrefs("Privacy notice")
    assert f"tel:{clinic_info.PHONE_E164}" in page.link_hrefs(clinic_info.PHONE)
    # The hours themselves come from the working hours: tests/test_opening_hours.py.
    assert f"{opening_hours.BANK_HOLIDAYS} {opening_hours.CLOSED}" in page.text


@pytest.mark.parametrize("path", [*PATHS, "/enquire"])
def test_every_page_is_ready_for_a_strict_content_security_policy(client, path):
    page = get_page(client, path)

    assert page.inline_styles == 0
    assert page.scripts == 0
    assert any(SITE_STYLESHEET.fullmatch(url) for url in page.resources)
    external = [url for url in page.resources if url.startswith(("http:", "https:", "//"))]
    assert external == []


@pytest.mark.parametrize("path", PATHS)
def test_in_page_links_point_at_real_anchors(client, path):
    page = get_page(client, path)

    fragments = {link["href"][1:] for link in page.links if link.get("href", "").startswith("#")}
    assert "main" in fragments, "skip link"
    assert fragments <= page.ids


@pytest.mark.parametrize(("path", "href"), NAV.items())
def test_navigation_marks_only_the_current_page(client, path, href):
    page = get_page(client, path)

    current = [link["href"] for link in page.links if link.get("aria-current") == "page"]
    assert current == [href]


@pytest.mark.parametrize("path", PATHS)
def test_pages_make_no_absolute_claims(client, path):
    page = get_page(client, path)

    assert FORBIDDEN_CLAIMS.findall(page.text) == []


def test_the_claims_check_matches_whole_words_only():
    assert FORBIDDEN_CLAIMS.search("results are permanent")
    assert FORBIDDEN_CLAIMS.search("a pain-free treatment")
    assert FORBIDDEN_CLAIMS.search("Guaranteed results")
    assert not FORBIDDEN_CLAIMS.search("an impermanent look")


def test_testimonials_come_from_the_database(app, client):
    with app.app_context():
        TestimonialFactory(
            headline="Clear advice from the start",
            body="They told me what to expect.",
            attribution="R., 52",
            treatment="SMP, crown",
            given_on=date(2026, 5, 3),
        )
        TestimonialFactory(headline="Illustrative story", is_sample=True)
        TestimonialFactory(headline="Withdrawn by the patient", published=False)

    page = get_page(client, "/testimonials")

    for text in [
        "Clear advice from the start",
        "They told me what to expect.",
        "R., 52",
        "SMP, crown",
        "May 2026",
        "Illustrative story",
    ]:
        assert text in page.text
    assert "Withdrawn by the patient" not in page.text
    assert page.text.count("Sample entry") == 1
    assert "No testimonials yet" not in page.text


def test_a_real_testimonial_carries_no_sample_badge(app, client):
    with app.app_context():
        TestimonialFactory(headline="A genuine patient")

    assert "Sample entry" not in get_page(client, "/testimonials").text


def test_testimonials_page_has_an_empty_state(app, client):
    with app.app_context():
        TestimonialFactory(headline="Not yet approved", published=False)

    page = get_page(client, "/testimonials")

    assert "No testimonials yet" in page.text
    assert "Not yet approved" not in page.text


def test_media_items_come_from_the_database(app, client):
    with app.app_context():
        MediaItemFactory(
            outlet="Health Weekly",
            title="Living with hair loss",
            url="https://example.com/a",
            published_on=date(2026, 8, 30),
        )
        MediaItemFactory(title="A radio phone-in", url=None, is_sample=True)
        MediaItemFactory(title="Draft feature", published=False)

    page = get_page(client, "/media")

    for text in ["Health Weekly", "Living with hair loss", "30 August 2026", "A radio phone-in"]:
        assert text in page.text
    assert "Draft feature" not in page.text
    assert page.text.count("Sample entry") == 1
    [link] = [link for link in page.links if link["href"] == "https://example.com/a"]
    assert link["rel"] == "noopener"
    assert not any("radio phone-in" in link["text"] for link in page.links)


def test_media_item_with_a_non_web_address_is_not_a_link(app, client):
    with app.app_context():
        MediaItemFactory(title="Odd link", url="javascript:alert(1)")

    page = get_page(client, "/media")

    assert "Odd link" in page.text
    assert not any(link["href"].startswith("javascript") for link in page.links)


def test_media_page_has_an_empty_state(client):
    assert "Nothing to show yet" in get_page(client, "/media").text


def test_unknown_path_gives_the_styled_404(client):
    page = get_page(client, "/no-such-page", status=404)

    assert "Page not found" in page.text
    assert any(SITE_STYLESHEET.fullmatch(url) for url in page.resources)
    assert "/" in page.link_hrefs("Go to the home page")
    assert clinic_info.PHONE in page.text


def test_too_many_requests_page(app):
    @app.get("/_busy")
    def busy():
        abort(429)

    page = get_page(app.test_client(), "/_busy", status=429)

    assert "Too many requests" in page.text
    assert "wait a minute and try again" in page.text


def test_expired_form_page_says_nothing_was_saved(csrf_app):
    response = csrf_app.test_client().post("/enquire", data={"full_name": "No token"})

    assert response.status_code == 400
    page = Page(response.get_data(as_text=True))
    assert "This form has expired" in page.text
    assert "Nothing you entered was saved" in page.text


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}
