"""Bounded photo work: the pixel limit read from the header, JPEGs decoded at the size needed,
photos stored at most PHOTO_MAX_EDGE wide or high with a thumbnail made once, one decode at a time."""

import html
import io
import re
import struct
import threading
import time
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageFile
from sqlalchemy import select

from clinic.extensions import db
from clinic.models import Photo
from clinic.photos import images, scaling, storage
from config import Config
from tests.support.patients import enquiry_form


def encode(image, fmt, **options):
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def noise(mode, size):
    """Detail in every pixel, so that a wrong resampling shows."""
    grey = Image.effect_noise(size, 64).convert("L")
    return Image.merge(
        mode,
        [grey, grey.rotate(90, expand=False), grey.transpose(Image.Transpose.FLIP_LEFT_RIGHT), grey][
            : len(mode)
        ],
    )


def png_claiming(width, height):
    """A PNG whose header claims width x height, with a few bytes of pixel data: decoding it
    would ask for width * height * 4 bytes."""

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64))


def send_enquiry(client, **files):
    data = enquiry_form(photo_consent="y")
    for field, (content, name) in files.items():
        data[field] = (io.BytesIO(content), name)
    return client.post("/enquire", data=data, content_type="multipart/form-data")


def stored_photos(app):
    with app.app_context():
        found = db.session.scalars(select(Photo).order_by(Photo.id)).all()
        db.session.expunge_all()
        return found


def field_error(response, field):
    """The message shown beside the field, without its visually hidden "Error:" prefix."""
    found = re.search(rf'id="{field}-error">(.*?)</p>', response.get_data(as_text=True), re.S)
    text = re.sub(r"<span[^>]*>.*?</span>", "", found.group(1)) if found else ""
    return html.unescape(text).strip()


@pytest.fixture
def decodes(monkeypatch):
    """Every image Pillow decodes in this test, as (format, size) once decoded."""
    seen = []
    load = ImageFile.ImageFile.load

    def counted_load(self):
        decoding = bool(self.tile)  # later calls find nothing left to decode
        pixels = load(self)
        if decoding:
            seen.append((self.format, self.size))
        return pixels

    monkeypatch.setattr(ImageFile.ImageFile, "load", counted_load)
    return seen


def test_the_defaults_are_24_megapixels_and_2560_pixels_and_pillow_is_held_to_the_same():
    assert Config.PHOTO_MAX_PIXELS == images.MAX_PIXELS == 24_000_000
    assert Config.PHOTO_MAX_EDGE == images.MAX_EDGE == 2560


def test_pillows_own_guard_follows_the_setting(app_settings, monkeypatch):
    from clinic import create_app
    from config import TestingConfig

    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", Image.MAX_IMAGE_PIXELS)  # restored afterwards
    create_app(TestingConfig, {**app_settings, "PHOTO_MAX_PIXELS": 5_000_000})

    assert Image.MAX_IMAGE_PIXELS == 5_000_000


# ---------- The pixel limit, from the header ----------


def test_a_photo_claiming_a_huge_size_is_refused_beside_its_field_without_decoding(app, client, decodes):
    bomb = png_claiming(60_000, 60_000)  # 3.6 billion pixels: 14 GB if decoded
    assert len(bomb) < 200

    response = send_enquiry(client, photo_top=(bomb, "top.png"))

    assert response.status_code == 422
    assert field_error(response, "photo_top") == (
        "This photo's width and height are too large (over 24 megapixels). "
        "Please choose a smaller version of it."
    )
    assert decodes == []
    assert stored_photos(app) == []


@pytest.fixture
def ten_thousand_pixels(app_settings, monkeypatch):
    app_settings["PHOTO_MAX_PIXELS"] = 10_000
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", Image.MAX_IMAGE_PIXELS)  # the app sets Pillow's too


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_the_pixel_limit_is_the_setting_and_is_checked_before_decoding(
    ten_thousand_pixels, app, client, decodes, fmt
):
    just_over = encode(noise("RGB", (101, 100)), fmt)

    refused = send_enquiry(client, photo_front=(just_over, "front.img"))

    assert refused.status_code == 422
    assert "too large (over 0.01 megapixels)" in field_error(refused, "photo_front")
    assert decodes == []
    assert (
        send_enquiry(client, photo_front=(encode(noise("RGB", (100, 100)), fmt), "front.img")).status_code
        == 303
    )
    assert len(stored_photos(app)) == 1


# ---------- Scaled on upload, JPEGs decoded at the size needed ----------


@pytest.fixture
def edge_of_200(app_settings):
    app_settings["PHOTO_MAX_EDGE"] = 200


@pytest.mark.parametrize(("fmt", "mode"), [("PNG", "RGB"), ("PNG", "RGBA"), ("WEBP", "RGB"), ("JPEG", "L")])
def test_a_photo_larger_than_the_edge_is_stored_scaled_to_it(edge_of_200, app, client, fmt, mode):
    response = send_enquiry(client, photo_crown=(encode(noise(mode, (700, 350)), fmt), "crown.img"))

    assert response.status_code == 303
    [photo] = stored_photos(app)
    stored = Image.open(Path(app.config["UPLOAD_FOLDER"]) / photo.stored_name)
    assert (photo.width, photo.height) == stored.size == (200, 100)
    assert (stored.format, stored.mode) == (fmt, mode)


def test_a_photo_within_the_edge_keeps_its_size(edge_of_200, app, client):
    assert (
        send_enquiry(client, photo_crown=(encode(noise("RGB", (200, 120)), "PNG"), "crown.png")).status_code
        == 303
    )

    assert [(photo.width, photo.height) for photo in stored_photos(app)] == [(200, 120)]


