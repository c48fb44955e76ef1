"""Static files under names that carry a hash of their contents, cached by browsers for a year.

`url_for('static', filename='css/site.css')` gives `/static/css/site.<hash>.css`,
so every template picks the fingerprint up without change. A changed file gets
a new name at the next start, which is what makes `immutable` safe. Other names
- the plain one, or a fingerprint from before the last deploy that a cached page
still asks for - are served as Flask serves any static file, revalidated rather
than pinned.
"""

import hashlib
import re
from pathlib import Path, PurePosixPath

from flask import send_from_directory

FINGERPRINT_LENGTH = 12
ONE_YEAR = 365 * 24 * 3600
FINGERPRINTED_NAME = re.compile(rf"(?P<head>.+)\.[0-9a-f]{{{FINGERPRINT_LENGTH}}}(?P<suffix>\.[^./]+)?")


class Fingerprints:
    """The fingerprinted name of every file in a folder, hashed once from its contents."""

    def __init__(self, folder):
        root = Path(folder)
        self.names = {}
        for path in sorted(root.rglob("*")):
            if path.is_file():
                name = path.relative_to(root).as_posix()
                self.names[name] = fingerprinted(name, path.read_bytes())
        self.originals = {value: key for key, value in self.names.items()}

    def current_original(self, name):
        """The file a fingerprint from an earlier version of it stands for, if any."""
        match = None if name in self.names else FINGERPRINTED_NAME.fullmatch(name)
        if match is None:
            return None
        original = match["head"] + (match["suffix"] or "")
        return original if original in self.names else None


def fingerprinted(name, content):
    digest = hashlib.sha256(content).hexdigest()[:FINGERPRINT_LENGTH]
    path = PurePosixPath(name)
    return str(path.with_name(f"{path.stem}.{digest}{path.suffix}"))


def init_app(app):
    # Off in development: a stylesheet edited while the server runs would keep
    # its start-up fingerprint, and the browser its year-long copy of the old file.
    app.config.setdefault("STATIC_FINGERPRINTS", not app.debug)
    if not app.config["STATIC_FINGERPRINTS"] or not app.has_static_folder:
        return
    fingerprints = Fingerprints(app.static_folder)

    @app.url_defaults
    def fingerprint_static_urls(endpoint, values):
        if endpoint == "static":
            name = fingerprints.names.get(values.get("filename"))
            if name is not None:
                values["filename"] = name

    def serve_static(filename):
        original = fingerprints.originals.get(filename)
        if original is None:
            return app.send_static_file(fingerprints.current_original(filename) or filename)
        response = send_from_directory(app.static_folder, original, max_age=ONE_YEAR)
        response.cache_control.immutable = True
        return response

    app.view_functions["static"] = serve_static
