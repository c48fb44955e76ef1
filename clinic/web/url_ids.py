"""Numbers in URLs, bounded to the integers the database holds."""

from werkzeug.routing import IntegerConverter

from clinic.models.types import MAX_ID


class BoundedIntegerConverter(IntegerConverter):
    """Every `<int:...>` in a route: a number past the database's integer range names
    no record, so it is a 404 before the view runs, rather than an OverflowError on
    SQLite or NumericValueOutOfRange on PostgreSQL."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def register_url_converters(app):
    """Before any blueprint is registered: a rule takes its converter when it is added."""
    app.url_map.converters["int"] = BoundedIntegerConverter