def test_a_large_jpeg_is_decoded_at_the_smallest_scale_that_still_covers_the_edge(
    edge_of_200, app, client, decodes
):
    response = send_enquiry(client, photo_front=(encode(noise("RGB", (1700, 1000)), "JPEG"), "front.jpg"))

    assert response.status_code == 303
    # 1/8 scale is 213 x 125, still at least 200 on the long edge; then resampled to 200 x 117.
    assert decodes == [("JPEG", (213, 125))]
    assert [(photo.width, photo.height) for photo in stored_photos(app)] == [(200, 117)]


@pytest.mark.parametrize("mode", ["RGB", "RGBA", "L", "I;16"])
@pytest.mark.parametrize(
    ("resample", "support"),
    [(scaling._RESAMPLE, scaling._RESAMPLE_SUPPORT), (Image.Resampling.LANCZOS, 3.0)],
    ids=["ours", "a wider filter"],
)
def test_resampling_in_bands_matches_resampling_the_whole_image(mode, resample, support, monkeypatch):
    monkeypatch.setattr(scaling, "_RESAMPLE", resample)
    monkeypatch.setattr(scaling, "_RESAMPLE_SUPPORT", support)
    image = noise("L", (900, 700)).convert("I").convert(mode) if mode == "I;16" else noise(mode, (900, 700))

    banded = scaling.fitted(image, 300)

    whole = image.resize((300, 233), resample)
    assert banded.size == whole.size and banded.mode == mode
    band = None if len(mode) == 1 or mode == "I;16" else 0
    differences = [
        abs(a - b)
        for a, b in zip(banded.get_flattened_data(band), whole.get_flattened_data(band), strict=True)
    ]
    # Rounding alone differs (a band's box starts at a fraction of a row); a band short of the
    # rows its filter reads is off by far more at its edges.
    assert max(differences) <= (3 if mode != "I;16" else 3 * 256)


# ---------- Thumbnails: made once, stored beside the photo ----------


def thumbnail_file(app, photo):
    stem, extension = photo.stored_name.rsplit(".", 1)
    return Path(app.config["UPLOAD_FOLDER"]) / f"{stem}-small.{extension}"


@pytest.mark.parametrize(
    ("fmt", "content_type"), [("PNG", "image/png"), ("JPEG", "image/jpeg"), ("WEBP", "image/webp")]
)
def test_the_thumbnail_is_stored_at_upload_and_served_without_decoding(
    app, client, as_role, decodes, fmt, content_type
):
    assert (
        send_enquiry(client, photo_front=(encode(noise("RGB", (1200, 900)), fmt), "front.img")).status_code
        == 303
    )
    [photo] = stored_photos(app)
    stored = thumbnail_file(app, photo)
    assert Image.open(stored).size == (320, 240)
    decodes.clear()

    response = as_role("reception").get(f"/staff/photos/{photo.id}?size=thumb")

    assert response.status_code == 200
    assert (response.mimetype, response.data) == (content_type, stored.read_bytes())
    assert response.headers["Cache-Control"] == "no-store"
    assert decodes == []


def test_a_photo_stored_before_thumbnails_gets_one_on_first_view_and_keeps_it(app, client, as_role, decodes):
    assert (
        send_enquiry(client, photo_front=(encode(noise("RGB", (1200, 900)), "JPEG"), "front.jpg")).status_code
        == 303
    )
    [photo] = stored_photos(app)
    thumbnail_file(app, photo).unlink()
    reception = as_role("reception")
    decodes.clear()

    first = reception.get(f"/staff/photos/{photo.id}?size=thumb")
    second = reception.get(f"/staff/photos/{photo.id}?size=thumb")

    assert first.status_code == second.status_code == 200
    assert first.data == second.data == thumbnail_file(app, photo).read_bytes()
    assert Image.open(io.BytesIO(first.data)).size == (320, 240)
    # Decoded once, and straight at 1/2 scale: 600 x 450 is the smallest that covers 320.
    assert decodes == [("JPEG", (600, 450))]


def test_deleting_a_photo_deletes_its_thumbnail(app, client, as_role):
    assert (
        send_enquiry(client, photo_front=(encode(noise("RGB", (400, 300)), "PNG"), "front.png")).status_code
        == 303
    )
    [photo] = stored_photos(app)
    assert thumbnail_file(app, photo).exists()

    storage.delete(photo.stored_name, app.config["UPLOAD_FOLDER"])

    assert list(Path(app.config["UPLOAD_FOLDER"]).iterdir()) == []
    assert as_role("reception").get(f"/staff/photos/{photo.id}?size=thumb").status_code == 404


# ---------- One decode at a time ----------


def test_uploads_at_the_same_time_are_decoded_one_after_the_other(monkeypatch):
    spans = []
    load = images._load

    def slow_load(image, max_edge):
        started = time.monotonic()
        time.sleep(0.2)  # long enough for the other upload to arrive while this one decodes
        load(image, max_edge)
        spans.append((started, time.monotonic()))

    monkeypatch.setattr(images, "_load", slow_load)
    data = encode(noise("RGB", (300, 200)), "PNG")
    start = threading.Barrier(3)

    def upload():
        start.wait()
        images.process_upload(io.BytesIO(data))

    threads = [threading.Thread(target=upload) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(spans) == 3
    spans.sort()
    for (_, first_end), (second_start, _) in zip(spans, spans[1:], strict=False):
        assert second_start >= first_end
