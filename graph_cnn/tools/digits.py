"""Any picture of one handwritten digit to an MNIST-style 28x28 input, the way MNIST was made:
grey levels; the digit found and cropped; scaled to fit a 20x20 box keeping its aspect ratio;
placed in 28x28 so that its centre of mass is at the centre; white ink on black."""

import os
import re
import warnings

import cv2
import numpy as np
from scipy import ndimage

from graph_cnn.errors import DataError

MAX_PIXELS = 120_000_000  # a header declaring more (about 11000x11000) is refused undecoded
WORK_PIXELS = 4_000_000  # larger pictures are shrunk while decoding: a digit needs no more
_REDUCED = {2: cv2.IMREAD_REDUCED_GRAYSCALE_2, 4: cv2.IMREAD_REDUCED_GRAYSCALE_4,
            8: cv2.IMREAD_REDUCED_GRAYSCALE_8}


def header(path):
    """``(width, height, has_alpha)`` as the file's header declares them, read without decoding
    the pixels; None for a file Pillow does not know (OpenCV then has the last word). Raises
    DataError for a header declaring more than MAX_PIXELS."""
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                (width, height), mode = image.size, image.mode
                alpha = "A" in mode or "a" in mode or "transparency" in image.info
    except Image.DecompressionBombError as exc:  # Pillow's own, higher limit
        declared = re.search(r"\((\d+) pixels\)", str(exc))
        _too_large(path, int(declared.group(1)) if declared else None)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        return None
    if width * height > MAX_PIXELS:
        _too_large(path, width * height, f"{width}x{height}")
    return width, height, alpha


# EXIF orientation -> the Pillow transpose that shows the picture upright (EXIF 2.3, tag 0x0112;
# the table Pillow's ImageOps.exif_transpose applies)
_UPRIGHT = {2: "FLIP_LEFT_RIGHT", 3: "ROTATE_180", 4: "FLIP_TOP_BOTTOM", 5: "TRANSPOSE",
            6: "ROTATE_270", 7: "TRANSVERSE", 8: "ROTATE_90"}


def orientation(path):
    """The EXIF orientation a camera or phone stored (1: upright, as stored; 2-8: flipped and/or
    turned), read with Pillow; 1 when there is none or the file has no EXIF Pillow can read."""
    from PIL import Image

    try:
        with Image.open(path) as image:
            value = image.getexif().get(0x0112, 1)
    except Exception:  # noqa: BLE001 - any file Pillow cannot read: no orientation to honour
        return 1
    return value if value in _UPRIGHT else 1


def _upright(grey, value):
    """``grey`` (float, 2-D) turned and flipped as EXIF orientation ``value`` asks."""
    if value == 1:
        return grey
    from PIL import Image

    method = getattr(Image.Transpose, _UPRIGHT[value])
    return np.asarray(Image.fromarray(np.ascontiguousarray(grey, np.float32)).transpose(method))


def _too_large(path, pixels, size=None):
    declared = f"{size} = {pixels / 1e6:,.0f} megapixels" if size else (
        f"{pixels / 1e6:,.0f} megapixels" if pixels else "too many pixels")
    raise DataError(f"{path}: its header declares {declared}, more than the "
                    f"{MAX_PIXELS / 1e6:.0f} megapixels graph-cnn decodes; scale the picture "
                    f"down (a digit needs a few hundred pixels a side)")


def read_grey(path):
    """The image at ``path`` as float grey levels in [0, 1] (alpha composited on white), upright
    as its EXIF orientation says (a phone's photo), at most about WORK_PIXELS: a large picture is decoded reduced (JPEG: by the decoder itself) or shrunk
    right after decoding, before any float copy is made."""
    data = np.fromfile(str(path), dtype=np.uint8) if os.path.isfile(path) else None
    if data is None:
        raise DataError(f"{path}: no such file")
    declared = header(path) if data.size else None
    flags = cv2.IMREAD_UNCHANGED
    if declared and declared[0] * declared[1] > WORK_PIXELS and not declared[2]:
        factor = next((f for f in (2, 4) if declared[0] * declared[1] <= WORK_PIXELS * f * f), 8)
        flags = _REDUCED[factor] | cv2.IMREAD_IGNORE_ORIENTATION  # as IMREAD_UNCHANGED
    try:
        image = cv2.imdecode(data, flags) if data.size else None
    except cv2.error as exc:  # OpenCV's own checks (its pixel limit, a broken stream)
        raise DataError(f"{path}: cannot be decoded ({exc.err or 'OpenCV error'}); check the "
                        f"file") from None
    if image is None:
        raise DataError(f"{path}: not an image OpenCV can read (PNG, JPEG, BMP, ...); "
                        f"check the file")
    del data
    if image.shape[0] * image.shape[1] > WORK_PIXELS:
        scale = (WORK_PIXELS / (image.shape[0] * image.shape[1])) ** 0.5
        size = (max(1, int(image.shape[1] * scale)), max(1, int(image.shape[0] * scale)))
        image = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
    image = image.astype(np.float32) / (65535.0 if image.dtype == np.uint16 else 255.0)
    if image.ndim == 3 and image.shape[2] == 4:
        alpha = image[:, :, 3:]
        image = image[:, :, :3] * alpha + (1 - alpha)
    if image.ndim == 3:
        image = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    return _upright(image, orientation(path))  # OpenCV decoded it as stored


def to_mnist(grey, source="image"):
    """A grey image (float, [0, 1]) holding one digit -> uint8 28x28, white on black."""
    border = np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]])
    ink = 1.0 - grey if np.median(border) > 0.5 else grey.copy()  # make the ink bright
    ink -= np.median(np.concatenate([ink[0], ink[-1], ink[:, 0], ink[:, -1]]))
    ink = np.clip(ink, 0, None)
    if ink.max() < 0.15:
        raise DataError(f"{source}: holds no digit (no stroke stands out from the background)")
    ink /= ink.max()
    mask = ink > 0.35
    mask = ndimage.binary_opening(mask, iterations=1) if mask.sum() > 50 else mask
    labels, count = ndimage.label(mask)
    if count == 0:
        raise DataError(f"{source}: holds no digit (no stroke stands out from the background)")
    sizes = ndimage.sum(mask, labels, range(1, count + 1))
    keep = np.isin(labels, 1 + np.flatnonzero(sizes >= 0.05 * sizes.max()))  # drop specks
    rows, cols = np.flatnonzero(keep.any(1)), np.flatnonzero(keep.any(0))
    crop = ink[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1] * ndimage.binary_dilation(
        keep, iterations=2)[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    h, w = crop.shape
    scale = 20.0 / max(h, w)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    small = cv2.resize(crop, size, interpolation=cv2.INTER_AREA)
    canvas = np.zeros((28, 28), np.float32)
    top, left = (28 - small.shape[0]) // 2, (28 - small.shape[1]) // 2
    canvas[top:top + small.shape[0], left:left + small.shape[1]] = small
    cy, cx = ndimage.center_of_mass(canvas)
    canvas = ndimage.shift(canvas, (13.5 - cy, 13.5 - cx), order=1, mode="constant", cval=0)
    canvas = np.clip(canvas / max(canvas.max(), 1e-6), 0, 1)
    return np.round(canvas * 255).astype(np.uint8)


def load_digit(path):
    """``read_grey`` then ``to_mnist``; raises DataError with one line on any failure."""
    return to_mnist(read_grey(path), source=str(path))
