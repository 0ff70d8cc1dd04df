"""Faults in what a user gives predict, export and features: damaged run folders, huge or
non-digit pictures, output paths that cannot be written. Each is one line, a non-zero exit (a
"not a digit" answer is an answer: exit 0) and nothing of the user's lost or half-written."""

import json
import shutil
import struct
import zlib

import cv2
import numpy as np
import pytest
from conftest import mnist_source, run_cli
from stderr_lines import user_lines

from graph_cnn.data import mnist
from graph_cnn.errors import DataError, GraphCnnError
from graph_cnn.tools import digit_check, digits
from graph_cnn.tools.predict import save_names

DATA = "model.ckpt.data-00000-of-00001"


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory):
    """chollet_dense trained at the quick budget through the command a user types."""
    out = tmp_path_factory.mktemp("runs")
    result = run_cli("reproduce", "chollet_dense", "--budget", "quick", "--threads", "1",
                     "--out", out, env={"GRAPH_CNN_DATA": str(mnist_source())})
    assert result.returncode == 0, result.stderr[-2000:]
    return out / "chollet_dense" / "quick-seed1"


@pytest.fixture(scope="module")
def built_check(tmp_path_factory):
    """The not-a-digit check, built once for the module (each test has its own empty cache)."""
    path = tmp_path_factory.mktemp("check") / digit_check.cache_path().name
    digit_check._write(path, digit_check.build(mnist_source()))
    return path


@pytest.fixture(autouse=True)
def _check_in_cache(_data_env, built_check):
    target = digit_check.cache_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(built_check, target)


def snapshot(folder):
    """Every file under ``folder`` with its bytes: to show that nothing was changed."""
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def _flip(path):
    data = bytearray(path.read_bytes())
    for offset in range(len(data) // 20, len(data), max(1, len(data) // 16)):
        data[offset] ^= 0xFF
    path.write_bytes(bytes(data))


def _halve(path):
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _edit_result(folder, **changes):
    result = json.loads((folder / "result.json").read_text())
    (folder / "result.json").write_text(json.dumps(dict(result, **changes)))


# damage -> (how, the file the message must name)
DAMAGES = {
    "flipped data bytes": (lambda f: _flip(f / DATA), DATA),
    "truncated data": (lambda f: _halve(f / DATA), DATA),
    "missing data": (lambda f: (f / DATA).unlink(), DATA),
    "flipped index bytes": (lambda f: _flip(f / "model.ckpt.index"), "model.ckpt.index"),
    "truncated index": (lambda f: _halve(f / "model.ckpt.index"), "model.ckpt.index"),
    "id of another model": (lambda f: _edit_result(f, id="chollet_convnet"), "model.ckpt"),
    "id of no pipeline": (lambda f: _edit_result(f, id="no_such_net"), "result.json"),
    "truncated result.json": (lambda f: _halve(f / "result.json"), "result.json"),
    "result.json a list": (lambda f: (f / "result.json").write_text("[]"), "result.json"),
}


def damaged_copy(run_folder, tmp_path, damage):
    folder = tmp_path / "runs" / "chollet_dense" / "quick-seed1"
    shutil.copytree(run_folder, folder)
    DAMAGES[damage][0](folder)
    return folder


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_a_damaged_run_folder_is_named_in_one_line(run_folder, tmp_path, damage):
    from graph_cnn.tools.inference import Run

    folder = damaged_copy(run_folder, tmp_path, damage)
    before = snapshot(folder)
    with pytest.raises(GraphCnnError) as caught:
        Run(folder)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{folder / DAMAGES[damage][1]}: "), message
    assert (f"'graph-cnn reproduce chollet_dense --budget quick --first-seed 1 --out "
            f"{folder.parent.parent}'") in message
    assert snapshot(folder) == before


@pytest.mark.parametrize("command, damage", [
    ("predict", "id of another model"), ("export", "flipped data bytes"),
    ("features", "truncated index")])
def test_tools_on_a_damaged_run_say_one_line(run_folder, tmp_path, command, damage):
    folder = damaged_copy(run_folder, tmp_path, damage)
    before = snapshot(folder)
    picture = tmp_path / "seven.png"
    cv2.imwrite(str(picture), paper_picture(mnist.load_data()[1][0][0], 0))
    out = tmp_path / "out"
    args = {"predict": [picture], "export": ["--out", out], "features": ["--out", out]}[command]
    result = run_cli(command, "--run", folder, *args)
    assert result.returncode == 1 and result.stdout == ""
    (line,) = user_lines(result.stderr)
    assert line.startswith(f"graph-cnn: error: {folder / DAMAGES[damage][1]}: ")
    assert "graph-cnn reproduce chollet_dense" in line
    assert snapshot(folder) == before
    assert not out.exists() or not any(out.iterdir())  # nothing half-written
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["runs", "seven.png"] + (["out"] if out.exists() else []))


