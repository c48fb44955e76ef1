"""Patients' scalp photos: images decodes, checks and re-encodes an upload (scaling shrinks it),
storage keeps it outside the web root, fields is the optional upload on the public forms."""

from clinic.models.booking import PhotoView
from clinic.photos.images import init_app

__all__ = ["LABELS", "init_app"]

# Transitional: the day list reads this until it uses PhotoView.
LABELS = PhotoView.choices()
