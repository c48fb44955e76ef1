"""Patients' scalp photos, accepted only if they decode, and re-encoded without metadata.

Neither the file name nor the browser's content type is trusted: the bytes are decoded with Pillow,
limited to JPEG, PNG and WebP, and the pixels are copied into a fresh image before encoding, so
nothing a phone adds (EXIF with GPS and camera details, ICC, XMP, PNG text) reaches our disk.

Decoding is the costly part (a photo at MAX_PIXELS takes about 100 MB, as Pillow holds RGB in
4 bytes a pixel), so it is bounded: the pixel count is checked from the header before any pixel is
decoded, JPEGs are decoded straight at the scale needed, a photo is stored at most MAX_EDGE pixels
on its long edge with its thumbnail beside it, and each process decodes one photo at a time.
"""

import contextlib
import io
import struct
import threading
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from PIL import ExifTags, Image, ImageCms

from clinic.photos.scaling import fitted, fitted_size

ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
MAX_BYTES = 10 * 1024 * 1024
# Checked per call, from the header, before any pixel memory is allocated. Pillow's own guard
# (Image.MAX_IMAGE_PIXELS) is set to the same limit once, at start-up (init_app), as a second guard
# for every image this process opens; its warnings are turned into errors while an upload is read.
MAX_PIXELS = 24_000_000
# Photos are stored at most this many pixels on their long edge, thumbnails at most THUMBNAIL_EDGE.
MAX_EDGE = 2560
THUMBNAIL_EDGE = 320

_NOT_A_PHOTO = "This file is not a photo we can accept. Please choose a JPEG, PNG or WebP image."
_DAMAGED = "We could not read this photo. It may be damaged or only partly uploaded, so please try again."
_TOO_MANY_PIXELS = (
    "This photo's width and height are too large (over {megapixels:g} megapixels). "
    "Please choose a smaller version of it."
)
_EMPTY = "This file is empty. Please choose a photo."

# What Pillow's parsers and decoders raise on malformed input. A hostile or broken file is the
# patient's problem to fix, not a server error, so each of these becomes a polite refusal.
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, KeyError, TypeError, struct.error)
_BOMB_ERRORS = (Image.DecompressionBombError, Image.DecompressionBombWarning)

_CHUNK = 64 * 1024
_SRGB = ImageCms.createProfile("sRGB")
# The transposition that shows a photo upright, by its EXIF orientation (as ImageOps.exif_transpose).
_UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}

# One photo decoded at a time in each process: a burst of uploads queues here (each for well under
# a second) instead of multiplying the memory a decoded photo takes.
_DECODING = threading.Lock()

Image.MAX_IMAGE_PIXELS = MAX_PIXELS


def init_app(app):
    Image.MAX_IMAGE_PIXELS = app.config["PHOTO_MAX_PIXELS"]


class PhotoRejected(ValueError):
    """Raised with a message written for the patient, shown next to the upload field."""


@dataclass(frozen=True)
class ProcessedPhoto:
    data: bytes = field(repr=False)
    content_type: str
    extension: str
    width: int
    height: int
    thumbnail: bytes = field(repr=False)


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
    # Photos barely compress past level 3, and level 6 (Pillow's default) costs half as much again.
    "PNG": _Output("PNG", "image/png", ".png", True, (("compress_level", 3),)),
    "WEBP": _Output("WEBP", "image/webp", ".webp", True, (("quality", 88),)),
}


def process_upload(
    stream: BinaryIO, *, max_bytes: int = MAX_BYTES, max_pixels: int = MAX_PIXELS, max_edge: int = MAX_EDGE
) -> ProcessedPhoto:
    data = _read_at_most(stream, max_bytes)
    with _DECODING:
        clean, output = _clean_image(data, max_pixels, max_edge)
        photo = _encode(clean, output)
        thumbnail = _encode(fitted(clean, THUMBNAIL_EDGE), output)
    return ProcessedPhoto(photo, output.content_type, output.extension, *clean.size, thumbnail=thumbnail)


def thumbnail_of(path: Path) -> bytes:
    """A thumbnail of a photo stored before thumbnails were; it was cleaned when it was stored."""
    with _DECODING, Image.open(path, formats=ACCEPTED_FORMATS) as image:
        output = _OUTPUTS[image.format]
        _load(image, THUMBNAIL_EDGE)
        return _encode(fitted(image, THUMBNAIL_EDGE), output)


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


