"""Rate limits kept in a local Redis, as production keeps them."""

import uuid

import redis

from config import Config

REDIS_URL = "redis://127.0.0.1:6379/0"


def redis_is_up():
    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        return False


def storage_settings(url):
    # A prefix of its own keeps the test's counters apart from anything else in
    # that Redis, and limiter.reset() (the app fixture's teardown) deletes only them.
    prefix = f"clinic-test-{uuid.uuid4().hex[:8]}"
    return {
        "RATELIMIT_STORAGE_URI": url,
        "RATELIMIT_STORAGE_OPTIONS": {**Config.RATELIMIT_STORAGE_OPTIONS, "key_prefix": prefix},
        "ENQUIRY_RATE_LIMIT": "1 per minute",
    }
