"""Running pipelines over seeds: the scripts, --jobs, the reproduce command."""

import json
import subprocess
import sys

import pytest
from conftest import ROOT, run_cli

from graph_cnn import reproductions
from graph_cnn.harness.train import train

MAIN_IDS = list(reproductions.pipelines(include_ablations=False))


@pytest.mark.parametrize("pid", MAIN_IDS)
def test_every_reproduction_script_runs_at_quick_budget(pid, tmp_path):
    script = ROOT / "reproductions" / f"{pid}.py"
    result = subprocess.run([sys.executable, str(script), "--budget", "quick", "--out",
                             str(tmp_path)], capture_output=True, text=True, timeout=600,
                            cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    saved = json.loads((tmp_path / pid / "quick-seed1" / "result.json").read_text())
    assert saved["id"] == pid and saved["status"] in ("ok", "diverged")
    assert saved["records"] and 0.0 <= saved["final"]["test_acc"] <= 1.0
    prov = saved["provenance"]
    assert prov["seed"] == 1 and prov["budget"] == "quick" and prov["seconds"] > 0
    assert prov["versions"]["tensorflow"] and len(prov["commit"]) >= 7
    assert prov["threads"] >= 1 and prov["towers"] in (1, 2)
    assert (tmp_path / pid / "quick-seed1" / "model.ckpt.index").exists()
    assert not list(tmp_path.glob("**/*.partial"))
    if saved["status"] == "ok":
        assert saved["records"][-1]["images_per_sec"] > 0
    else:  # lenet5_relu_same_lr: log(0) on its first batch, reported, not printed as garbage
        assert saved["records"][-1]["diverged"] and "the loss became" in saved["error"]


def test_script_help_and_bad_flag():
    script = ROOT / "reproductions" / "barter_selu.py"
    ok = subprocess.run([sys.executable, str(script), "--help"], capture_output=True, text=True)
    assert ok.returncode == 0 and "--budget" in ok.stdout
    bad = subprocess.run([sys.executable, str(script), "--seeds", "0"], capture_output=True,
                         text=True)
    assert bad.returncode == 1
    assert bad.stderr.strip().splitlines()[-1].endswith("--seeds must be 1 to 1000, not 0 (run "
                                                        "more seeds in several commands with "
                                                        "--first-seed)")
    negative = subprocess.run([sys.executable, str(script), "--first-seed", "-1"],
                              capture_output=True, text=True)
    assert negative.returncode == 1
    assert negative.stderr.strip().splitlines()[-1].endswith(
        "--first-seed must be 0 or more, not -1")


def test_jobs_run_side_by_side_and_give_the_serial_results(tmp_path):
    """--jobs trains each run in its own one-thread process: the same numbers as a serial run
    with --threads 1, every run directory complete, peak memory recorded."""
    result = run_cli("reproduce", "chollet_dense", "lenet5_relu", "--seeds", "2", "--jobs", "2",
                     "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr[-2000:]
    assert "4 runs, 2 at a time with 1 thread(s) each" in result.stdout
    serial = train(reproductions.get("lenet5_relu"), "quick", 2, threads=1, log=lambda _: None,
                   progress=False)
    saved = json.loads((tmp_path / "lenet5_relu" / "quick-seed2" / "result.json").read_text())
    assert saved["final"] == serial["final"]
    assert saved["provenance"]["peak_memory_mb"] > 50
    assert len(list(tmp_path.glob("*/quick-seed*/result.json"))) == 4


def test_parallel_runs_start_with_the_longest():
    from graph_cnn.harness.reproduce import images_to_train
    cost = {pid: images_to_train(reproductions.get(pid), "full") for pid in MAIN_IDS}
    assert max(cost, key=cost.get) == "barter_selu_bn_aug" and cost["barter_selu_bn_aug"] == (
        30 * 360000)
    assert cost["lenet5_sigmoid"] == 20000 * 200 and cost["chollet_dense"] == 5 * 60000


def test_reproduce_command_rejects_unknown_ids():
    result = run_cli("reproduce", "no_such_id")
    assert result.returncode == 1
    assert "unknown pipeline id 'no_such_id'" in result.stderr.strip().splitlines()[-1]
