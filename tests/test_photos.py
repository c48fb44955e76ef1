import io
import os
import re
import resource
import stat
import struct
import sys
import zlib

import pytest
from PIL import ExifTags, Image, ImageCms, ImageFile, PngImagePlugin
from werkzeug.datastructures import FileStorage

from clinic.models.booking import PhotoView
from clinic.photos import images
from clinic.photos.images import PhotoRejected, process_upload
from clinic.photos.storage import delete, path_for, store

GPS_LATITUDE = (51.0, 30.0, 26.0)
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'
XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description exif:GPSLatitude="51,30.4N"/></x:xmpmeta>'


def encode(image, fmt, **options):
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def picture(mode="RGB", size=(40, 30)):
    # Noise rather than a flat colour, so that a truncated file really is missing pixel data.
    noise = Image.frombytes("L", size, os.urandom(size[0] * size[1]))
    if mode in ("RGB", "RGBA", "CMYK", "LA"):
        return Image.merge(mode, [noise] * len(mode))
    return Image.new(mode, size)


def upload(data, **limits):
    return process_upload(io.BytesIO(data), **limits)


def reopen(photo):
    image = Image.open(io.BytesIO(photo.data))
    image.load()
    return image


def gps_exif():
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Model] = "Pocket Camera 12"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = GPS_LATITUDE
    return exif


def assert_no_metadata(photo):
    image = reopen(photo)
    assert not image.getexif()
    for key in ("exif", "icc_profile", "xmp", "XML:com.adobe.xmp", "Comment"):
        assert key not in image.info
    for leak in (b"Exif", b"PhoneMaker", b"Pocket Camera", b"xmpmeta", b"GPS", b"Jane Patient"):
        assert leak not in photo.data


def assert_friendly(message):
    assert re.fullmatch(r"[A-Z][^<>{}\n]+\.", message), message
    for technical in ("PIL", "Error", "exception", "identify", "decompression", "truncated", "bytes not"):
        assert technical not in message


def png_bomb(width, height):
    """A valid 1-bit PNG of the given size that compresses to a few tens of KB."""

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    row = bytes(1 + (width + 7) // 8)
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


@pytest.mark.parametrize(
    ("fmt", "mode", "content_type", "extension"),
    [
        ("JPEG", "RGB", "image/jpeg", ".jpg"),
        ("PNG", "RGB", "image/png", ".png"),
        ("PNG", "RGBA", "image/png", ".png"),
        ("WEBP", "RGB", "image/webp", ".webp"),
        ("WEBP", "RGBA", "image/webp", ".webp"),
    ],
)
def test_accepts_and_reencodes_jpeg_png_and_webp(fmt, mode, content_type, extension):
    photo = upload(encode(picture(mode, (64, 48)), fmt))

    assert (photo.content_type, photo.extension) == (content_type, extension)
    assert (photo.width, photo.height) == (64, 48)
    image = reopen(photo)
    assert (image.format, image.size, image.mode) == (fmt, (64, 48), mode)


def test_png_keeps_its_transparency():
    image = Image.new("RGBA", (10, 10), (200, 30, 30, 255))
    image.putpixel((0, 0), (0, 0, 0, 0))

    clean = reopen(upload(encode(image, "PNG")))

    assert clean.getpixel((0, 0))[3] == 0
    assert clean.getpixel((5, 5)) == (200, 30, 30, 255)


def test_the_file_name_and_content_type_the_browser_sends_are_ignored():
    data = encode(picture(), "PNG")
    storage = FileStorage(io.BytesIO(data), filename="scalp.jpg", content_type="image/jpeg")

    photo = process_upload(storage.stream)

    assert (photo.content_type, photo.extension) == ("image/png", ".png")


def test_multi_picture_jpeg_from_a_phone_is_accepted_as_jpeg():
    data = encode(picture(), "MPO", save_all=True, append_images=[picture()])

    photo = upload(data)

    assert (photo.content_type, reopen(photo).format) == ("image/jpeg", "JPEG")


@pytest.mark.parametrize(
    ("fmt", "source_mode", "expected_mode"),
    [
        ("JPEG", "CMYK", "RGB"),
        ("JPEG", "L", "L"),
        ("PNG", "LA", "LA"),
        ("PNG", "1", "L"),
        ("PNG", "I;16", "I;16"),
    ],
)
def test_unusual_modes_are_converted_sensibly(fmt, source_mode, expected_mode):
    assert reopen(upload(encode(picture(source_mode), fmt))).mode == expected_mode


@pytest.mark.parametrize(("transparency", "expected_mode"), [(0, "RGBA"), (None, "RGB")])
def test_palette_png_becomes_rgb_keeping_transparency(transparency, expected_mode):
    image = picture().convert("P")
    options = {} if transparency is None else {"transparency": transparency}

    assert reopen(upload(encode(image, "PNG", **options))).mode == expected_mode


def test_gps_and_camera_exif_are_stripped_from_a_jpeg():
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = encode(picture(), "JPEG", exif=gps_exif(), icc_profile=srgb, xmp=XMP)
    source = Image.open(io.BytesIO(data))
    assert source.getexif().get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitude] == GPS_LATITUDE
    assert "icc_profile" in source.info and "xmp" in source.info

    photo = upload(data)

    assert_no_metadata(photo)


