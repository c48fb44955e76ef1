from datetime import timedelta

import pytest
from sqlalchemy import select

from clinic import create_app
from clinic.extensions import db
from clinic.models import Enquiry, OutboxMessage
from clinic.models.types import utcnow
from clinic.outbox import delivery, service
from config import TestingConfig
from tests.support.outbox import make_due, queue_test_email, send_in_subprocess
from tests.support.patients import enquiry_form


def all_messages(app):
    with app.app_context():
        return db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def test_mail_server_down_keeps_the_enquiry_and_queues_its_emails(
    mail_server_down, app, client, mail_sink, app_settings
):
    response = client.post("/enquire", data=enquiry_form())

    assert response.status_code == 303
    assert "ENQ-" in client.get("/enquire/thanks").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Enquiry.reference)) is not None
    messages = all_messages(app)
    assert [m.status for m in messages] == ["queued", "queued"]
    for message in messages:
        assert message.attempts == 1
        assert "ConnectionRefusedError" in message.last_error
        assert message.next_attempt_at > utcnow() + timedelta(seconds=30)
    assert mail_sink.messages == []

    # Later, the mail server is back and the scheduled sender runs.
    make_due(app)
    app_settings["MAIL_PORT"] = mail_sink.port
    later = create_app(TestingConfig, app_settings)
    result = later.test_cli_runner().invoke(args=["outbox", "send"])
    assert "2 sent, 0 failed" in result.output
    again = later.test_cli_runner().invoke(args=["outbox", "send"])
    assert "0 sent, 0 failed" in again.output

    assert sorted(
        len(mail_sink.to(address))
        for address in ["reception@hairline-clinic.co.uk", "amara.okafor@gmail.com"]
    ) == [1, 1]
    assert len({m.message_id for m in mail_sink.messages}) == 2
    assert [m.status for m in all_messages(later)] == ["sent", "sent"]


def test_messages_not_yet_due_wait(mail_server_down, app, client, app_settings, mail_sink):
    client.post("/enquire", data=enquiry_form())
    app_settings["MAIL_PORT"] = mail_sink.port
    later = create_app(TestingConfig, app_settings)

    result = later.test_cli_runner().invoke(args=["outbox", "send"])

    assert "0 sent, 0 failed" in result.output
    assert mail_sink.messages == []


def test_retries_back_off_exponentially_then_give_up(mail_server_down, app):
    with app.app_context():
        queue_test_email(1)
        db.session.commit()
    delays = []
    for _ in range(app.config["OUTBOX_MAX_ATTEMPTS"]):
        make_due(app)
        with app.app_context():
            before = utcnow()
            assert delivery.send_due() == (0, 1)
            message = db.session.scalar(select(OutboxMessage))
            delays.append(round((message.next_attempt_at - before).total_seconds() / 60))

    assert delays[:9] == [1, 2, 4, 8, 16, 32, 64, 128, 256]
    with app.app_context():
        assert delivery.retry_delay(12) == timedelta(hours=6)
    [message] = all_messages(app)
    assert (message.status, message.attempts) == ("failed", app.config["OUTBOX_MAX_ATTEMPTS"])
    make_due(app)
    with app.app_context():
        assert delivery.send_due() == (0, 0)


def test_subjects_stay_on_one_line(app, mail_sink):
    with app.app_context():
        message = service.queue_email(
            "test",
            ["someone@gmail.com"],
            "Hello\r\nBcc: victim@gmail.com",
            "enquiry_staff",
            enquiry=Enquiry(reference="ENQ-AAAAAA", full_name="A", preferred_contact="email"),
            detail_url="http://clinic.example.com/staff/enquiries/1",
        )
        db.session.commit()
        delivery.send_now([message])

    [received] = mail_sink.messages
    assert received.rcpt_tos == ["someone@gmail.com"]
    assert received.subject == "Hello Bcc: victim@gmail.com"
    assert received.message["Bcc"] is None


def test_a_claim_takes_no_more_than_its_limit(app):
    with app.app_context():
        for number in range(10):
            queue_test_email(number)
        db.session.commit()
        claimed = delivery.claim(limit=3)
        leased = db.session.scalars(select(OutboxMessage.id).where(OutboxMessage.locked_until.is_not(None)))
        assert [m.id for m in claimed] == sorted(leased.all())
        assert len(claimed) == 3
        assert len(delivery.claim(limit=100)) == 7
        assert delivery.claim() == []


@pytest.mark.slow
def test_two_senders_at_once_deliver_each_message_exactly_once(app, mail_sink, database_url):
    count = 40
    with app.app_context():
        for number in range(count):
            queue_test_email(number)
        db.session.commit()
    mail_sink.handler.delay = 0.05  # keeps both senders busy at the same time

    senders = [send_in_subprocess(database_url, mail_sink.port, "--batch-size", "3") for _ in range(2)]
    outputs = [sender.communicate(timeout=120) for sender in senders]

    assert [sender.returncode for sender in senders] == [0, 0], outputs
    received = mail_sink.messages
    assert len(received) == count
    assert len({message.message_id for message in received}) == count
    assert sorted(message.subject for message in received) == sorted(f"Message {n}" for n in range(count))
    sent_counts = [int(out.split("outbox: ")[1].split(" sent")[0]) for out, _ in outputs]
    assert sum(sent_counts) == count
    assert min(sent_counts) > 0, "the two senders did not overlap, so the test proved nothing"
    assert all(m.status == "sent" and m.attempts == 1 for m in all_messages(app))
