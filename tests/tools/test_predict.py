"""predict's choices made without a model: which run it takes when --run is not given, and
pictures read upright as their EXIF orientation says (the commands themselves: test_tools.py)."""

import json

import numpy as np
import pytest
from PIL import Image, ImageOps

from graph_cnn.errors import GraphCnnError
from graph_cnn.tools import digits
from graph_cnn.tools.inference import best_run


def _run(runs, pid, budget, seed, accuracy, status="ok", checkpoint=True):
    folder = runs / pid / f"{budget}-seed{seed}"
    folder.mkdir(parents=True)
    (folder / "result.json").write_text(json.dumps({
        "id": pid, "seed": seed, "budget": budget, "status": status, "error": None,
        "final": {"test_acc": accuracy}, "records": [{"epoch": 1, "test_acc": accuracy}],
        "provenance": {"seed": seed, "seconds": 1.0, "versions": {}, "machine": {}}}))
    if checkpoint:
        (folder / "model.ckpt.index").write_bytes(b"")
    return folder


@pytest.mark.smoke
def test_best_run_takes_the_best_full_run(tmp_path):
    _run(tmp_path, "chollet_convnet", "quick", 1, 0.999)  # quick: only when there is no full
    _run(tmp_path, "lenet5_relu", "full", 1, 0.98)
    best = _run(tmp_path, "chollet_convnet", "full", 2, 0.991)
    _run(tmp_path, "chollet_dense", "full", 1, 0.995, status="diverged")
    _run(tmp_path, "barter_selu", "full", 1, 0.996, checkpoint=False)
    (tmp_path / "lenet_avgpool" / "full-seed1").mkdir(parents=True)
    (tmp_path / "lenet_avgpool" / "full-seed1" / "result.json").write_text("{broken")
    (tmp_path / "lenet_avgpool" / "full-seed1" / "model.ckpt.index").write_bytes(b"")
    assert best_run(tmp_path) == best


def test_best_run_falls_back_to_quick_runs_and_says_when_there_is_none(tmp_path):
    with pytest.raises(GraphCnnError, match="no trained run under .*give --run DIR"):
        best_run(tmp_path)
    low = _run(tmp_path, "chollet_dense", "quick", 1, 0.5)
    high = _run(tmp_path, "chollet_convnet", "quick", 1, 0.6)
    assert best_run(tmp_path) == high != low


def _stored(upright, value):
    """``upright`` as a camera would store it with EXIF orientation ``value``: the inverse of
    the transpose that shows it upright."""
    inverse = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
               4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE,
               6: Image.Transpose.ROTATE_90, 7: Image.Transpose.TRANSVERSE,
               8: Image.Transpose.ROTATE_270}
    return Image.fromarray(upright).transpose(inverse[value]) if value != 1 else (
        Image.fromarray(upright))


@pytest.mark.smoke
@pytest.mark.parametrize("value", range(1, 9))
def test_exif_orientation_is_honoured(tmp_path, value):
    """A JPEG as a phone writes it (pixels as the sensor saw them, orientation in EXIF) reads as
    Pillow's ImageOps.exif_transpose shows it: upright."""
    rng = np.random.default_rng(value)
    upright = np.zeros((60, 40), np.uint8)
    upright[5:20, 5:35] = 220  # a bar at the top, a block at the bottom left: no symmetry
    upright[35:55, 5:15] = 160
    upright = np.clip(upright + rng.normal(0, 3, upright.shape), 0, 255).astype(np.uint8)
    path = tmp_path / f"photo{value}.jpg"
    exif = Image.Exif()
    exif[0x0112] = value
    _stored(upright, value).save(path, quality=95, exif=exif.tobytes())
    assert digits.orientation(path) == value
    with Image.open(path) as image:
        shown = np.asarray(ImageOps.exif_transpose(image).convert("L"), np.float32) / 255
    grey = digits.read_grey(path)
    assert grey.shape == shown.shape == upright.shape
    assert np.abs(grey - shown).mean() < 2 / 255
    assert np.abs(grey * 255 - upright).mean() < 3


def test_no_exif_reads_as_stored(tmp_path):
    path = tmp_path / "plain.png"
    Image.fromarray(np.eye(20, 30, dtype=np.uint8) * 255).save(path)
    assert digits.orientation(path) == 1
    assert digits.orientation(tmp_path / "missing.jpg") == 1
    assert digits.read_grey(path).shape == (20, 30)