def test_export_keeps_a_users_partial_folder_and_replaces_nothing(run_folder, tmp_path):
    users = tmp_path / "model.partial"
    users.mkdir()
    (users / "notes.txt").write_text("mine\n")
    result = run_cli("export", "--run", run_folder, "--out", tmp_path / "model")
    assert result.returncode == 0, result.stderr[-2000:]
    assert (users / "notes.txt").read_text() == "mine\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model", "model.partial"]
    assert {p.name for p in (tmp_path / "model").iterdir()} == {"saved_model", "model.pb"}

    exported = snapshot(tmp_path / "model")
    again = run_cli("export", "--run", run_folder, "--out", tmp_path / "model")
    assert again.returncode == 1
    (line,) = user_lines(again.stderr)
    assert line == (f"graph-cnn: error: {tmp_path / 'model'}: exists and is not empty; choose a "
                    f"new --out folder (export replaces nothing)")
    assert snapshot(tmp_path / "model") == exported


def paper_picture(image28, seed, size=(300, 420)):
    """An MNIST digit as a photo shows it: dark ink on light, noisy paper, large."""
    rng = np.random.RandomState(seed)
    ink = cv2.resize(image28, (190, 190), interpolation=cv2.INTER_CUBIC).astype(np.float32)
    paper = np.full(size, 225.0) + rng.normal(0, 6, size)
    top, left = 30 + seed % 50, 40 + (seed * 37) % 150
    paper[top:top + 190, left:left + 190] -= ink * 0.8
    return np.clip(paper, 0, 255).astype(np.uint8)


def boxed(image28, seed):
    """A digit written inside a drawn box, as on a form."""
    return cv2.rectangle(paper_picture(image28, seed), (20, 15), (400, 285), 30, 8)


def noise(seed, size=(200, 200)):
    return np.random.RandomState(seed).randint(0, 256, size).astype(np.uint8)


