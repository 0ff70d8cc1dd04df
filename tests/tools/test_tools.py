"""The tools around a run: artifacts, TensorBoard, predict, export, feature maps."""

import subprocess
import sys
from dataclasses import replace

import cv2
import numpy as np
import pytest
from conftest import run_cli

from graph_cnn import reproductions
from graph_cnn.data import mnist
from graph_cnn.harness.reproduce import reproduce
from graph_cnn.harness.spec import Budget
from graph_cnn.tools import digits


@pytest.fixture(scope="module")
def trained_run(tmp_path_factory):
    """chollet_convnet trained briefly (one epoch over 24,000 images) through the normal path."""
    out = tmp_path_factory.mktemp("runs")
    pipeline = replace(reproductions.get("chollet_convnet"),
                       quick=Budget(epochs=1, train_limit=24000, test_limit=2000))
    (result,) = reproduce(pipeline, "quick", [1], out, log=lambda _: None, progress=False)
    assert result["final"]["test_acc"] > 0.95
    return out / "chollet_convnet" / "quick-seed1"


def test_run_folder_has_plots_and_tensorboard_events(trained_run):
    import tensorflow as tf

    assert (trained_run / "curves.png").stat().st_size > 5000
    assert (trained_run / "confusion.png").stat().st_size > 5000
    (events,) = trained_run.glob("events.out.tfevents.*")
    tags, has_graph = set(), False
    for event in tf.compat.v1.train.summary_iterator(str(events)):
        has_graph |= bool(event.graph_def)
        tags |= {v.tag for v in event.summary.value}
    assert has_graph
    assert {"train_loss", "train_acc", "test_acc"} <= tags
    assert {f"features/conv2d/digit_{d}" for d in (5, 0, 3)} <= tags


def paper_picture(image28, seed, size=(300, 420), colour=False):
    """An MNIST digit drawn as a photo would show it: dark ink on light, noisy paper, large,
    off-centre."""
    rng = np.random.RandomState(seed)
    ink = cv2.resize(image28, (190, 190), interpolation=cv2.INTER_CUBIC).astype(np.float32)
    paper = np.full(size, 225.0) + rng.normal(0, 6, size)
    top, left = 30 + seed % 50, 40 + (seed * 37) % 150
    paper[top:top + 190, left:left + 190] -= ink * 0.8
    picture = np.clip(paper, 0, 255).astype(np.uint8)
    return cv2.cvtColor(picture, cv2.COLOR_GRAY2BGR) if colour else picture


def test_predict_classifies_pictures_and_reports_broken_files(trained_run, tmp_path):
    (_, _), (x_test, y_test) = mnist.load_data()
    files, truth = [], []
    for i, ext in enumerate(["png", "jpg", "bmp"] * 3):
        index = 5000 + 7 * i
        path = tmp_path / f"digit{i}.{ext}"
        cv2.imwrite(str(path), paper_picture(x_test[index], i, colour=i % 2 == 1))
        files.append(path)
        truth.append(int(y_test[index]))
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"this is not a picture")
    blank = tmp_path / "blank.png"
    cv2.imwrite(str(blank), np.full((200, 200), 230, np.uint8))
    result = run_cli("predict", "--run", trained_run, files[0], broken, *files[1:], blank,
                     "--save-input", tmp_path / "seen")
    assert result.returncode == 1
    errors = result.stderr.strip().splitlines()
    assert any("broken.png: not an image" in e for e in errors)
    assert any("blank.png: holds no digit" in e for e in errors)
    lines = result.stdout.strip().splitlines()
    assert len(lines) == len(files)
    predicted = [int(line.split(": ")[1].split()[0]) for line in lines]
    assert sum(p == t for p, t in zip(predicted, truth)) >= len(files) - 1
    seen = cv2.imread(str(tmp_path / "seen" / "digit0.png_28x28.png"), cv2.IMREAD_GRAYSCALE)
    assert seen.shape == (28, 28) and seen[0].max() == 0 and seen.max() == 255


def test_to_mnist_recovers_a_digit_from_a_picture():
    (_, _), (x_test, _) = mnist.load_data()
    original = x_test[123]
    recovered = digits.to_mnist(paper_picture(original, 3).astype(np.float32) / 255)
    assert np.corrcoef(original.ravel().astype(float), recovered.ravel())[0, 1] > 0.8
    rows, cols = np.nonzero(recovered > 30)
    assert max(np.ptp(rows), np.ptp(cols)) <= 21  # fits the 20x20 box, MNIST style


