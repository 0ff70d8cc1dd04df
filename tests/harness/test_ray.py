"""``graph-cnn reproduce --ray``: runs as Ray tasks on a two-node cluster of this machine (real
``ray start`` nodes on 127.0.0.1, started and stopped here), the same numbers as local runs, a
node killed mid-way, a local Ray of its own; and the packing of run folders."""

import importlib.util
import io
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT

from graph_cnn.errors import GraphCnnError
from graph_cnn.harness import ray_backend
from graph_cnn.verify.ray_cluster import LocalCluster, command_line, descendants

TIMING = ("seconds", "images_per_sec")  # the fields of a record that time, not compute


def _need_ray():
    """Ray tests skip where ray is not installed; CI (GRAPH_CNN_REQUIRE_RAY=1) fails instead."""
    if importlib.util.find_spec("ray") is None:
        message = "ray is not installed (pip install -e '.[ray]')"
        if os.environ.get("GRAPH_CNN_REQUIRE_RAY"):
            pytest.fail(message)
        pytest.skip(message)
    if not sys.platform.startswith("linux"):
        pytest.skip("the test cluster reads /proc (Linux)")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    _need_ray()
    nodes = LocalCluster(tmp_path_factory.mktemp("ray"))
    try:
        nodes.add_node(cpus=1)  # the head
        nodes.add_node(cpus=1)
        yield nodes
    finally:
        processes = [pid for node in nodes.nodes for pid in node.processes()]
        nodes.stop()
        left = [pid for pid in processes if command_line(pid)]  # zombies have no command line
        assert not left, f"Ray processes left after stopping the cluster: {left}"


