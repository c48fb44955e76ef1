"""Query arguments carried into a new link: only a form's own fields, each by its name."""

from flask import request


def form_args(form):
    """The values sent for the form's fields. Nothing else in the query reaches url_for,
    where a key such as _external, _scheme, _anchor or _method would change the link,
    or fail to build it."""
    return {field.name: request.args.getlist(field.name) for field in form if field.name in request.args}
