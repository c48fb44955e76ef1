import io
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from clinic.extensions import db
from clinic.models import ConsentRecord, Enquiry, OutboxMessage, Photo
from clinic.models.references import ALPHABET
from clinic.privacy import consent
from tests.support.patients import enquiry_form

REFERENCE = re.compile(rf"ENQ-[{ALPHABET}]{{6}}")


def saved_enquiries(app):
    with app.app_context():
        return db.session.scalars(select(Enquiry)).all()


def test_form_labels_every_input_and_leaves_consents_unticked(client):
    page = client.get("/enquire").get_data(as_text=True)

    for field_id in [
        "full_name",
        "email",
        "phone",
        "message",
        "heard_from",
        "health_consent",
        "marketing_opt_in",
        "preferred_contact-0",
        "concern-0",
        "hoped_result-0",
    ]:
        assert f'for="{field_id}"' in page, field_id
    for checkbox in ["health_consent", "marketing_opt_in"]:
        tag = re.search(rf'<input[^>]*id="{checkbox}"[^>]*>', page).group(0)
        assert "checked" not in tag
    assert consent.ENQUIRY_HEALTH_DATA.wording in page
    assert "(optional)" in page


def test_enquiry_is_saved_with_consent_and_shows_a_reference(app, client):
    response = client.post("/enquire", data=enquiry_form())

    assert response.status_code == 303
    assert response.headers["Location"] == "/enquire/thanks"
    [enquiry] = saved_enquiries(app)
    assert REFERENCE.fullmatch(enquiry.reference)
    assert enquiry.phone == "+447911123456"
    assert enquiry.email == "amara.okafor@gmail.com"
    assert (enquiry.concern, enquiry.hoped_result) == ("crown", "density")
    assert enquiry.preferred_contact == "either"
    assert enquiry.marketing_opt_in is False

    thanks = client.get("/enquire/thanks").get_data(as_text=True)
    assert enquiry.reference in thanks
    assert f"/{enquiry.id}" not in thanks

    with app.app_context():
        [record] = db.session.scalars(select(ConsentRecord)).all()
        assert record.enquiry_id == enquiry.id
        assert (record.purpose, record.version) == ("health_data", consent.ENQUIRY_HEALTH_DATA.version)
        assert record.wording == consent.ENQUIRY_HEALTH_DATA.wording
        assert abs((datetime.now(UTC) - record.given_at).total_seconds()) < 60


def test_staff_and_patient_are_emailed(app, client, mail_sink):
    client.post("/enquire", data=enquiry_form(message="Private: I have had alopecia since 2019."))
    [enquiry] = saved_enquiries(app)

    [staff] = mail_sink.to("reception@hairline-clinic.co.uk")
    assert staff.rcpt_tos == ["reception@hairline-clinic.co.uk"]
    assert enquiry.reference in staff.subject
    for part in (staff.text, staff.html):
        assert enquiry.reference in part
        assert "Amara Okafor" in part
        assert "Either" in part
        assert f"http://clinic.example.com/staff/enquiries/{enquiry.id}" in part
        assert "alopecia" not in part.lower()
        assert "crown" not in part.lower()

    [patient] = mail_sink.to("amara.okafor@gmail.com")
    assert patient.rcpt_tos == ["amara.okafor@gmail.com"]
    assert enquiry.reference in patient.subject
    for part in (patient.text, patient.html):
        assert enquiry.reference in part
        assert "Opening hours" in part  # as the working hours make them: tests/test_opening_hours.py
        assert "What happens next" in part
    assert len(mail_sink.messages) == 2

    with app.app_context():
        statuses = db.session.scalars(select(OutboxMessage.status)).all()
    assert statuses == ["sent", "sent"]


def test_marketing_opt_in_is_a_separate_recorded_consent(app, client):
    client.post("/enquire", data=enquiry_form(marketing_opt_in="y"))

    [enquiry] = saved_enquiries(app)
    assert enquiry.marketing_opt_in is True
    with app.app_context():
        purposes = sorted(db.session.scalars(select(ConsentRecord.purpose)).all())
    assert purposes == ["health_data", "marketing"]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"full_name": ""}, "full_name", "Enter your name"),
        ({"full_name": "x" * 121}, "full_name", "120 characters or fewer"),
        ({"full_name": "Amara\r\nBcc: victim@gmail.com"}, "full_name", "hidden control characters"),
        ({"email": ""}, "email", "Enter your email address"),
        ({"email": "amara.okafor"}, "email", "Enter an email address"),
        ({"email": "amara@gmail.com\r\nBcc: victim@gmail.com"}, "email", "hidden control characters"),
        ({"phone": "12345"}, "phone", "Enter a phone number we can call"),
        ({"phone": "", "preferred_contact": "phone"}, "phone", "Add a phone number"),
        ({"preferred_contact": None}, "preferred_contact", "Choose how you would like us to contact you"),
        ({"preferred_contact": "pigeon"}, "preferred_contact", "Choose how you would like us to contact you"),
        ({"concern": None}, "concern", "Choose the area that concerns you most"),
        ({"hoped_result": None}, "hoped_result", "Choose the result you hope for"),
        ({"message": "   "}, "message", "Tell us a little"),
        ({"message": "x" * 5001}, "message", "5,000 characters or fewer"),
        ({"message": "hello\x00there"}, "message", "hidden control characters"),
        ({"heard_from": "billboard"}, "heard_from", "Choose one of the listed options"),
        ({"health_consent": None}, "health_consent", "only answer your enquiry with your consent"),
    ],
)
def test_each_error_is_shown_next_to_its_field_and_keeps_the_answers(
    app, client, mail_sink, changes, field, message
):
    response = client.post("/enquire", data=enquiry_form(**changes))

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    error = re.search(rf'<p class="field__error" id="{field}-error">(.*?)</p>', page, re.S)
    assert error and message in error.group(1)
    assert f'href="#{field}"' in page
    if field != "full_name":
        assert 'value="Amara Okafor"' in page
    if field != "message":
        assert "My crown has thinned over five years." in page
    assert saved_enquiries(app) == []
    assert mail_sink.messages == []