def _clean_image(data: bytes, max_pixels: int, max_edge: int) -> tuple[Image.Image, _Output]:
    """The photo upright, in sRGB, at most max_edge on its long edge, in a fresh image without metadata."""
    image = _open(data, max_pixels)
    output = _OUTPUTS.get(image.format or "")
    if output is None:
        raise PhotoRejected(_NOT_A_PHOTO)
    # Read before the pixels: the resampled copy made below carries none of the source's info.
    profile = image.info.get("icc_profile")
    upright = _UPRIGHT.get(_orientation(image))
    _load(image, max_edge)
    # CMYK is resampled as it is, then converted with its profile; everything else is converted
    # band by band while resampling, so that no full-size copy is made.
    mode = image.mode if image.mode == "CMYK" else _flat_mode(image, output.keeps_alpha)
    # Rebinding `image` lets each superseded copy go.
    image = fitted(image, max_edge, mode)
    image = _flatten_mode(_to_srgb(image, profile), output.keeps_alpha)
    if upright is not None:
        image = image.transpose(upright)
    # A new image carries none of the source's info, EXIF cache or ICC profile, so the encoder
    # has nothing to copy across; only pixel data survives.
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    return clean, output


def _open(data: bytes, max_pixels: int) -> Image.Image:
    """The image with its header read and its size checked; no pixel is decoded yet."""
    too_many_pixels = _TOO_MANY_PIXELS.format(megapixels=max_pixels / 1_000_000)
    size = _webp_canvas_size(data)
    if size and size[0] * size[1] > max_pixels:
        # libwebp allocates the whole canvas as soon as Pillow opens the file.
        raise PhotoRejected(too_many_pixels)
    # catch_warnings is process-wide rather than per-thread; if another thread's exit ever
    # restores the filters under us, the explicit pixel check below still refuses the image.
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
        except _BOMB_ERRORS as error:
            raise PhotoRejected(too_many_pixels) from error
        except _DECODE_ERRORS as error:
            raise PhotoRejected(_NOT_A_PHOTO) from error
    width, height = image.size
    if width * height > max_pixels:
        raise PhotoRejected(too_many_pixels)
    return image


def _load(image: Image.Image, max_edge: int) -> None:
    """Decode the pixels; a JPEG straight at the smallest of 1/1, 1/2, 1/4 or 1/8 scale that still
    has max_edge pixels on its long edge (libjpeg scales while decoding, at a fraction of the cost)."""
    if image.format in ("JPEG", "MPO"):
        image.draft(None, fitted_size(image.size, max_edge))
    try:
        image.load()
    except _DECODE_ERRORS as error:
        raise PhotoRejected(_DAMAGED) from error


def _orientation(image: Image.Image) -> int | None:
    # A mangled EXIF block should not cost the patient a good photo; it is then kept as shot.
    with contextlib.suppress(*_DECODE_ERRORS):
        return image.getexif().get(ExifTags.Base.Orientation)
    return None


def _encode(image: Image.Image, output: _Output) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, output.pil_format, **dict(output.options))
    return buffer.getvalue()


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


def _to_srgb(image: Image.Image, profile: bytes | None) -> Image.Image:
    # The ICC profile is dropped with the rest of the metadata, so convert its colours to sRGB
    # first: skin tone matters when matching pigment, and wide-gamut or CMYK photos would shift.
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
    mode = _flat_mode(image, keep_alpha)
    return image if image.mode == mode else image.convert(mode)


def _flat_mode(image: Image.Image, keep_alpha: bool) -> str:
    """The mode a photo is stored in: grey or RGB, with alpha if it has any."""
    alpha = keep_alpha and image.has_transparency_data
    if image.mode == "I;16" and not alpha:
        return "I;16"  # 16-bit greyscale PNG: PNG holds it as it is, and converting to L would clip
    grey = Image.getmodebase(image.mode) == "L"
    return ("LA" if alpha else "L") if grey else ("RGBA" if alpha else "RGB")


def _describe_size(n_bytes: int) -> str:
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if n_bytes >= scale:
            return f"{round(n_bytes / scale, 1):g} {unit}"
    return f"{n_bytes} bytes"
