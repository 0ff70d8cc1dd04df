"""The scheduling core both --jobs and --ray use (longest first, threads per run, finished runs
skipped, one line per run), --device, and --jobs's handling of signals and failed children."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from conftest import ROOT

from graph_cnn import reproductions
from graph_cnn.errors import GraphCnnError
from graph_cnn.harness import devices, schedule
from graph_cnn.verify.ray_cluster import command_line, descendants


def _write_result(folder, status="ok", acc=0.97, seconds=12.0):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "result.json").write_text(json.dumps(
        {"status": status, "final": {"test_acc": acc}, "provenance": {"seconds": seconds}}))


REGISTRY = reproductions.__name__


def _matrix(out, budget="quick", seeds=(1,), ids=("chollet_dense",), **fields):
    return schedule.matrix(ids, budget, seeds, out, registry=REGISTRY, **fields)


def test_plan_runs_longest_first_and_skips_finished_runs(tmp_path):
    ids = ("chollet_dense", "barter_selu_bn_aug", "lenet5_sigmoid")
    _write_result(tmp_path / "chollet_dense" / "full-seed2")
    (tmp_path / "lenet5_sigmoid" / "full-seed1").mkdir(parents=True)  # no result.json: unfinished
    todo, skipped = schedule.plan(_matrix(tmp_path, "full", [1, 2], ids))
    assert [r.label for r in skipped] == ["chollet_dense seed 2"]
    assert [r.label for r in todo] == ["barter_selu_bn_aug seed 1", "barter_selu_bn_aug seed 2",
                                       "lenet5_sigmoid seed 1", "lenet5_sigmoid seed 2",
                                       "chollet_dense seed 1"]
    assert [r.cost for r in todo] == sorted((r.cost for r in todo), reverse=True)
    forced, none = schedule.plan(_matrix(tmp_path, "full", [1, 2], ids, force=True))
    assert len(forced) == 6 and none == []


def test_threads_per_run_share_the_cpus_unless_given():
    assert schedule.threads_per_run(None, 2, cpus=2) == 1
    assert schedule.threads_per_run(None, 4, cpus=2) == 1
    assert schedule.threads_per_run(None, 2, cpus=16) == 8
    assert schedule.threads_per_run(3, 2, cpus=2) == 3


def test_a_request_is_data_that_travels_as_json(tmp_path):
    (request,) = _matrix("out", seeds=[4], ids=["lenet5_relu"], data_dir="/d", threads=1,
                         device="cpu", force=True)
    again = schedule.RunRequest.from_json(request.to_json())
    assert again == request and again.label == "lenet5_relu seed 4"
    assert str(again.folder) == "out/lenet5_relu/quick-seed4"
    assert again.load() is reproductions.get("lenet5_relu")
    command, env = schedule.child_command(request)
    assert command[1:3] == ["-m", "graph_cnn.harness.child"]  # not the command line's parser
    assert schedule.RunRequest.from_json(command[3]) == request
    assert env == {schedule.PARENT: str(os.getpid())}
    with pytest.raises(GraphCnnError, match="not a run request"):
        schedule.RunRequest.from_json('{"pipeline": "x", "colour": 1}')
    with pytest.raises(GraphCnnError, match="unknown pipeline id 'nope'"):
        _matrix("out", ids=["nope"])[0].load()


def test_a_child_trains_a_request_file_and_fails_in_one_line(tmp_path):
    """``python -m graph_cnn.harness.child REQUEST.json`` trains the run as a serial run does;
    a bad request is one line and exit 1."""
    (request,) = _matrix(tmp_path / "out", threads=1)
    path = tmp_path / "request.json"
    path.write_text(request.to_json())
    done = subprocess.run([sys.executable, "-m", "graph_cnn.harness.child", str(path)],
                          capture_output=True, text=True, timeout=600, cwd=ROOT, check=False,
                          env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2"))
    assert done.returncode == 0, done.stderr[-2000:]
    assert "== chollet_dense seed 1: ok" in done.stdout and done.stderr == ""
    assert json.loads((request.folder / "result.json").read_text())["provenance"]["threads"] == 1
    bad = subprocess.run([sys.executable, "-m", "graph_cnn.harness.child", '{"pipeline": 1}'],
                         capture_output=True, text=True, timeout=60, cwd=ROOT, check=False)
    assert bad.returncode == 1 and bad.stderr.startswith("graph-cnn: error: not a run request")


def test_outcomes_are_one_line_each_and_failures_raise(tmp_path):
    ok, bad, gone = _matrix(tmp_path, seeds=(1, 2, 3))
    _write_result(ok.folder, acc=0.9712, seconds=4.2)
    _write_result(bad.folder, status="diverged", acc=0.1)
    outcomes = [schedule.read_outcome(r, "node abc") for r in (ok, bad, gone)]
    assert outcomes[0].line() == ("chollet_dense seed 1: ok, test accuracy 0.9712, "
                                  "4s training (node abc)")
    assert outcomes[1].status == "diverged" and outcomes[2].status == "failed"
    lines = []
    with schedule.Progress(3, lines.append, show=False) as bar:
        for outcome in outcomes:
            bar.done(outcome)
    assert lines[0].startswith("[1/3] chollet_dense seed 1: ok") and lines[2].startswith("[3/3]")
    with pytest.raises(GraphCnnError, match=r"1 of 3 run\(s\) failed: chollet_dense seed 3$"):
        schedule.summarize(outcomes, [ok], 5.0, "2 at a time", lines.append)
    assert "finished before, skipped (result.json present): chollet_dense seed 1" in lines[3]
    assert lines[-1].startswith("== failed: chollet_dense seed 3: failed")
    assert schedule.summarize(outcomes[:2], [], 1.0, "x", lines.append) == ["chollet_dense seed 2"]


def test_device_environment_and_resolution(monkeypatch):
    assert devices.environment("cpu") == {"CUDA_VISIBLE_DEVICES": ""}
    assert devices.environment(None) == {}
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "4,5")
    assert devices.environment("gpu", 1) == {"TF_FORCE_GPU_ALLOW_GROWTH": "true",
                                             "CUDA_VISIBLE_DEVICES": "5"}
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES")
    assert devices.environment("gpu", 0)["CUDA_VISIBLE_DEVICES"] == "0"
    assert devices.resolve("cpu") == ("cpu", 0)
    assert devices.resolve(None, gpus=0) == ("cpu", 0)
    assert devices.resolve(None, gpus=2) == ("gpu", 2)
    assert devices.resolve("gpu", gpus=1) == ("gpu", 1)
    with pytest.raises(GraphCnnError, match="TensorFlow finds no GPU"):
        devices.resolve("gpu", gpus=0)
    with pytest.raises(GraphCnnError, match="--device must be one of cpu, gpu"):
        devices.resolve("tpu")
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "")
    assert devices.count_gpus() == 0  # hidden: answered without loading TensorFlow


def _cli(*args, env=None, **popen):
    full = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", **(env or {}))
    return [sys.executable, "-m", "graph_cnn", *map(str, args)], dict(env=full, cwd=ROOT, **popen)


def _run(*args, timeout=600, env=None):
    command, options = _cli(*args, env=env)
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, **options)


def test_device_and_ray_arguments_are_checked(tmp_path):
    bad = _run("reproduce", "chollet_dense", "--device", "tpu", "--out", tmp_path)
    assert bad.returncode == 2 and "invalid choice: 'tpu'" in bad.stderr
    swallowed = _run("reproduce", "lenet5_relu", "--ray", "chollet_dense", "--out", tmp_path)
    assert swallowed.returncode == 1
    assert swallowed.stderr.strip().splitlines()[-1] == (
        "graph-cnn: error: --ray takes HOST:PORT, 'auto' or nothing, not 'chollet_dense' (to "
        "name pipeline ids, put them before --ray)")
    helped = subprocess.run([sys.executable, str(ROOT / "reproductions" / "chollet_dense.py"),
                             "--help"], capture_output=True, text=True, timeout=120)
    assert "--ray [ADDRESS]" in helped.stdout and "--device {cpu,gpu}" in helped.stdout


def test_device_cpu_trains_and_gpu_is_refused_without_one(tmp_path):
    cpu = _run("reproduce", "chollet_dense", "--device", "cpu", "--out", tmp_path)
    assert cpu.returncode == 0, cpu.stderr[-2000:]
    assert (tmp_path / "chollet_dense" / "quick-seed1" / "result.json").is_file()
    if devices.count_gpus():
        pytest.skip("TensorFlow finds a GPU here: the no-GPU refusal cannot be shown")
    gpu = _run("reproduce", "chollet_dense", "--device", "gpu", "--jobs", "2", "--out", tmp_path)
    assert gpu.returncode == 1 and gpu.stderr.strip().splitlines()[-1].startswith(
        "graph-cnn: error: --device gpu: TensorFlow finds no GPU here")


def test_a_failed_child_is_one_line_not_its_traceback(tmp_path):
    result = _run("reproduce", "chollet_dense", "lenet_avgpool", "--jobs", "2", "--data-dir",
                  tmp_path / "missing", "--out", tmp_path / "out")
    assert result.returncode == 1
    out = result.stdout + result.stderr
    assert "Traceback" not in out
    for pid in ("chollet_dense", "lenet_avgpool"):
        assert (f"== failed: {pid} seed 1: failed (exit 1: graph-cnn: error: "
                f"{tmp_path / 'missing'} (from --data-dir): no such folder") in result.stdout
    assert result.stderr.strip().splitlines()[-1] == (
        "graph-cnn: error: 2 of 2 run(s) failed: chollet_dense seed 1, lenet_avgpool seed 1")
    assert not (tmp_path / "out").exists()  # no empty runs/<id>/ or <run>.partial/ left


def _children(pid):
    return [c for c in descendants(pid) if "graph_cnn.harness.child" in command_line(c)]


def _alive(pids):
    def running(pid):
        try:
            state = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0]
        except OSError:
            return False
        return state != "Z"
    return [p for p in pids if running(p)]


def _start_jobs(tmp_path):
    command, options = _cli("reproduce", "lenet5_relu", "lenet5_sigmoid", "--jobs", "2",
                            "--out", tmp_path)
    parent = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, **options)
    deadline = time.monotonic() + 120
    while len(_children(parent.pid)) < 2:
        assert parent.poll() is None and time.monotonic() < deadline, parent.communicate()
        time.sleep(0.2)
    return parent, _children(parent.pid)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_to_the_parent_stops_its_children(signum, tmp_path):
    parent, children = _start_jobs(tmp_path)
    time.sleep(1)
    parent.send_signal(signum)
    deadline = time.monotonic() + 5
    while _alive(children) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(children), "children still training after the parent's signal"
    out, err = parent.communicate(timeout=30)
    if signum == signal.SIGTERM:
        assert parent.returncode == 1
        assert err.strip().splitlines()[-1].startswith(
            "graph-cnn: error: stopped by SIGTERM: 2 run(s) stopped")
    else:
        assert parent.returncode == 130 and err.strip().splitlines()[-1] == (
            "graph-cnn: interrupted")
    assert not list(tmp_path.glob("**/*.partial")) and not list(tmp_path.glob("**/result.json"))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent death signal")
def test_children_die_with_a_parent_killed_outright(tmp_path):
    parent, children = _start_jobs(tmp_path)
    parent.kill()
    parent.communicate(timeout=30)
    deadline = time.monotonic() + 5
    while _alive(children) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(children)
