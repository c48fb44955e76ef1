"""Patients' scalp photos: accepted only if they decode, stored without metadata, outside the web root.

Neither the file name nor the browser's content type is trusted: the bytes are decoded with Pillow,
limited to JPEG, PNG and WebP, and the pixels are copied into a fresh image before encoding, so
nothing a phone adds (EXIF with GPS and camera details, ICC, XMP, PNG text) reaches our disk.
"""

import contextlib
import io
import os
import re
import secrets
import struct
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from PIL import Image, ImageCms, ImageOps

ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
LABELS = [("front", "Front (hairline)"), ("top", "Top"), ("crown", "Crown")]
MAX_BYTES = 10 * 1024 * 1024
# Checked per call, from the header, before any pixel memory is allocated. Pillow's process-wide
# Image.MAX_IMAGE_PIXELS is deliberately left alone (other code shares it and changing it is not
# thread-safe); it stays in force as a second guard above ours, its warnings turned into errors.
MAX_PIXELS = 40_000_000

_NOT_A_PHOTO = "This file is not a photo we can accept. Please choose a JPEG, PNG or WebP image."
_DAMAGED = "We could not read this photo. It may be damaged or only partly uploaded, so please try again."
_TOO_MANY_PIXELS = "This photo's width and height are too large. Please choose a smaller version of it."
_EMPTY = "This file is empty. Please choose a photo."

# What Pillow's parsers and decoders raise on malformed input. A hostile or broken file is the
# patient's problem to fix, not a server error, so each of these becomes a polite refusal.
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, KeyError, TypeError, struct.error)
_BOMB_ERRORS = (Image.DecompressionBombError, Image.DecompressionBombWarning)

_NAME = re.compile(r"[0-9a-f]{32}\.(?:jpg|png|webp)")
_CHUNK = 64 * 1024
_SRGB = ImageCms.createProfile("sRGB")


class PhotoRejected(ValueError):
    """Raised with a message written for the patient, shown next to the upload field."""


@dataclass(frozen=True)
class ProcessedPhoto:
    data: bytes = field(repr=False)
    content_type: str
    extension: str
    width: int
    height: int


@dataclass(frozen=True)
class _Output:
    pil_format: str
    content_type: str
    extension: str
    keeps_alpha: bool
    options: tuple[tuple[str, object], ...]


_JPEG = _Output("JPEG", "image/jpeg", ".jpg", False, (("quality", 88), ("optimize", True)))
# Phones save multi-picture JPEGs (depth maps, previews); Pillow reports those as MPO. Only the
# first picture is kept.
_OUTPUTS = {
    "JPEG": _JPEG,
    "MPO": _JPEG,
    "PNG": _Output("PNG", "image/png", ".png", True, ()),
    "WEBP": _Output("WEBP", "image/webp", ".webp", True, (("quality", 88),)),
}


def process_upload(
    stream: BinaryIO, *, max_bytes: int = MAX_BYTES, max_pixels: int = MAX_PIXELS
) -> ProcessedPhoto:
    data = _read_at_most(stream, max_bytes)
    image = _decode(data, max_pixels)
    output = _OUTPUTS.get(image.format or "")
    if output is None:
        raise PhotoRejected(_NOT_A_PHOTO)
    # Rebinding `image` lets each superseded copy go, so a large photo is held at most twice.
    image = _flatten_mode(_to_srgb(image), output.keeps_alpha)
    # A new image carries none of the source's info, EXIF cache or ICC profile, so the encoder
    # has nothing to copy across; only pixel data survives.
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    del image
    buffer = io.BytesIO()
    clean.save(buffer, output.pil_format, **dict(output.options))
    return ProcessedPhoto(buffer.getvalue(), output.content_type, output.extension, *clean.size)


