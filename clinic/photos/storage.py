"""Stored photos: outside the web root, under names only this module hands out, each with its
thumbnail beside it, written so that nobody ever sees half a file."""

import contextlib
import os
import re
import secrets
import tempfile
from pathlib import Path

from clinic.photos import images
from clinic.photos.images import ProcessedPhoto

_NAME = re.compile(r"[0-9a-f]{32}\.(?:jpg|png|webp)")
_THUMBNAIL_SUFFIX = "-small"


def store(photo: ProcessedPhoto, folder: str | Path) -> str:
    """Store the photo and its thumbnail; returns the photo's name."""
    folder = Path(folder)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    name = secrets.token_hex(16) + photo.extension
    _write(folder / _thumbnail_name(name), photo.thumbnail)
    try:
        _write(folder / name, photo.data)
    except BaseException:
        (folder / _thumbnail_name(name)).unlink(missing_ok=True)
        raise
    # The booking that points at these files is committed next; make the renames durable first.
    _fsync_directory(folder)
    return name


def path_for(name: str, folder: str | Path) -> Path:
    path = _checked_path(name, folder)
    if not path.is_file():
        raise FileNotFoundError(f"No stored photo named {name}")
    return path


def thumbnail_path_for(name: str, folder: str | Path) -> Path:
    """The stored photo's thumbnail. A photo stored before thumbnails were gets its own now, once."""
    photo = path_for(name, folder)
    thumbnail = photo.with_name(_thumbnail_name(name))
    if not thumbnail.is_file():
        _write(thumbnail, images.thumbnail_of(photo))
        _fsync_directory(thumbnail.parent)
    return thumbnail


def delete(name: str, folder: str | Path) -> None:
    """Delete a stored photo and its thumbnail."""
    path = _checked_path(name, folder)
    path.unlink(missing_ok=True)
    path.with_name(_thumbnail_name(name)).unlink(missing_ok=True)


def _thumbnail_name(name: str) -> str:
    stem, dot, extension = name.rpartition(".")
    return f"{stem}{_THUMBNAIL_SUFFIX}{dot}{extension}"


def _write(path: Path, data: bytes) -> None:
    # mkstemp creates the file 0o600 whatever the umask, and the rename means nobody ever sees
    # half a photo under its final name.
    fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=".incoming-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp_name, path)
    finally:
        Path(temp_name).unlink(missing_ok=True)


def _checked_path(name: str, folder: str | Path) -> Path:
    # Only names this module hands out are accepted, so no name can climb out of the folder.
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise ValueError("Not a stored photo name")
    return Path(folder) / name


def _fsync_directory(folder: Path) -> None:
    if not hasattr(os, "O_DIRECTORY"):
        return  # Windows cannot open directories; development only
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def stored(uploads, folder):
    """Store (label, ProcessedPhoto) pairs, yielding (label, photo, name) triples.

    If the block fails (the booking lost a race, the database was down) the files
    are removed again, so no orphaned health images are left on disk.
    """
    saved = []
    try:
        for label, photo in uploads:
            saved.append((label, photo, store(photo, folder)))
        yield saved
    except BaseException:
        for _label, _photo, name in saved:
            delete(name, folder)
        raise