def test_export_reproduces_the_checkpoint(trained_run, tmp_path):
    from graph_cnn.tools.export import frozen_predict, saved_model_predict

    result = run_cli("export", "--run", trained_run, "--out", tmp_path / "export")
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stderr == ""  # no TensorFlow start-up lines or deprecation notices
    code = (
        "import sys, numpy as np\n"
        "from graph_cnn import mnist\n"
        "from graph_cnn.tools.inference import Run\n"
        "run = Run(sys.argv[1])\n"
        "x = run.inputs(mnist.load_data()[1][0][:200])\n"
        "np.save(sys.argv[2], run.sess.run(run.t['probabilities'], {run.t['X']: x}))\n")
    subprocess.run([sys.executable, "-c", code, str(trained_run), str(tmp_path / "ckpt.npy")],
                   check=True, capture_output=True)
    expected = np.load(tmp_path / "ckpt.npy")
    x = mnist.load_data()[1][0][:200].reshape(-1, 28, 28, 1).astype(np.float32) / 255
    np.testing.assert_allclose(frozen_predict(tmp_path / "export" / "model.pb", x), expected,
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(saved_model_predict(tmp_path / "export" / "saved_model", x),
                               expected, rtol=1e-5, atol=1e-6)
    again = run_cli("export", "--run", trained_run, "--out", tmp_path / "export")
    assert again.returncode == 1 and "not empty" in again.stderr
    verbose = run_cli("export", "--run", trained_run, "--out", tmp_path / "shown", "--verbose")
    assert verbose.returncode == 0 and "is deprecated" in verbose.stderr  # what is hidden


def test_features_command_writes_grids(trained_run, tmp_path):
    result = run_cli("features", "--run", trained_run, "--digits", "5", "0", "3", "--out",
                     tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    written = sorted(p.name for p in tmp_path.glob("*.png"))
    assert written == sorted(f"features_{layer}_digit{d}.png"
                             for layer in ("conv2d", "conv2d_1", "conv2d_2") for d in (5, 0, 3))
    small = cv2.imread(str(tmp_path / "features_conv2d_2_digit5.png"))
    large = cv2.imread(str(tmp_path / "features_conv2d_digit5.png"))
    for picture in (small, large):  # a titled figure (what it holds: tests/harness/test_artifacts)
        assert picture.shape[1] > picture.shape[0] > 250 and picture.std() > 10
    assert small.shape[0] > large.shape[0]  # 64 channels of 3x3 take more rows than 32 of 26x26


def test_predict_reads_phone_photos_upright(trained_run, tmp_path):
    """Digits stored turned or upside down with an EXIF orientation, as phones write them."""
    from PIL import Image

    (_, _), (x_test, y_test) = mnist.load_data()
    turn = {3: Image.Transpose.ROTATE_180, 6: Image.Transpose.ROTATE_90,
            8: Image.Transpose.ROTATE_270}  # stored so that the orientation turns it upright
    files, truth = [], []
    for i, (value, method) in enumerate(sorted(turn.items()) * 2):
        index = 6000 + 11 * i
        exif = Image.Exif()
        exif[0x0112] = value
        path = tmp_path / f"photo{i}.jpg"
        Image.fromarray(paper_picture(x_test[index], i)).transpose(method).save(
            path, quality=92, exif=exif.tobytes())
        files.append(path)
        truth.append(int(y_test[index]))
    result = run_cli("predict", "--run", trained_run, *files)
    assert result.returncode == 0, result.stderr[-2000:]
    predicted = [int(line.split(": ")[1].split()[0]) for line in result.stdout.splitlines()]
    assert sum(p == t for p, t in zip(predicted, truth)) >= len(files) - 1, (predicted, truth)


def test_predict_without_run_takes_the_best_full_run_and_says_which(trained_run, tmp_path):
    import json
    import shutil

    picture = tmp_path / "seven.png"
    cv2.imwrite(str(picture), paper_picture(mnist.load_data()[1][0][0], 0))
    runs = tmp_path / "runs" / "chollet_convnet"
    shutil.copytree(trained_run, runs / "quick-seed1")

    def predict():
        return subprocess.run([sys.executable, "-m", "graph_cnn", "predict", str(picture)],
                              capture_output=True, text=True, cwd=tmp_path, timeout=600,
                              check=False)

    quick = predict()
    assert quick.returncode == 0, quick.stderr[-2000:]
    lines = quick.stderr.splitlines()
    assert lines[0].startswith("graph-cnn: using runs/chollet_convnet/quick-seed1 "
                               "(chollet_convnet, quick budget, seed 1, test accuracy 0.9")
    assert lines[1].startswith("graph-cnn: warning: runs/chollet_convnet/quick-seed1 is a quick "
                               "run") and len(lines) == 2
    assert quick.stdout.startswith(f"{picture}: 7 (p=")
    full = runs / "full-seed2"
    shutil.copytree(trained_run, full)
    result = json.loads((full / "result.json").read_text())
    result.update(budget="full", seed=2)
    result["provenance"]["seed"] = 2
    (full / "result.json").write_text(json.dumps(result))
    chosen = predict()
    assert chosen.returncode == 0, chosen.stderr[-2000:]
    (line,) = chosen.stderr.splitlines()  # a full run: no warning
    assert line.startswith("graph-cnn: using runs/chollet_convnet/full-seed2 (chollet_convnet, "
                           "full budget, seed 2")
    shutil.rmtree(tmp_path / "runs")
    none = predict()
    assert none.returncode == 1 and none.stdout == ""
    assert none.stderr.splitlines() == [(
        "graph-cnn: error: no trained run under runs/ to predict with; train one with "
        "'graph-cnn reproduce chollet_convnet --budget full' or give --run DIR")]
