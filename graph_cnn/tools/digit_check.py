"""Is a picture a handwritten digit at all? ``predict`` asks before it names one, so that noise, a
blank page or a boxed form field are answered "not a digit" rather than "8 (p=0.999)" (the
model's confidence does not tell: it is as high on noise as on digits).

The picture, brought to MNIST's 28x28 form by :func:`graph_cnn.tools.digits.to_mnist`, is
compared with the MNIST training manifold in three ways: its reconstruction error under a
50-component PCA of the training images, relative to its own ink (noise, textures, frames and
text leave much of their ink unexplained), the number of separate strokes (noise falls apart
into dozens) and the width of its ink against its height (a line of text is several times as
wide as tall). The limits are the 99.5th (strokes, width: 99.9th) percentile over 4,000 MNIST
training digits passed through ``to_mnist``. The PCA and limits are computed once from MNIST
(about 10 s) and cached in the user's cache folder (~160 KB).

Not caught (measured in tests/tools/test_digit_check.py): single printed letters and symbols
whose shapes the digits' PCA explains (most of them: A, X and # among them) and printed digits;
they are answered with the model's guess.
"""

import io
import os
import tempfile
import zipfile

import numpy as np
from scipy import ndimage

from graph_cnn.data import mnist
from graph_cnn.errors import DataError
from graph_cnn.tools import digits

VERSION = 2  # bump when to_mnist or the features change: the cache is rebuilt
COMPONENTS = 50
CALIBRATION = 4000  # training digits the limits are read from
PERCENTILE = 99.5  # of the relative reconstruction error
STROKES_PERCENTILE = 99.9
WIDTH_PERCENTILE = 99.9
STROKE_LEVEL = 0.3  # of full ink: what counts as part of a stroke


class DigitCheck:
    """The PCA of MNIST and the three limits; :meth:`reason` says why a 28x28 is not a digit."""

    def __init__(self, mean, basis, max_relative_error, max_strokes, max_width):
        self.mean, self.basis = mean.astype(np.float32), basis.astype(np.float32)
        self.max_relative_error, self.max_strokes = float(max_relative_error), int(max_strokes)
        self.max_width = float(max_width)

    def features(self, images):
        """(relative reconstruction error, strokes, width / height of the ink) of uint8 28x28
        ``images``."""
        x = np.asarray(images, np.float32).reshape(len(images), -1) / 255
        z = (x - self.mean) @ self.basis
        residual = x - (z @ self.basis.T + self.mean)
        relative = (residual ** 2).sum(1) / np.maximum((x ** 2).sum(1), 1e-6)
        strokes = np.array([ndimage.label(im > STROKE_LEVEL)[1]
                            for im in x.reshape(-1, 28, 28)])
        return relative, strokes, np.array([_width(im > STROKE_LEVEL)
                                            for im in x.reshape(-1, 28, 28)])

    def reason(self, image):
        """None for a picture that looks like an MNIST digit, else a few words saying why not."""
        (relative,), (strokes,), (width,) = self.features(image[None])
        if width > self.max_width:
            return (f"{width:.1f} times as wide as tall, digits at most {self.max_width:.1f} "
                    f"(a line of text?)")
        if strokes > self.max_strokes:
            return f"{strokes} separate marks, digits have at most {self.max_strokes}"
        if relative > self.max_relative_error:
            return (f"unlike MNIST's digits: {relative:.0%} of its ink unexplained by their "
                    f"shapes, digits up to {self.max_relative_error:.0%}")
        return None

    def arrays(self):
        return {"version": np.array(VERSION), "mean": self.mean, "basis": self.basis,
                "max_relative_error": np.array(self.max_relative_error),
                "max_strokes": np.array(self.max_strokes), "max_width": np.array(self.max_width)}


def _width(mask):
    """Width over height of the bounding box of ``mask``'s True pixels (0 when there are none)."""
    rows, cols = np.flatnonzero(mask.any(1)), np.flatnonzero(mask.any(0))
    if not len(rows):
        return 0.0
    return (cols[-1] - cols[0] + 1) / (rows[-1] - rows[0] + 1)


def build(data_dir=None):
    """Fit the PCA on the MNIST training images and calibrate the limits (about 10 s)."""
    (x_train, _), _ = mnist.load_data(mnist.locate(data_dir, allow_download=False))
    x = x_train.reshape(len(x_train), -1).astype(np.float32) / 255
    mean = x.mean(0)
    centred = x - mean
    values, vectors = np.linalg.eigh((centred.T @ centred).astype(np.float64))
    basis = vectors[:, np.argsort(values)[::-1][:COMPONENTS]]
    calibration = []
    for image in x_train[:CALIBRATION]:
        try:
            calibration.append(digits.to_mnist(image.astype(np.float32) / 255))
        except DataError:  # an MNIST digit too faint to find: not one to learn from
            continue
    check = DigitCheck(mean, basis, 0, 0, 0)
    relative, strokes, width = check.features(np.stack(calibration))
    return DigitCheck(mean, basis, np.percentile(relative, PERCENTILE),
                      np.floor(np.percentile(strokes, STROKES_PERCENTILE)),
                      np.percentile(width, WIDTH_PERCENTILE))


def cache_path():
    return mnist.cache_root() / f"digit_check-v{VERSION}.npz"


def _read(path):
    try:
        with np.load(path) as f:
            if int(f["version"]) != VERSION or f["basis"].shape != (784, COMPONENTS):
                return None
            return DigitCheck(f["mean"], f["basis"], f["max_relative_error"], f["max_strokes"],
                              f["max_width"])
    except (OSError, KeyError, ValueError, EOFError, zipfile.BadZipFile):
        return None  # absent or damaged: built again


def _write(path, check):
    """Cache ``check`` atomically (private temporary name, then rename); a cache that cannot be
    written is no fault: the check is built again next time."""
    buffer = io.BytesIO()
    np.savez(buffer, **check.arrays())
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix="." + path.name + ".", dir=path.parent)
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(buffer.getvalue())
        os.replace(tmp, path)
    except OSError:
        pass
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def load(data_dir=None):
    """The check, from the cache or built from MNIST (and cached)."""
    path = cache_path()
    check = _read(path)
    if check is None:
        check = build(data_dir)
        _write(path, check)
    return check
