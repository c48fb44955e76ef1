"""Patients' scalp photos: images decodes, checks and re-encodes an upload (scaling shrinks it),
storage keeps it outside the web root, fields is the optional upload on the public forms."""

from clinic.photos.images import init_app

__all__ = ["init_app"]
