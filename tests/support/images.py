"""Photos as a patient's phone sends them."""

import io

from PIL import Image


def png(size=(800, 600)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (181, 140, 118)).save(buffer, "PNG")
    return buffer.getvalue()
