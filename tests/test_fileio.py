"""Atomic writes: private temporary names, the user's umask, nothing half-written on failure."""

import errno
import json
import os
import stat

import pytest

from graph_cnn import fileio
from graph_cnn.errors import GraphCnnError


@pytest.mark.smoke
def test_write_text_and_json_replace_the_file_whole_with_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        path = fileio.write_text(tmp_path / "a.txt", "first")
        fileio.write_json(tmp_path / "a.txt", {"id": "x", "records": [{"epoch": 1}, {"epoch": 2}]})
    finally:
        os.umask(old)
    assert json.loads(path.read_text()) == {"id": "x", "records": [{"epoch": 1}, {"epoch": 2}]}
    assert stat.S_IMODE(path.stat().st_mode) == 0o644  # not mkstemp's 0600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


def test_write_bytes_makes_missing_folders(tmp_path):
    path = fileio.write_bytes(tmp_path / "x" / "y" / "b.bin", b"\0\1")
    assert path.read_bytes() == b"\0\1"


@pytest.mark.smoke
def test_a_failing_writer_leaves_the_old_file_and_no_temporary(tmp_path):
    path = fileio.write_text(tmp_path / "keep.json", "old")
    with pytest.raises(RuntimeError):
        with fileio.atomic_path(path) as tmp:
            tmp.write_text("half")
            raise RuntimeError("writer failed")
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.json"]


def test_temporary_names_are_private_and_keep_the_extension(tmp_path):
    names = {fileio.temporary_name(tmp_path / "curves.png") for _ in range(50)}
    assert len(names) == 50
    for name in names:
        assert name.parent == tmp_path and name.name.startswith(".curves.png.")
        assert str(os.getpid()) in name.name and name.suffix == ".png"


def test_no_space_left_is_one_line_naming_the_file_and_nothing_is_left(tmp_path, monkeypatch):
    real_replace = os.replace

    def full_disk(src, dst):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(fileio.OutputError) as caught:
        fileio.write_json(tmp_path / "result.json", {"a": 1})
    monkeypatch.setattr(os, "replace", real_replace)
    message = str(caught.value)
    assert message == (f"no space left on device writing {tmp_path / 'result.json'}; free space "
                       f"and run the same command again")
    assert "\n" not in message and not list(tmp_path.iterdir())
    again = caught.value.resuming("run the same command again to resume")
    assert str(again).endswith("free space and run the same command again to resume")


def test_tensorflow_errors_that_say_the_disk_is_full_become_output_errors(tmp_path):
    import tensorflow as tf

    exc = tf.errors.ResourceExhaustedError(None, None, "model.data; No space left on device")
    error = fileio.output_error(tmp_path / "model.ckpt", exc)
    assert isinstance(error, fileio.OutputError) and error.reason == "no space left on device"
    assert fileio.output_error(tmp_path, ValueError("shape mismatch")) is None


def test_scratch_folder_is_removed_whatever_happens(tmp_path):
    with fileio.scratch_folder(tmp_path / "model.ckpt") as tmp:
        (tmp / "a").write_text("x")
        assert tmp.is_dir()
    with pytest.raises(KeyError):
        with fileio.scratch_folder(tmp_path / "model.ckpt") as tmp:
            raise KeyError("x")
    assert not list(tmp_path.iterdir())


def test_a_file_in_the_way_of_a_folder_is_one_line(tmp_path):
    (tmp_path / "notes").write_text("mine")
    with pytest.raises(GraphCnnError) as caught:
        fileio.write_text(tmp_path / "notes" / "sub" / "a.md", "x")
    assert str(caught.value).startswith(f"{tmp_path / 'notes'} is a file, not a folder")
    assert (tmp_path / "notes").read_text() == "mine"
