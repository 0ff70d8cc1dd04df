import gzip
import shutil

import numpy as np
import pytest
from conftest import run_cli

from graph_cnn.data import mnist
from graph_cnn.errors import DataError

NAMES = list(mnist.FILES)


def raw_copy(src, dst):
    """Decompressed copies of the four files in ``dst``."""
    dst.mkdir(exist_ok=True)
    for name in NAMES:
        (dst / name).write_bytes(gzip.decompress((src / (name + ".gz")).read_bytes()))
    return dst


def gz_copy(src, dst):
    dst.mkdir(parents=True, exist_ok=True)
    for name in NAMES:
        shutil.copy(src / (name + ".gz"), dst / (name + ".gz"))
    return dst


@pytest.mark.smoke
def test_load_data_shapes_and_canonical_first_labels(mnist_dir):
    (x_train, y_train), (x_test, y_test) = mnist.load_data(mnist_dir)
    assert x_train.shape == (60000, 28, 28) and x_train.dtype == np.uint8
    assert x_test.shape == (10000, 28, 28) and y_test.shape == (10000,)
    assert y_train[:5].tolist() == [5, 0, 4, 1, 9]
    assert y_test[:3].tolist() == [7, 2, 1]
    assert np.bincount(y_train).tolist()[:2] == [5923, 6742]


def test_raw_and_gzip_copies_both_verify(mnist_dir, tmp_path):
    assert set(mnist.verify_dir(mnist_dir)) == set(NAMES)
    raw = raw_copy(mnist_dir, tmp_path / "raw")
    found = mnist.verify_dir(raw)
    assert all(not str(p).endswith(".gz") for p in found.values())
    np.testing.assert_array_equal(mnist.load_data(raw)[1][1], mnist.load_data(mnist_dir)[1][1])


def _payload(mnist_dir, name="t10k-labels-idx1-ubyte"):
    return bytearray(gzip.decompress((mnist_dir / (name + ".gz")).read_bytes()))


@pytest.mark.parametrize("damage, expected", [
    ("missing", "missing"),
    ("truncated_gzip", "truncated gzip stream"),
    ("not_gzip", "not a gzip file"),
    ("truncated_raw", "truncated"),
    ("wrong_magic", "wrong magic number"),
    ("wrong_dims", "dimensions"),
    ("wrong_digest", "does not match the canonical"),
    ("trailing", "trailing data"),
])
def test_each_damage_has_its_own_one_line_error(mnist_dir, tmp_path, damage, expected):
    folder = gz_copy(mnist_dir, tmp_path / "d")
    name = "t10k-labels-idx1-ubyte"
    gz = folder / (name + ".gz")
    payload = _payload(mnist_dir)
    if damage == "missing":
        gz.unlink()
    elif damage == "truncated_gzip":
        gz.write_bytes(gz.read_bytes()[:-200])
    elif damage == "not_gzip":
        gz.write_bytes(bytes(payload))
    else:
        gz.unlink()
        if damage == "truncated_raw":
            payload = payload[:-10]
        elif damage == "wrong_magic":
            payload[3] = 0x03
        elif damage == "wrong_dims":
            payload[4:8] = (9999).to_bytes(4, "big")
        elif damage == "wrong_digest":
            payload[100] = (payload[100] + 1) % 10
        elif damage == "trailing":
            payload += b"\0"
        (folder / name).write_bytes(bytes(payload))
    with pytest.raises(DataError) as info:
        mnist.verify_dir(folder)
    message = str(info.value)
    assert expected in message and name in message and "\n" not in message
    assert "--data-dir" in message  # says what to do


def test_locate_order_explicit_then_env_then_cache(mnist_dir, tmp_path, monkeypatch):
    explicit = gz_copy(mnist_dir, tmp_path / "explicit")
    assert mnist.locate(explicit) == explicit
    assert mnist.locate() == mnist_dir  # from GRAPH_CNN_DATA
    monkeypatch.delenv("GRAPH_CNN_DATA")
    cache = mnist.cache_dir()
    gz_copy(mnist_dir, cache)
    assert mnist.locate(allow_download=False) == cache


