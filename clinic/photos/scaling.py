"""Scaling photos down: to the size stored and to thumbnails, holding as little of the image in
memory at once as Pillow allows."""

import math

from PIL import Image

# Box: each stored pixel the average of the source pixels it covers. Shrinking by about 2x, as
# most photos under MAX_PIXELS need, that looks as good as the wider filters, and they cost more of
# the whole upload: Hamming 20%, Lanczos 60% (benchmarks/photo_upload.py).
_RESAMPLE = Image.Resampling.BOX
_RESAMPLE_SUPPORT = 0.5  # source pixels read either side, times the scale
_BAND_ROWS = 64
# Shrinking by 4 or more first averages whole blocks of pixels, which is far cheaper and, this far
# from the final size, looks the same (Pillow's thumbnail() does the same).
_REDUCING_GAP = 2.0
# Pillow resamples these through a premultiplied copy of the whole image.
_PREMULTIPLIED = ("RGBA", "LA")


def fitted_size(size: tuple[int, int], edge: int) -> tuple[int, int]:
    width, height = size
    longest = max(width, height)
    if longest <= edge:
        return size
    return max(1, round(width * edge / longest)), max(1, round(height * edge / longest))


def fitted(image: Image.Image, edge: int, mode: str | None = None) -> Image.Image:
    """The image in `mode` (its own by default), scaled down to at most edge pixels on its long edge.

    Resampled in bands of rows: beside the source only the result and one band are held, where a
    whole-image resize would also hold a half-done copy and, for RGBA, a premultiplied one. Pillow
    resamples only the rows a band needs, so a band is cropped only to convert it.
    """
    mode = mode or image.mode
    size = fitted_size(image.size, edge)
    if size == image.size:
        return image if image.mode == mode else image.convert(mode)
    scale = image.height / size[1]
    margin = math.ceil(_RESAMPLE_SUPPORT * max(scale, 1)) + 1
    cropped = image.mode != mode or mode in _PREMULTIPLIED
    result = Image.new(mode, size)
    for top in range(0, size[1], _BAND_ROWS):
        bottom = min(top + _BAND_ROWS, size[1])
        band, first = image, 0
        if cropped:
            first = max(0, math.floor(top * scale) - margin)
            band = image.crop((0, first, image.width, min(image.height, math.ceil(bottom * scale) + margin)))
            band = band if band.mode == mode else band.convert(mode)
        box = (0, top * scale - first, image.width, bottom * scale - first)
        resampled = band.resize((size[0], bottom - top), _RESAMPLE, box=box, reducing_gap=_REDUCING_GAP)
        result.paste(resampled, (0, top))
    return result