def _cli(*args, env=None, timeout=900):
    return subprocess.run([sys.executable, "-m", "graph_cnn", *map(str, args)],
                          capture_output=True, text=True, timeout=timeout, cwd=ROOT,
                          env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", **(env or {})))


def _complete(out, expected):
    """Every expected run folder is complete, and nothing temporary is left under ``out``."""
    found = sorted(str(p.parent.relative_to(out)) for p in Path(out).glob("*/*/result.json"))
    assert found == sorted(expected)
    for name in found:
        assert (Path(out) / name / "model.ckpt.index").is_file()
        assert json.loads((Path(out) / name / "result.json").read_text())["status"] in (
            "ok", "diverged")
    leftovers = [p for p in Path(out).rglob("*") if p.name.startswith(".")
                 or p.name.endswith(".partial")]
    assert not leftovers, leftovers


def _same_run(a, b):
    """Two run folders hold the same training, bit for bit: records (timing aside), final
    figures, status and every checkpoint variable."""
    import tensorflow as tf

    ra, rb = (json.loads((d / "result.json").read_text()) for d in (a, b))
    strip = lambda records: [{k: v for k, v in r.items() if k not in TIMING}  # noqa: E731
                             for r in records]
    assert strip(ra["records"]) == strip(rb["records"]) and ra["records"]
    assert ra["final"] == rb["final"] and ra["status"] == rb["status"]
    ca, cb = (tf.train.load_checkpoint(str(d / "model.ckpt")) for d in (a, b))
    names = sorted(ca.get_variable_to_shape_map())
    assert names == sorted(cb.get_variable_to_shape_map()) and names
    for name in names:
        assert np.array_equal(ca.get_tensor(name), cb.get_tensor(name)), name
    assert ra["provenance"]["commit"] == rb["provenance"]["commit"]
    assert ra["provenance"]["threads"] == rb["provenance"]["threads"] == 1


MATRIX = ["chollet_dense/quick-seed2", "lenet_avgpool/quick-seed2"]


def test_two_nodes_train_the_matrix_as_local_runs_do(cluster, tmp_path):
    ray_out, local_out = tmp_path / "ray", tmp_path / "local"
    args = ("reproduce", "chollet_dense", "lenet_avgpool", "--first-seed", "2")
    result = _cli(*args, "--ray", cluster.address, "--out", ray_out, env=cluster.env)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    assert f"== Ray at {cluster.address}: 2 CPU(s) on 2 node(s); 2 runs" in result.stdout
    assert result.stderr == ""  # none of Ray's log lines without --verbose
    lines = [line for line in result.stdout.splitlines() if line.startswith("[")]
    assert [line[:5] for line in lines] == ["[1/2]", "[2/2]"]
    assert len({line.rsplit("(node ", 1)[1] for line in lines}) == 2  # both nodes trained
    _complete(ray_out, MATRIX)

    local = _cli(*args, "--threads", "1", "--out", local_out)
    assert local.returncode == 0, local.stderr[-3000:]
    for name in MATRIX:
        _same_run(ray_out / name, local_out / name)

    before = {p: p.stat().st_mtime_ns for p in ray_out.rglob("*")}
    again = _cli(*args, "--ray", cluster.address, "--out", ray_out, env=cluster.env)
    assert again.returncode == 0, again.stderr[-3000:]
    assert "== 0 runs" in again.stdout and "2 finished before, skipped" in again.stdout
    assert {p: p.stat().st_mtime_ns for p in ray_out.rglob("*")} == before


def test_a_worker_node_killed_mid_way_loses_no_run(cluster, tmp_path):
    victim = cluster.add_node(cpus=1)
    runs = [f"{pid}/quick-seed{seed}" for pid in ("chollet_dense", "lenet_avgpool")
            for seed in (1, 2, 3)]
    driver = subprocess.Popen(
        [sys.executable, "-m", "graph_cnn", "reproduce", "chollet_dense", "lenet_avgpool",
         "--seeds", "3", "--ray", cluster.address, "--out", str(tmp_path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
        env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", **cluster.env))
    try:
        deadline = time.monotonic() + 300
        while not victim.busy_workers():  # a run is training on the victim: kill the node
            assert driver.poll() is None, driver.communicate()
            assert time.monotonic() < deadline, "no run was placed on the third node"
            time.sleep(0.2)
        time.sleep(2)
        victim.kill()
        out, err = driver.communicate(timeout=900)
    finally:
        if driver.poll() is None:
            driver.kill()
    assert driver.returncode == 0, out[-2000:] + err[-3000:]
    assert "retried after losing the worker on node(s)" in out, out
    _complete(tmp_path, runs)
    assert len([line for line in out.splitlines() if line.startswith("[")]) == 6


def test_interrupting_the_driver_stops_its_runs(cluster, tmp_path):
    import signal

    started = time.time()
    driver = subprocess.Popen(
        [sys.executable, "-m", "graph_cnn", "reproduce", "lenet5_relu", "lenet5_sigmoid", "--ray",
         cluster.address, "--out", str(tmp_path)], stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, cwd=ROOT,
        env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", **cluster.env))

    def training():
        return [pid for node in cluster.nodes for pid in descendants(node.process.pid)
                if "graph_cnn.harness.child" in command_line(pid)]
    try:
        deadline = time.monotonic() + 300
        while not training():
            assert driver.poll() is None, driver.communicate()
            assert time.monotonic() < deadline, "no run started"
            time.sleep(0.2)
        driver.send_signal(signal.SIGINT)
        out, err = driver.communicate(timeout=120)
    finally:
        if driver.poll() is None:
            driver.kill()
    assert driver.returncode == 130 and err.strip().splitlines()[-1] == "graph-cnn: interrupted"
    deadline = time.monotonic() + 30
    while training() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not training(), "runs still training after the driver was interrupted"
    assert not list(tmp_path.rglob("result.json"))
    assert not [p for p in tmp_path.rglob("*") if p.name.startswith(".")]
    assert not [p for p in Path(tempfile.gettempdir()).glob(f"{ray_backend.RUN_PREFIX}*")
                if p.stat().st_mtime > started], "a cancelled run's folder is left on its node"


def test_a_failing_run_is_one_line_per_run(cluster, tmp_path):
    result = _cli("reproduce", "chollet_dense", "--ray", cluster.address, "--data-dir",
                  tmp_path / "missing", "--out", tmp_path / "out", env=cluster.env)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert (f"chollet_dense seed 1: failed (exit 1: graph-cnn: error: {tmp_path / 'missing'} "
            f"(from --data-dir): no such folder") in result.stdout
    assert result.stderr.strip().splitlines()[-1] == (
        "graph-cnn: error: 1 of 1 run(s) failed: chollet_dense seed 1")
    # the runs folder is checked (and made) before work starts; no run folder is left in it
    assert not list((tmp_path / "out").glob("chollet_dense/*"))


def test_a_local_ray_of_its_own(tmp_path):
    _need_ray()
    home = tmp_path / "home"
    home.mkdir()
    before = set(Path(tempfile.gettempdir()).glob("graph_cnn-ray-*"))
    result = subprocess.run(
        [sys.executable, "-m", "graph_cnn", "reproduce", "chollet_dense", "--ray", "--out",
         str(tmp_path / "out")], capture_output=True, text=True, timeout=900, cwd=ROOT,
        env={k: v for k, v in dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", HOME=str(home)).items()
             if not k.startswith("RAY_")})
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    assert "== Ray at local: " in result.stdout and "[1/1] chollet_dense seed 1: ok" in (
        result.stdout)
    _complete(tmp_path / "out", ["chollet_dense/quick-seed1"])
    assert not (home / ".ray").exists()  # a token of its own, nothing in ~/.ray
    assert set(Path(tempfile.gettempdir()).glob("graph_cnn-ray-*")) == before  # logs removed


def _closed_port():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens once it is closed


def test_a_dead_address_is_one_line_in_seconds(tmp_path):
    """Nothing listening at the address: one line of ours (none of Ray's) within seconds, before
    any work, and no runs folder made."""
    _need_ray()
    address = f"127.0.0.1:{_closed_port()}"
    start = time.monotonic()
    result = _cli("reproduce", "chollet_dense", "--ray", address, "--out", tmp_path / "out",
                  timeout=120)
    assert time.monotonic() - start < 15
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.splitlines() == [(
        f"graph-cnn: error: no Ray cluster answers at {address}; start one with `ray start "
        f"--head` or drop --ray")]
    assert not (tmp_path / "out").exists()


def test_a_cluster_lost_mid_run_is_one_line_naming_the_unfinished_runs(tmp_path,
                                                                      tmp_path_factory):
    """The head killed while a run trains: one line naming the runs not finished, within
    LOST_SECONDS and Ray's shutdown, and nothing empty left under --out (a run lands there
    only whole, so the next command trains the unfinished ones, locally or with --ray)."""
    _need_ray()
    cluster = LocalCluster(tmp_path_factory.mktemp("lost"))  # short: Ray's socket paths
    try:
        head = cluster.add_node(cpus=1)
        driver = subprocess.Popen(
            [sys.executable, "-m", "graph_cnn", "reproduce", "lenet5_relu", "chollet_dense",
             "--ray", cluster.address, "--out", str(tmp_path / "out")],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
            env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", **cluster.env))
        try:
            deadline = time.monotonic() + 300
            while not head.busy_workers():
                assert driver.poll() is None, driver.communicate()
                assert time.monotonic() < deadline, "no run started"
                time.sleep(0.2)
            head.kill()
            lost = time.monotonic()
            out, err = driver.communicate(timeout=120)
        finally:
            if driver.poll() is None:
                driver.kill()
    finally:
        cluster.stop()
    assert time.monotonic() - lost < ray_backend.LOST_SECONDS + 30
    assert driver.returncode == 1, out[-2000:] + err[-3000:]
    (line,) = err.splitlines()
    assert line.startswith(f"graph-cnn: error: the Ray cluster at {cluster.address} stopped "
                           f"answering; 2 run(s) not finished: ")
    assert "lenet5_relu seed 1" in line and "chollet_dense seed 1" in line
    assert not (tmp_path / "out").exists()


def _tar(members):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def test_a_packed_run_lands_whole_or_not_at_all(tmp_path):
    source = tmp_path / "src"
    (source / "sub").mkdir(parents=True)
    (source / "result.json").write_text("{}")
    (source / "sub" / "events").write_bytes(b"\0\1")
    target = tmp_path / "out" / "x" / "quick-seed1"
    target.mkdir(parents=True)
    (target / "stale").write_text("from an unfinished run")
    ray_backend.unpack(ray_backend.pack(source), target)
    assert sorted(str(p.relative_to(target)) for p in target.rglob("*")) == [
        "result.json", "sub", "sub/events"]
    assert (target / "sub" / "events").read_bytes() == b"\0\1"
    for bad, message in ((_tar({"../evil": b"x", "result.json": b"{}"}), "not a plain file"),
                         (_tar({"model.ckpt.index": b"x"}), "has no result.json")):
        other = tmp_path / "out" / "y" / "quick-seed1"
        with pytest.raises(GraphCnnError, match=message):
            ray_backend.unpack(bad, other)
        assert list((tmp_path / "out" / "y").iterdir()) == []  # nothing half-written
    assert not (tmp_path / "out" / "evil").exists()


def test_addresses():
    assert ray_backend.is_loopback(None) and ray_backend.is_loopback("local")
    assert ray_backend.is_loopback("127.0.0.1:6379") and ray_backend.is_loopback("localhost:1")
    assert not ray_backend.is_loopback("10.0.0.5:6379") and not ray_backend.is_loopback("auto")