@pytest.mark.smoke
def test_offline_without_data_says_where_it_looked(monkeypatch):
    monkeypatch.delenv("GRAPH_CNN_DATA")
    with pytest.raises(DataError, match="looked in .*graph_cnn/mnist.*--data-dir"):
        mnist.locate(allow_download=False)


def test_bad_explicit_folder_is_not_silently_replaced(tmp_path):
    with pytest.raises(DataError, match="no such folder"):
        mnist.locate(tmp_path / "nope")


def test_download_verifies_then_renames(mnist_dir, tmp_path, monkeypatch):
    bad = tmp_path / "bad_mirror"
    bad.mkdir()
    for name in NAMES:  # a mirror serving damaged copies
        (bad / (name + ".gz")).write_bytes(gzip.compress(b"\0\0\x08\x03garbage"))
    good = gz_copy(mnist_dir, tmp_path / "good_mirror")
    dead = "file://" + str(tmp_path / "no_such_mirror") + "/"
    target = tmp_path / "cache"
    mnist.download(target, mirrors=(dead, bad.as_uri() + "/", good.as_uri() + "/"),
                   retries=2, backoff=0)
    assert sorted(p.name for p in target.iterdir()) == sorted(n + ".gz" for n in NAMES)
    mnist.verify_dir(target)


def test_failed_download_leaves_nothing_behind(tmp_path):
    bad = tmp_path / "bad_mirror"
    bad.mkdir()
    for name in NAMES:
        (bad / (name + ".gz")).write_bytes(b"not gzip at all")
    target = tmp_path / "cache"
    with pytest.raises(DataError, match="could not download .*not a gzip file"):
        mnist.download(target, mirrors=(bad.as_uri() + "/",), retries=1, backoff=0)
    assert list(target.iterdir()) == []


def test_cli_data_reports_four_verified_files(mnist_dir):
    result = run_cli("data", "--data-dir", mnist_dir)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count(" ok") == 4 and "all four files verified" in result.stdout


def test_cli_data_refuses_truncated_copy_in_one_line(mnist_dir, tmp_path):
    folder = gz_copy(mnist_dir, tmp_path / "d")
    target = folder / "train-images-idx3-ubyte.gz"
    target.write_bytes(target.read_bytes()[: 1 << 20])
    result = run_cli("data", "--data-dir", folder)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "train-images-idx3-ubyte.gz" in lines[0]
    assert "truncated" in lines[0]


def test_cache_under_a_file_is_one_line_before_any_download(tmp_path):
    from stderr_lines import user_lines

    blocker = tmp_path / "cache-is-a-file"
    blocker.write_text("mine\n")
    result = run_cli("data", env={"XDG_CACHE_HOME": str(blocker), "GRAPH_CNN_DATA": ""})
    assert result.returncode == 1 and result.stdout == ""
    (line,) = user_lines(result.stderr)
    assert line.startswith(f"graph-cnn: error: {blocker / 'graph_cnn' / 'mnist'}: ")
    assert "XDG_CACHE_HOME" in line and "--data-dir" in line and "GRAPH_CNN_DATA" in line
    assert blocker.read_text() == "mine\n"  # the user's file is left as it was


def test_unwritable_cache_is_one_line(tmp_path, monkeypatch):
    import errno

    from graph_cnn import fileio

    def refuse(*args, **kwargs):  # root writes anywhere: the refusal is simulated
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.delenv("GRAPH_CNN_DATA")
    monkeypatch.setattr(fileio, "probe_writable", refuse)
    with pytest.raises(DataError) as info:
        mnist.locate()
    message = str(info.value)
    assert message.startswith(f"{mnist.cache_dir()}: ") and "Permission denied" in message
    assert "\n" not in message and "--data-dir" in message