def test_optional_answers_may_be_left_out(app, client):
    data = enquiry_form(heard_from=None, phone=None, preferred_contact="email")
    response = client.post("/enquire", data=data)

    assert response.status_code == 303
    [enquiry] = saved_enquiries(app)
    assert (enquiry.heard_from, enquiry.phone) == (None, None)


def test_phone_is_optional_when_email_is_preferred(app, client):
    response = client.post("/enquire", data=enquiry_form(phone="", preferred_contact="email"))

    assert response.status_code == 303
    [enquiry] = saved_enquiries(app)
    assert enquiry.phone is None


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("07911 123456", "+447911123456"),
        ("+44 (0)20 7946 0321", "+442079460321"),
        ("+33 1 42 68 53 00", "+33142685300"),
    ],
)
def test_phone_numbers_are_normalised(app, client, typed, stored):
    client.post("/enquire", data=enquiry_form(phone=typed))

    [enquiry] = saved_enquiries(app)
    assert enquiry.phone == stored


def test_what_patients_type_is_escaped_in_pages_and_emails(app, client, mail_sink):
    client.post("/enquire", data=enquiry_form(full_name="<b>Amara</b> & Co"))

    [patient] = mail_sink.to("amara.okafor@gmail.com")
    assert "&lt;b&gt;Amara&lt;/b&gt; &amp; Co" in patient.html
    assert "<b>Amara</b>" not in patient.html
    assert "<b>Amara</b> & Co" in patient.text
    invalid = client.post("/enquire", data=enquiry_form(full_name="<script>x()</script>", email="bad"))
    assert "<script>x()</script>" not in invalid.get_data(as_text=True)


def test_honeypot_drops_the_submission_quietly(app, client, mail_sink):
    response = client.post("/enquire", data=enquiry_form(website="http://spam.example.net"))

    assert response.status_code == 303
    assert saved_enquiries(app) == []
    assert mail_sink.messages == []
    assert "ENQ-" not in client.get("/enquire/thanks").get_data(as_text=True)


def test_post_without_csrf_token_is_rejected(csrf_app):
    client = csrf_app.test_client()

    response = client.post("/enquire", data=enquiry_form())

    assert response.status_code == 400
    assert saved_enquiries(csrf_app) == []


def test_post_with_the_forms_csrf_token_is_accepted(csrf_app):
    client = csrf_app.test_client()
    page = client.get("/enquire").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)

    response = client.post("/enquire", data=enquiry_form(csrf_token=token))

    assert response.status_code == 303
    assert len(saved_enquiries(csrf_app)) == 1


@pytest.fixture
def strict_limit(app_settings):
    app_settings["ENQUIRY_RATE_LIMIT"] = "2 per minute"


def test_enquiries_are_rate_limited(strict_limit, app, client):
    statuses = [client.post("/enquire", data=enquiry_form()).status_code for _ in range(3)]

    assert statuses == [303, 303, 429]
    assert len(saved_enquiries(app)) == 2
    assert client.get("/enquire").status_code == 200


def test_an_enquiry_can_carry_scalp_photos(app, client):
    image = io.BytesIO()
    Image.new("RGB", (40, 30), (150, 120, 100)).save(image, "PNG")
    data = enquiry_form(photo_consent="y")
    data["photo_crown"] = (io.BytesIO(image.getvalue()), "crown.png", "image/png")

    response = client.post("/enquire", data=data, content_type="multipart/form-data")

    assert response.status_code == 303
    with app.app_context():
        photo = db.session.scalar(select(Photo))
        purposes = sorted(db.session.scalars(select(ConsentRecord.purpose)))
    assert (photo.label, photo.content_type, photo.enquiry_id) == (
        "crown",
        "image/png",
        saved_enquiries(app)[0].id,
    )
    assert purposes == ["health_data", "photos"]
    assert (Path(app.config["UPLOAD_FOLDER"]) / photo.stored_name).exists()


def test_a_refused_photo_keeps_the_enquiry_form_and_saves_nothing(app, client):
    data = enquiry_form(photo_consent="y")
    data["photo_front"] = (io.BytesIO(b"GIF89a not really"), "front.gif", "image/gif")

    response = client.post("/enquire", data=data, content_type="multipart/form-data")

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert re.search(r'id="photo_front-error">.*?JPEG, PNG or WebP', page, re.S)
    assert 'value="Amara Okafor"' in page
    assert saved_enquiries(app) == []