def test_text_chunks_exif_and_icc_are_stripped_from_a_png():
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "Jane Patient, 12 High Street")
    info.add_itxt("Description", "Jane Patient's crown", zip=True)
    info.add_text("XML:com.adobe.xmp", XMP.decode())
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = encode(picture("RGBA"), "PNG", pnginfo=info, exif=gps_exif(), icc_profile=srgb)
    assert "Comment" in Image.open(io.BytesIO(data)).info

    photo = upload(data)

    assert_no_metadata(photo)
    assert reopen(photo).text == {}


def test_exif_and_xmp_are_stripped_from_a_webp():
    data = encode(picture(), "WEBP", exif=gps_exif(), xmp=XMP)
    assert "exif" in Image.open(io.BytesIO(data)).info

    assert_no_metadata(upload(data))


def red_and_blue_swapped_profile():
    """sRGB with the red and blue primaries exchanged: a stand-in for a wide-gamut phone profile."""
    icc = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    (count,) = struct.unpack_from(">I", icc, 128)
    entries = {bytes(icc[132 + 12 * i : 136 + 12 * i]): 136 + 12 * i for i in range(count)}
    red, blue = entries[b"rXYZ"], entries[b"bXYZ"]
    icc[red : red + 8], icc[blue : blue + 8] = icc[blue : blue + 8], icc[red : red + 8]
    return bytes(icc)


def test_colours_are_converted_to_srgb_before_the_icc_profile_is_dropped():
    data = encode(Image.new("RGB", (8, 8), (255, 0, 0)), "PNG", icc_profile=red_and_blue_swapped_profile())

    clean = reopen(upload(data))

    assert "icc_profile" not in clean.info
    assert clean.getpixel((4, 4)) == (0, 0, 255)


def test_a_broken_icc_profile_does_not_cost_the_photo():
    data = encode(Image.new("RGB", (8, 8), (180, 120, 90)), "PNG", icc_profile=b"not a profile")

    clean = reopen(upload(data))

    assert "icc_profile" not in clean.info
    assert clean.getpixel((4, 4)) == (180, 120, 90)


def test_exif_orientation_is_applied_then_dropped():
    image = Image.new("RGB", (200, 100), (255, 0, 0))
    image.paste((0, 0, 255), (100, 0, 200, 100))  # left half red, right half blue
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # "rotate 90 degrees clockwise to display"

    photo = upload(encode(image, "JPEG", exif=exif))

    clean = reopen(photo)
    assert (photo.width, photo.height) == (100, 200) == clean.size
    assert not clean.getexif()
    top, bottom = clean.getpixel((50, 20)), clean.getpixel((50, 180))
    assert top[0] > 200 > top[2] and bottom[2] > 200 > bottom[0]


def gif():
    return encode(picture().convert("P"), "GIF")


def truncated(fmt):
    data = encode(picture(size=(200, 200)), fmt)
    return data[: len(data) // 2]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"Dear clinic, here is my photo.\n", "not a photo we can accept"),
        (SVG, "not a photo we can accept"),
        (gif(), "not a photo we can accept"),
        (encode(picture(), "BMP"), "not a photo we can accept"),
        (encode(picture(), "TIFF"), "not a photo we can accept"),
        (b"\x89PNG\r\n\x1a\n", "not a photo we can accept"),
        (b"", "empty"),
        (truncated("JPEG"), "damaged"),
        (truncated("PNG"), "damaged"),
    ],
    ids=["text-named-jpg", "svg", "gif", "bmp", "tiff", "png-signature-only", "empty", "cut-jpeg", "cut-png"],
)
def test_refuses_what_is_not_a_whole_jpeg_png_or_webp(data, expected):
    with pytest.raises(PhotoRejected) as rejected:
        upload(data)

    assert expected in str(rejected.value)
    assert_friendly(str(rejected.value))


def test_refuses_a_file_over_max_bytes():
    data = encode(picture(), "PNG")

    assert upload(data, max_bytes=len(data)).width == 40
    with pytest.raises(PhotoRejected) as rejected:
        upload(data, max_bytes=len(data) - 1)

    assert "larger than" in str(rejected.value)
    assert_friendly(str(rejected.value))


class EndlessStream:
    def __init__(self):
        self.bytes_read = 0

    def read(self, size=-1):
        assert size > 0, "an unbounded read of an upload"
        self.bytes_read += size
        return b"\xff" * size


def test_reads_no_more_than_one_byte_past_the_limit():
    stream = EndlessStream()

    with pytest.raises(PhotoRejected):
        process_upload(stream, max_bytes=5000)

    assert stream.bytes_read == 5001