def store(photo: ProcessedPhoto, folder: str | Path) -> str:
    folder = Path(folder)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    name = secrets.token_hex(16) + photo.extension
    # mkstemp creates the file 0o600 whatever the umask, and the rename means nobody ever sees
    # half a photo under its final name.
    fd, temp_name = tempfile.mkstemp(dir=folder, prefix=".incoming-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(photo.data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp_name, folder / name)
    finally:
        Path(temp_name).unlink(missing_ok=True)
    _fsync_directory(folder)
    return name


def path_for(name: str, folder: str | Path) -> Path:
    path = _checked_path(name, folder)
    if not path.is_file():
        raise FileNotFoundError(f"No stored photo named {name}")
    return path


def delete(name: str, folder: str | Path) -> None:
    _checked_path(name, folder).unlink(missing_ok=True)


def _read_at_most(stream: BinaryIO, max_bytes: int) -> bytes:
    # Reading one byte past the limit tells "exactly at the limit" from "too big" without ever
    # holding more than the limit in memory; read() may return short, hence the loop.
    buffer = bytearray()
    while len(buffer) <= max_bytes:
        chunk = stream.read(min(_CHUNK, max_bytes + 1 - len(buffer)))
        if not chunk:
            break
        buffer += chunk
    if len(buffer) > max_bytes:
        raise PhotoRejected(
            f"This photo is larger than {_describe_size(max_bytes)}. Please choose a smaller one."
        )
    if not buffer:
        raise PhotoRejected(_EMPTY)
    return bytes(buffer)


def _decode(data: bytes, max_pixels: int) -> Image.Image:
    size = _webp_canvas_size(data)
    if size and size[0] * size[1] > max_pixels:
        # libwebp allocates the whole canvas as soon as Pillow opens the file.
        raise PhotoRejected(_TOO_MANY_PIXELS)
    # catch_warnings is process-wide rather than per-thread; if another thread's exit ever
    # restores the filters under us, the explicit pixel check below still refuses the image.
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
        except _BOMB_ERRORS as error:
            raise PhotoRejected(_TOO_MANY_PIXELS) from error
        except _DECODE_ERRORS as error:
            raise PhotoRejected(_NOT_A_PHOTO) from error
        width, height = image.size
        if width * height > max_pixels:
            raise PhotoRejected(_TOO_MANY_PIXELS)
        try:
            image.load()
        except _BOMB_ERRORS as error:
            raise PhotoRejected(_TOO_MANY_PIXELS) from error
        except _DECODE_ERRORS as error:
            raise PhotoRejected(_DAMAGED) from error
    # A mangled EXIF block should not cost the patient a good photo; it is then kept as shot.
    with contextlib.suppress(*_DECODE_ERRORS):
        ImageOps.exif_transpose(image, in_place=True)
    return image


def _webp_canvas_size(data: bytes) -> tuple[int, int] | None:
    # The same header fields Pillow reads, for the three WebP flavours: lossy, lossless, extended.
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP" or len(data) < 30:
        return None
    kind = data[12:16]
    if kind == b"VP8 " and data[23:26] == b"\x9d\x01\x2a":
        width, height = struct.unpack_from("<HH", data, 26)
        return width & 0x3FFF, height & 0x3FFF
    if kind == b"VP8L" and data[20] == 0x2F:
        (bits,) = struct.unpack_from("<I", data, 21)
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if kind == b"VP8X":
        return int.from_bytes(data[24:27], "little") + 1, int.from_bytes(data[27:30], "little") + 1
    return None


def _to_srgb(image: Image.Image) -> Image.Image:
    # The ICC profile is dropped with the rest of the metadata, so convert its colours to sRGB
    # first: skin tone matters when matching pigment, and wide-gamut or CMYK photos would shift.
    profile = image.info.get("icc_profile")
    if not profile or image.mode not in ("RGB", "RGBA", "CMYK"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        return ImageCms.profileToProfile(
            image, source, _SRGB, outputMode="RGBA" if image.mode == "RGBA" else "RGB"
        )
    except (ImageCms.PyCMSError, *_DECODE_ERRORS):
        return image  # a profile we cannot use: keep the pixels as they are rather than refuse them


def _flatten_mode(image: Image.Image, keep_alpha: bool) -> Image.Image:
    alpha = keep_alpha and image.has_transparency_data
    if image.mode == "I;16" and not alpha:
        return image  # 16-bit greyscale PNG: PNG holds it as it is, and converting to L would clip
    grey = Image.getmodebase(image.mode) == "L"
    mode = ("LA" if alpha else "L") if grey else ("RGBA" if alpha else "RGB")
    return image if image.mode == mode else image.convert(mode)


def _checked_path(name: str, folder: str | Path) -> Path:
    # Only names this module hands out are accepted, so no name can climb out of the folder.
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise ValueError("Not a stored photo name")
    return Path(folder) / name


def _fsync_directory(folder: Path) -> None:
    # The booking that points at this file is committed next; make the rename durable first.
    if not hasattr(os, "O_DIRECTORY"):
        return  # Windows cannot open directories; development only
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _describe_size(n_bytes: int) -> str:
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if n_bytes >= scale:
            return f"{round(n_bytes / scale, 1):g} {unit}"
    return f"{n_bytes} bytes"


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
