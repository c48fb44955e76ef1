from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator

# The largest id an integer primary key holds on PostgreSQL; a larger number in a URL
# or a filter is simply not a record, rather than a database error.
MAX_ID = 2**31 - 1


def utcnow():
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Stores naive UTC and hands back aware UTC on every engine.

    SQLite has no time zones, so aware values would otherwise come back naive
    there and compare wrongly with aware values made in Python.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("UTCDateTime needs an aware datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)