def test_default_limit_is_10_mb():
    assert images.MAX_BYTES == 10 * 1024 * 1024

    with pytest.raises(PhotoRejected) as rejected:
        process_upload(EndlessStream())

    assert "larger than 10 MB" in str(rejected.value)


def peak_memory_mb():
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def test_decompression_bomb_is_refused_without_decoding(monkeypatch):
    bomb = png_bomb(20_000, 20_000)  # 400 million pixels: 400 MB once decoded
    assert len(bomb) < 100_000

    def no_decoding(self):
        raise AssertionError("the bomb was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    peak_before = peak_memory_mb()

    with pytest.raises(PhotoRejected) as rejected:
        upload(bomb)

    assert peak_memory_mb() - peak_before < 100
    assert "too large" in str(rejected.value)
    assert_friendly(str(rejected.value))


def test_pillows_own_guard_stays_when_a_caller_raises_max_pixels():
    pillow_limit = Image.MAX_IMAGE_PIXELS
    bomb = png_bomb(10_000, 10_000)  # over Pillow's warning threshold, under its hard limit

    with pytest.raises(PhotoRejected, match="too large"):
        upload(bomb, max_pixels=10**9)

    assert pillow_limit == Image.MAX_IMAGE_PIXELS


@pytest.mark.parametrize(
    ("fmt", "mode", "options"),
    [
        ("PNG", "RGB", {}),
        ("JPEG", "RGB", {}),
        ("WEBP", "RGB", {}),  # lossy: a VP8 header
        ("WEBP", "RGB", {"lossless": True}),  # VP8L
        ("WEBP", "RGBA", {}),  # lossy with alpha: VP8X
    ],
)
def test_refuses_an_image_just_over_max_pixels(fmt, mode, options):
    assert upload(encode(picture(mode, (100, 100)), fmt, **options), max_pixels=10_000).width == 100

    with pytest.raises(PhotoRejected) as rejected:
        upload(encode(picture(mode, (101, 100)), fmt, **options), max_pixels=10_000)

    assert "too large" in str(rejected.value)
    assert_friendly(str(rejected.value))


def test_webp_canvas_is_checked_before_pillow_opens_it(monkeypatch):
    data = encode(picture("RGBA", (101, 100)), "WEBP")
    monkeypatch.setattr(Image, "open", lambda *args, **kwargs: pytest.fail("libwebp was handed the canvas"))

    with pytest.raises(PhotoRejected, match="too large"):
        upload(data, max_pixels=10_000)


@pytest.fixture
def photo():
    return upload(encode(picture(), "JPEG"))


def test_store_writes_a_private_file_with_a_random_name(photo, tmp_path):
    folder = tmp_path / "uploads" / "photos"

    name = store(photo, folder)

    assert re.fullmatch(r"[0-9a-f]{32}\.jpg", name)
    assert (folder / name).read_bytes() == photo.data
    assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_storing_the_same_photo_twice_gives_two_names_and_no_leftovers(photo, tmp_path):
    names = {store(photo, tmp_path), store(photo, tmp_path)}

    assert len(names) == 2
    thumbnails = {name.replace(".jpg", "-small.jpg") for name in names}
    assert set(os.listdir(tmp_path)) == names | thumbnails


def test_a_failed_store_leaves_no_temporary_file(photo, tmp_path, monkeypatch):
    def disk_full(source, target):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)

    with pytest.raises(OSError, match="No space"):
        store(photo, tmp_path)

    assert os.listdir(tmp_path) == []


def test_path_for_finds_a_stored_photo(photo, tmp_path):
    name = store(photo, tmp_path)

    assert path_for(name, tmp_path) == tmp_path / name
    assert path_for(name, str(tmp_path)).read_bytes() == photo.data


@pytest.mark.parametrize(
    "name",
    [
        "../etc/passwd",
        "/etc/passwd",
        "abc.jpg",
        "A" * 32 + ".jpg",
        "0" * 32 + ".gif",
        "0" * 32 + ".JPG",
        "0" * 32 + ".jpg\n",
        "../" + "0" * 32 + ".jpg",
        "sub/" + "0" * 32 + ".jpg",
        "0" * 16 + "/" + "0" * 15 + ".jpg",
        "",
        None,
    ],
)
def test_path_for_and_delete_refuse_names_this_module_did_not_make(name, tmp_path):
    with pytest.raises(ValueError):
        path_for(name, tmp_path)
    with pytest.raises(ValueError):
        delete(name, tmp_path)


def test_path_for_a_missing_photo_is_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        path_for("0" * 32 + ".png", tmp_path)


def test_delete_removes_the_file_and_can_be_repeated(photo, tmp_path):
    name = store(photo, tmp_path)

    delete(name, tmp_path)
    delete(name, tmp_path)

    assert not (tmp_path / name).exists()
    with pytest.raises(FileNotFoundError):
        path_for(name, tmp_path)


def test_labels_name_the_three_views():
    assert list(PhotoView) == ["front", "top", "crown"]
