"""Rate limits in Redis (REDIS_URL), shared by every worker and host, and a Redis
outage that leaves the forms working."""

import logging

import pytest
import redis

from clinic import create_app
from clinic.extensions import db
from config import TestingConfig
from tests.support.patients import enquiry_form
from tests.support.rate_limits import REDIS_URL, redis_is_up, storage_settings
from tests.support.smtp_sink import free_port


@pytest.fixture
def redis_settings(app_settings):
    if not redis_is_up():
        pytest.skip(f"no Redis at {REDIS_URL}")
    app_settings.update(storage_settings(REDIS_URL))
    return app_settings


def test_counts_kept_in_redis_are_shared_by_every_worker(redis_settings, app, client):
    prefix = redis_settings["RATELIMIT_STORAGE_OPTIONS"]["key_prefix"]

    assert client.post("/enquire", data=enquiry_form()).status_code == 303

    assert redis.Redis.from_url(REDIS_URL).keys(f"{prefix}:*"), "the hit was counted in Redis"
    # Another worker: a new app, with none of this one's memory, sees the same count.
    other_worker = create_app(TestingConfig, redis_settings)
    assert other_worker.test_client().post("/enquire", data=enquiry_form()).status_code == 429
    with other_worker.app_context():
        db.engine.dispose()


@pytest.fixture
def redis_down_app(app_settings):
    app = create_app(
        TestingConfig, {**app_settings, **storage_settings(f"redis://127.0.0.1:{free_port()}/0")}
    )
    yield app
    # No limiter.reset(): there is no Redis to reset. The next app's init_app
    # gives the limiter fresh storage.
    with app.app_context():
        db.engine.dispose()


def test_with_redis_down_the_form_works_and_limits_hold_in_memory(redis_down_app, caplog):
    client = redis_down_app.test_client()

    assert client.post("/enquire", data=enquiry_form()).status_code == 303
    assert client.post("/enquire", data=enquiry_form()).status_code == 429

    assert any(
        record.levelno == logging.WARNING and "falling back to in-memory storage" in record.getMessage()
        for record in caplog.records
    )