def png_header_only(path, width, height):
    """A PNG whose header declares ``width`` x ``height`` grey pixels, with almost no data."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))
    path.write_bytes(b"\x89PNG\r\n\x1a\n"
                     + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(b"\0" * 1000)) + chunk(b"IEND", b""))
    return path


def test_predict_refuses_a_huge_header_and_still_answers_the_others(run_folder, tmp_path):
    (_, _), (x_test, y_test) = mnist.load_data()
    seven = x_test[np.flatnonzero(y_test == 7)[0]]
    cv2.imwrite(str(tmp_path / "good7.png"), paper_picture(seven, 1))
    cv2.imwrite(str(tmp_path / "good7.jpg"), paper_picture(seven, 2))
    cv2.imwrite(str(tmp_path / "noise.png"), noise(0))
    cv2.imwrite(str(tmp_path / "boxed7.png"), boxed(seven, 3))
    huge = png_header_only(tmp_path / "huge.png", 100000, 100000)
    names = ["good7.png", "huge.png", "good7.jpg", "noise.png", "boxed7.png"]
    before = snapshot(tmp_path)
    result = run_cli("predict", "--run", run_folder, *(tmp_path / n for n in names),
                     "--save-input", tmp_path / "seen")
    assert result.returncode == 1
    warning, line = user_lines(result.stderr)
    assert warning.startswith(f"graph-cnn: warning: {run_folder} is a quick run")
    assert line.startswith(f"graph-cnn: error: {huge}: its header declares ")
    answers = dict(line.split(": ", 1) for line in result.stdout.splitlines())
    assert list(answers) == [str(tmp_path / n) for n in names if n != "huge.png"]
    for name in ("good7.png", "good7.jpg"):
        assert answers[str(tmp_path / name)][0].isdigit(), answers
    for name in ("noise.png", "boxed7.png"):
        assert answers[str(tmp_path / name)].startswith("not a digit ("), answers
    seen = sorted(p.name for p in (tmp_path / "seen").iterdir())
    assert seen == sorted(f"{n}_28x28.png" for n in names if n != "huge.png")
    assert all(cv2.imread(str(tmp_path / "seen" / n), 0).shape == (28, 28) for n in seen)
    assert all((tmp_path / name).read_bytes() == data for name, data in before.items())

    answer_only = run_cli("predict", "--run", run_folder, tmp_path / "noise.png")
    assert answer_only.returncode == 0 and len(user_lines(answer_only.stderr)) == 1  # quick
    assert answer_only.stdout.startswith(f"{tmp_path / 'noise.png'}: not a digit (")


def test_header_is_read_before_decoding(tmp_path):
    over = png_header_only(tmp_path / "over.png", 12000, 11000)  # 132 megapixels
    with pytest.raises(DataError, match=r"over.png: its header declares 12000x11000 = 132 "):
        digits.read_grey(over)
    assert digits.header(png_header_only(tmp_path / "ok.png", 3000, 2000)) == (3000, 2000,
                                                                               False)
    assert digits.header(tmp_path / "over.png.txt") is None  # no such file: OpenCV's to say


def test_a_large_picture_is_shrunk_while_decoding(tmp_path):
    import subprocess
    import sys

    picture = np.full((10000, 10000), 230, np.uint8)
    picture[3000:7000, 4000:6000] = 20  # a "1"
    cv2.imwrite(str(tmp_path / "big.png"), picture)
    del picture
    code = ("import resource, sys\n"
            "from graph_cnn.tools import digits\n"
            "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
            "image = digits.load_digit(sys.argv[1]) if len(sys.argv) > 1 else None\n"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)\n")
    used = subprocess.run([sys.executable, "-c", code, str(tmp_path / "big.png")],
                          capture_output=True, text=True, check=True)
    megabytes = int(used.stdout) / 1024
    assert megabytes < 400, megabytes  # 100 MB of pixels; decoded whole as floats: ~2.9 GB


def test_not_a_digit_check_rates():
    """Calibrated on MNIST training digits: MNIST test digits pass (~99%); noise, a digit in a
    box and a grid of text lines do not; pictures of real digits do."""
    check = digit_check.load(mnist_source())
    (_, _), (x_test, y_test) = mnist.load_data()
    answers = []
    for image in x_test[:2000]:
        try:
            answers.append(check.reason(digits.to_mnist(image.astype(np.float32) / 255)))
        except DataError:
            continue
    accepted = sum(a is None for a in answers) / len(answers)
    assert accepted >= 0.985, accepted

    def rejected(pictures):
        return sum(check.reason(digits.to_mnist(p.astype(np.float32) / 255)) is not None
                   for p in pictures)

    assert rejected(noise(seed) for seed in range(20)) == 20
    gaussian = (np.clip(128 + np.random.RandomState(s).normal(0, 50, (120, 160)), 0, 255)
                for s in range(20))
    assert rejected(gaussian) == 20
    sevens = x_test[np.flatnonzero(y_test == 7)[:10]]
    assert rejected(boxed(s, i) for i, s in enumerate(sevens)) >= 9
    assert rejected(paper_picture(x_test[5000 + 7 * i], i) for i in range(50)) == 0


def test_damaged_check_cache_is_built_again(tmp_path):
    path = tmp_path / "check.npz"
    path.write_bytes(b"PK\x03\x04 not a zip")
    assert digit_check._read(path) is None


def test_save_input_names_never_collide():
    names = save_names(["a/good7.png", "good7.jpg", "b/good7.png", "a/good7.png"])
    assert names == {"a/good7.png": "good7.png_28x28.png", "good7.jpg": "good7.jpg_28x28.png",
                     "b/good7.png": "good7.png_2_28x28.png"}


@pytest.mark.parametrize("command", ["predict", "features", "export"])
def test_an_output_folder_under_a_file_is_one_line_before_any_work(run_folder, tmp_path,
                                                                   command):
    blocker = tmp_path / "a-file"
    blocker.write_text("mine\n")
    target = blocker / "sub"
    picture = tmp_path / "seven.png"
    cv2.imwrite(str(picture), paper_picture(mnist.load_data()[1][0][0], 0))
    args = (["--save-input", target, picture] if command == "predict" else ["--out", target])
    result = run_cli(command, "--run", run_folder, *args)
    assert result.returncode == 1 and result.stdout == ""
    (line,) = user_lines(result.stderr)
    flag = "--save-input" if command == "predict" else "--out"
    assert line.startswith(f"graph-cnn: error: {target}: cannot be ")
    assert flag in line and "choose another" in line
    assert blocker.read_text() == "mine\n"


def test_a_failed_features_command_leaves_no_empty_out_folder(run_folder, tmp_path):
    out = tmp_path / "new" / "maps"
    result = run_cli("features", "--run", run_folder, "--out", out, "--data-dir",
                     tmp_path / "no-mnist")
    assert result.returncode == 1
    (line,) = user_lines(result.stderr)
    assert str(tmp_path / "no-mnist") in line
    assert not (tmp_path / "new").exists()  # the folders it made for --out are gone again


def test_save_input_pngs_take_the_users_umask(run_folder, tmp_path):
    picture = tmp_path / "seven.png"
    cv2.imwrite(str(picture), paper_picture(mnist.load_data()[1][0][0], 0))
    saved = tmp_path / "saved"
    result = run_cli("predict", "--run", run_folder, "--save-input", saved, picture)
    assert result.returncode == 0, result.stderr[-2000:]
    (png,) = saved.iterdir()
    import os

    umask = os.umask(0)
    os.umask(umask)
    assert png.stat().st_mode & 0o777 == 0o666 & ~umask  # as open() leaves a file, not 0600
    assert [p.name for p in saved.iterdir()] == ["seven.png_28x28.png"]  # nothing temporary


def test_an_error_names_the_users_path_not_our_temporary_one(tmp_path):
    """A plot path that is a folder: the error names it, never the private name beside it."""
    committed = tmp_path / "diff.png"
    committed.mkdir()
    result = run_cli("compare", "--committed", "--plot", committed)
    assert result.returncode == 1
    (line,) = user_lines(result.stderr)
    assert line.startswith(f"graph-cnn: error: {committed}: Is a directory")
    assert ".tmp" not in line and list(tmp_path.iterdir()) == [committed]
