"""Pictures made for testing ``predict``'s not-a-digit check: what a user might hand it that is
not one handwritten digit (letters, symbols, text lines and pages, noise, a digit in a form's
box) and what is (MNIST's own test digits on paper, digits typed in a font). Drawn with OpenCV's
Hershey fonts and Pillow's bundled font, so that no system font is needed."""

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

HERSHEY = (cv2.FONT_HERSHEY_SIMPLEX, cv2.FONT_HERSHEY_DUPLEX, cv2.FONT_HERSHEY_COMPLEX,
           cv2.FONT_HERSHEY_TRIPLEX, cv2.FONT_HERSHEY_SCRIPT_SIMPLEX,
           cv2.FONT_HERSHEY_SCRIPT_COMPLEX)
LETTERS = "ABCDEFGHJKMNPQRSTUVWXYZabdefhkmnpqrtwxy"  # not I, L, O, S-like-5... kept below
LOOKALIKES = "IlOoSsZzBbgq"  # letters that are a digit's shape in many hands (1 0 5 2 8 6 9)
SYMBOLS = "#@$%&*+=?!<>{}[]()/\\~^"
WORDS = ("hello world", "Invoice 2024", "the quick brown fox", "MNIST", "total: 42",
         "Dear Sir,", "graph-cnn", "call me at 5")


def _paper(size, rng):
    return np.clip(np.full(size, 228.0) + rng.normal(0, 5, size), 0, 255).astype(np.uint8)


def hershey(text, font, rng, scale=None, thickness=None, size=(200, 200)):
    """``text`` drawn with an OpenCV Hershey ``font`` in dark ink on noisy paper, centred."""
    scale = scale or 4.0 / max(1, len(text)) ** 0.8
    thickness = thickness or int(rng.integers(4, 10))
    (w, h), _ = cv2.getTextSize(text, font, scale, thickness)
    page = _paper((max(size[0], h + 60), max(size[1], w + 60)), rng)
    origin = ((page.shape[1] - w) // 2, (page.shape[0] + h) // 2)
    cv2.putText(page, text, origin, font, scale, int(rng.integers(20, 70)), thickness,
                cv2.LINE_AA)
    return page


def pillow(text, rng, size=120, page=(220, 220)):
    """``text`` in Pillow's bundled font (lines split on newlines) on noisy paper."""
    font = ImageFont.load_default(size=size)
    probe = ImageDraw.Draw(Image.new("L", (1, 1)))
    left, top, right, bottom = probe.multiline_textbbox((0, 0), text, font=font)
    width, height = max(page[1], right - left + 60), max(page[0], bottom - top + 60)
    image = Image.fromarray(_paper((height, width), rng))
    ImageDraw.Draw(image).multiline_text(
        ((width - (right - left)) // 2 - left, (height - (bottom - top)) // 2 - top), text,
        fill=int(rng.integers(20, 70)), font=font)
    return np.asarray(image)


def on_paper(image28, rng, box=False):
    """An MNIST digit as a photo shows it: dark ink on noisy paper, large, off-centre; with
    ``box``, inside a printed form field's frame."""
    ink = cv2.resize(image28, (150, 150), interpolation=cv2.INTER_CUBIC).astype(np.float32)
    page = _paper((260, 260), rng).astype(np.float32)
    top, left = rng.integers(30, 80, 2)
    page[top:top + 150, left:left + 150] -= ink * 0.8
    page = np.clip(page, 0, 255).astype(np.uint8)
    if box:
        cv2.rectangle(page, (int(left) - 15, int(top) - 15), (int(left) + 165, int(top) + 165),
                      40, int(rng.integers(3, 7)))
    return page


def noise(rng, kind):
    if kind == "uniform":
        return rng.integers(0, 256, (200, 200)).astype(np.uint8)
    if kind == "speckle":
        return np.where(rng.random((200, 200)) < 0.05, 30, 230).astype(np.uint8)
    blobs = cv2.GaussianBlur(rng.random((200, 200)).astype(np.float32), (0, 0), 6)
    return np.clip((blobs - blobs.min()) / np.ptp(blobs) * 255, 0, 255).astype(np.uint8)


def picture_set(mnist_test, seed=0):
    """{category: [(name, grey uint8 picture)]}: the set the README's table is measured on."""
    rng = np.random.default_rng(seed)
    x_test, y_test = mnist_test
    sets = {"letters": [], "look-alike letters": [], "symbols": [], "text lines": [],
            "text pages": [], "noise": [], "boxed digits": [], "typed digits": [],
            "MNIST digits": []}
    for i, c in enumerate(LETTERS):
        sets["letters"].append((f"letter {c}", hershey(c, HERSHEY[i % 6], rng, scale=5)
                                if i % 3 else pillow(c, rng)))
    for i, c in enumerate(LOOKALIKES):
        sets["look-alike letters"].append((f"letter {c}", hershey(c, HERSHEY[i % 6], rng,
                                                                  scale=5)))
    for i, c in enumerate(SYMBOLS):
        sets["symbols"].append((f"symbol {c}", hershey(c, HERSHEY[i % 6], rng, scale=5)
                                if i % 2 else pillow(c, rng)))
    for i, w in enumerate(WORDS):
        sets["text lines"].append((f"line {w!r}", hershey(w, HERSHEY[i % 6], rng, scale=1.5,
                                                          thickness=3, size=(120, 200))
                                   if i % 2 else pillow(w, rng, size=40, page=(80, 200))))
    for i in range(8):
        lines = [WORDS[(i + k) % len(WORDS)] for k in range(3 + i)]
        sets["text pages"].append((f"page of {len(lines)} lines",
                                   pillow("\n".join(lines), rng, size=24 + 2 * i)))
    for i, kind in enumerate(["uniform", "speckle", "blobs"] * 3):
        sets["noise"].append((f"{kind} noise {i}", noise(rng, kind)))
    for i in range(20):
        sets["boxed digits"].append((f"boxed {y_test[3000 + i]}",
                                     on_paper(x_test[3000 + i], rng, box=True)))
    for d in range(10):
        for j, font in enumerate((HERSHEY[0], HERSHEY[3])):
            sets["typed digits"].append((f"typed {d}", hershey(str(d), font, rng, scale=5)))
    for i in range(200):
        sets["MNIST digits"].append((f"mnist {y_test[i * 50]}", on_paper(x_test[i * 50], rng)))
    return sets
