"""Nothing lost: outputs checked before work starts, one process per run, killed runs resume to
the numbers an uninterrupted run gives, a full disk answered in one line."""

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
from dataclasses import replace

import numpy as np
import pytest
from conftest import ROOT, run_cli

from graph_cnn import fileio, reproductions
from graph_cnn.errors import GraphCnnError
from graph_cnn.harness import runs, schedule
from graph_cnn.harness.reproduce import reproduce
from graph_cnn.harness.spec import Budget

BUDGETS = {  # several epochs or checkpoints, seconds each
    "chollet_dense": Budget(epochs=3, train_limit=2000, test_limit=500),  # RMSprop slots
    "barter_selu_bn_aug": Budget(epochs=3, train_limit=300, test_limit=500),  # dropout, BN, Adam
    "lenet5_sigmoid": Budget(steps=40, train_limit=1000, test_limit=500),  # next_batch, 5/epoch
}
TIMING = ("seconds", "images_per_sec")

# Trains one of BUDGETS through reproduce() with one thread and SIGKILLs itself at a point of
# the resume checkpoint numbered KILL_DONE: "after" it is saved, or "inside" its saving (the
# checkpoint folder written, state.json not yet).
DRIVER = """
import os, signal, sys
from dataclasses import replace
from graph_cnn import fileio, reproductions
from graph_cnn.harness import resume
from graph_cnn.harness.reproduce import reproduce
from graph_cnn.harness.spec import Budget

pid, out, kill_done, where, budget = sys.argv[1:6]
kill_done = int(kill_done)
save, write_json = resume.ResumeFolder.save, fileio.write_json

def save_then_kill(self, session, state):
    save(self, session, state)
    if where == "after" and state["done"] == kill_done:
        os.kill(os.getpid(), signal.SIGKILL)

def kill_before_state(path, obj):
    if where == "inside" and path.name == "state.json" and obj["done"] == kill_done:
        os.kill(os.getpid(), signal.SIGKILL)
    write_json(path, obj)

resume.ResumeFolder.save, fileio.write_json = save_then_kill, kill_before_state
pipeline = replace(reproductions.get(pid), quick=eval(budget))
reproduce(pipeline, "quick", [1], out, threads=1, log=lambda line: print(line, flush=True),
          progress=False)
"""


def our_lines(stream):
    """A command's output without TensorFlow's start-up lines."""
    from graph_cnn.quiet import is_chatter

    return [line for line in stream.strip().splitlines() if not is_chatter(line)]


def pipeline_of(pid):
    return replace(reproductions.get(pid), quick=BUDGETS[pid])


def without_timing(records):
    return [{k: v for k, v in r.items() if k not in TIMING} for r in records]


def checkpoint_arrays(folder):
    import tensorflow as tf

    prefix = str(folder / "model.ckpt")
    return {name: tf.train.load_variable(prefix, name) for name, _ in
            tf.train.list_variables(prefix)}


def quiet(lines):
    return lines.append


@pytest.mark.parametrize("pid, kill_done, where, resumed_from", [
    ("chollet_dense", 1, "after", 1),
    ("barter_selu_bn_aug", 2, "inside", 1),
    ("lenet5_sigmoid", 12, "after", 12),  # mid-way through the feed's third epoch
])
def test_a_killed_run_resumes_to_the_same_weights_and_records(pid, kill_done, where,
                                                              resumed_from, tmp_path):
    """SIGKILL mid-way, the same call again: every variable bit for bit and every record (timing
    aside) equal to an uninterrupted run's; nothing stray in the run folder."""
    script = tmp_path / "driver.py"
    script.write_text(DRIVER)

    def drive(out, kill=-1, where_="never"):
        # every run in a fresh process with one thread: TensorFlow sizes a process's thread
        # pools at its first session, so runs inside this test process could differ in rounding
        return subprocess.run([sys.executable, str(script), pid, str(out), str(kill), where_,
                               repr(BUDGETS[pid])], capture_output=True, text=True,
                              timeout=600, cwd=ROOT, env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2"))

    killed = drive(tmp_path / "resumed", kill_done, where)
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    folder = tmp_path / "resumed" / pid / "quick-seed1"
    partial = runs.partial_dir(folder)
    state = json.loads((partial / "resume" / "state.json").read_text())
    assert state["done"] == resumed_from and not folder.exists()
    assert not (partial / "result.json").exists()

    again = drive(tmp_path / "resumed")
    assert again.returncode == 0, again.stderr[-2000:]
    unit = "epochs" if BUDGETS[pid].epochs else "steps"
    total = BUDGETS[pid].epochs or BUDGETS[pid].steps
    assert (f"resuming from the last checkpoint: {resumed_from} of {total} {unit} done"
            in again.stdout.splitlines())
    assert drive(tmp_path / "plain").returncode == 0
    resumed = json.loads((folder / "result.json").read_text())
    plain = json.loads((tmp_path / "plain" / pid / "quick-seed1" / "result.json").read_text())

    assert without_timing(resumed["records"]) == without_timing(plain["records"])
    assert resumed["final"] == plain["final"] and resumed["status"] == "ok"
    assert resumed["provenance"]["resumed_at"] == [resumed_from]
    ours = checkpoint_arrays(folder)
    theirs = checkpoint_arrays(tmp_path / "plain" / pid / "quick-seed1")
    assert ours.keys() == theirs.keys() and len(ours) > 5
    for name in ours:
        assert np.array_equal(ours[name], theirs[name]), name
    names = sorted(p.name for p in folder.iterdir() if not p.name.startswith("events."))
    assert names == sorted(p.name for p in (tmp_path / "plain" / pid / "quick-seed1").iterdir()
                           if not p.name.startswith("events."))
    assert not partial.exists()


def test_a_finished_run_is_skipped_and_force_runs_it_again(tmp_path):
    pipeline = replace(reproductions.get("chollet_dense"),
                       quick=Budget(epochs=1, train_limit=500, test_limit=200))
    first, = reproduce(pipeline, "quick", [1], tmp_path, threads=1, log=quiet([]),
                       progress=False)
    result = tmp_path / "chollet_dense" / "quick-seed1" / "result.json"
    before = (result.read_bytes(), result.stat().st_mtime_ns)
    lines = []
    again, = reproduce(pipeline, "quick", [1], tmp_path, threads=1, log=lines.append,
                       progress=False)
    assert any("skipped, finished earlier (add --force to run it again)" in x for x in lines)
    assert (result.read_bytes(), result.stat().st_mtime_ns) == before
    assert again["final"] == first["final"]
    lines = []
    forced, = reproduce(pipeline, "quick", [1], tmp_path, threads=1, log=lines.append,
                        progress=False, force=True)
    assert "starting: 0 of 1 epochs done" in lines
    assert result.stat().st_mtime_ns != before[1] and forced["final"] == first["final"]
    assert sorted(p.name for p in (tmp_path / "chollet_dense").iterdir()) == ["quick-seed1"]


class Interrupted(Exception):
    pass


def stop_after(prefix, lines):
    def log(line):
        lines.append(line)
        if line.startswith(prefix):
            raise Interrupted(line)
    return log


def test_events_are_flushed_each_epoch_and_other_threads_do_not_resume(tmp_path):
    """An interrupted run's TensorBoard file already holds its first epoch; resuming it with
    another thread count (other numbers) is refused in one line, or with --force started over."""
    import tensorflow as tf

    pipeline = replace(reproductions.get("chollet_dense"),
                       quick=Budget(epochs=2, train_limit=500, test_limit=200))
    with pytest.raises(Interrupted):
        reproduce(pipeline, "quick", [1], tmp_path, threads=1,
                  log=stop_after("epoch 1/2", []), progress=False)
    partial = runs.partial_dir(runs.run_dir(tmp_path, "chollet_dense", "quick", 1))
    events, = partial.glob("events.out.tfevents.*")
    scalars = {(e.step, v.tag) for e in tf.compat.v1.train.summary_iterator(str(events))
               for v in e.summary.value}
    assert {(1, "train_loss"), (1, "test_acc")} <= scalars

    with pytest.raises(GraphCnnError) as caught:
        reproduce(pipeline, "quick", [1], tmp_path, threads=2, log=quiet([]), progress=False)
    assert str(caught.value) == (
        f"cannot resume from {partial / 'resume'}: it was trained with --threads 1 and the "
        f"numbers depend on it (this run: --threads 2); run with --threads 1 to resume it, or "
        f"add --force to start the run over")
    assert (partial / "resume" / "state.json").is_file()
    data, = (partial / "resume" / "ckpt-1").glob("model.data-*")
    damaged = bytearray(data.read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    data.write_bytes(bytes(damaged))
    with pytest.raises(GraphCnnError) as caught:
        reproduce(pipeline, "quick", [1], tmp_path, threads=1, log=quiet([]), progress=False)
    assert str(caught.value).startswith(f"the checkpoint {partial / 'resume' / 'ckpt-1'} cannot "
                                        f"be read (")
    assert str(caught.value).endswith(f"delete {partial / 'resume'} to start the run over")
    lines = []
    done, = reproduce(pipeline, "quick", [1], tmp_path, threads=2, log=lines.append,
                      progress=False, force=True)
    assert any(x.startswith("starting over (--force): cannot resume from") for x in lines)
    assert "starting: 0 of 2 epochs done" in lines
    assert done["provenance"]["threads"] == 2 and "resumed_at" not in done["provenance"]
    assert len(list(runs.run_dir(tmp_path, "chollet_dense", "quick", 1).glob("events.*"))) == 1


def test_a_second_process_on_the_same_run_is_refused(tmp_path):
    folder = runs.run_dir(tmp_path, "chollet_dense", "quick", 1)
    with runs.claim(folder) as partial:
        (partial / "resume").mkdir()
        (partial / "resume" / "mine").write_text("kept")
        result = run_cli("reproduce", "chollet_dense", "--out", tmp_path, "--threads", "1")
        with pytest.raises(GraphCnnError, match="another graph-cnn process is training"):
            with runs.claim(folder):
                pass
    assert result.returncode == 1
    assert our_lines(result.stderr) == [
        f"graph-cnn: error: another graph-cnn process is training {folder} (it holds "
        f"{partial}); wait for it to end, or give another --out"]
    assert (partial / "resume" / "mine").read_text() == "kept" and not folder.exists()
    with runs.claim(folder):  # released with the descriptor (a process's death closes it)
        pass


def test_bad_out_is_refused_before_the_data_is_loaded(tmp_path):
    (tmp_path / "file").write_text("mine")
    missing_data = {"GRAPH_CNN_DATA": str(tmp_path / "no-mnist"),
                    "XDG_CACHE_HOME": str(tmp_path / "cache")}
    result = run_cli("reproduce", "chollet_dense", "--out", tmp_path / "file", env=missing_data)
    assert result.returncode == 1
    assert our_lines(result.stderr) == [
        f"graph-cnn: error: --out {tmp_path / 'file'} is a file, not a folder; give --out a "
        f"folder"]
    (tmp_path / "runs" / "lenet5_relu").mkdir(parents=True)
    (tmp_path / "runs" / "lenet5_relu" / "quick-seed2.partial").write_text("mine")
    result = run_cli("reproduce", "chollet_dense", "lenet5_relu", "--seeds", "2", "--out",
                     tmp_path / "runs", env=missing_data)
    assert result.returncode == 1 and len(our_lines(result.stderr)) == 1
    assert "quick-seed2.partial is a file where the folder of the unfinished run goes" in (
        result.stderr)
    assert (tmp_path / "file").read_text() == "mine"
    assert not (tmp_path / "runs" / "chollet_dense" / "quick-seed1").exists()


@pytest.mark.parametrize("make, expected", [
    (lambda d: (d / "out").write_text("x"), "--out {d}/out is a file, not a folder"),
    (lambda d: (d / "f").write_text("x"), "{d}/f is a file, not a folder, so the runs folder "
                                          "{d}/f/out/chollet_dense cannot be made"),
    (lambda d: (d / "out" / "chollet_dense").mkdir(parents=True) or (
        d / "out" / "chollet_dense" / "quick-seed1").write_text("x"),
     "{d}/out/chollet_dense/quick-seed1 is a file where the run folder goes"),
    (lambda d: (d / "out" / "chollet_dense" / "quick-seed1.partial").mkdir(parents=True) or (
        d / "out" / "chollet_dense" / "quick-seed1.partial" / "thesis.tex").write_text("x"),
     "{d}/out/chollet_dense/quick-seed1.partial exists and was not made by graph-cnn"),
    (lambda d: (d / "out" / "chollet_dense" / "quick-seed1").mkdir(parents=True) or (
        d / "out" / "chollet_dense" / "quick-seed1" / "notes.txt").write_text("x"),
     "{d}/out/chollet_dense/quick-seed1 exists but holds no finished run"),
])
def test_every_output_fault_is_one_line_and_touches_nothing(tmp_path, make, expected):
    make(tmp_path)
    before = sorted(str(p) for p in tmp_path.rglob("*"))
    out = tmp_path / ("f/out" if "so the runs folder" in expected else "out")
    with pytest.raises(GraphCnnError) as caught:
        runs.check_outputs(schedule.matrix(["chollet_dense"], "quick", [1], out))
    assert str(caught.value).startswith(expected.format(d=tmp_path))
    assert "\n" not in str(caught.value)
    assert sorted(str(p) for p in tmp_path.rglob("*")) == before


def _mount_tmpfs(path, options):
    if sys.platform != "linux" or os.geteuid() != 0 or not shutil.which("mount"):
        return False
    path.mkdir(exist_ok=True)
    return subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)],
                          capture_output=True).returncode == 0


def test_an_unwritable_out_is_refused(tmp_path):
    target = tmp_path / "ro"
    if _mount_tmpfs(target, "ro,size=64k"):
        unmount = True
    else:
        if os.geteuid() == 0:
            pytest.skip("root, and no read-only tmpfs can be mounted here")
        target.mkdir()
        target.chmod(0o555)
        unmount = False
    try:
        with pytest.raises(GraphCnnError) as caught:
            runs.check_outputs(schedule.matrix(["chollet_dense"], "quick", [1], target / "runs"))
        message = str(caught.value)
        assert str(target / "runs") in message and "\n" not in message
        assert "writing" in message or "cannot" in message
    finally:
        if unmount:
            subprocess.run(["umount", str(target)], check=True)
        else:
            target.chmod(0o755)


def test_no_space_for_the_result_is_one_line_and_the_same_call_resumes(tmp_path, monkeypatch):
    pipeline = replace(reproductions.get("chollet_dense"),
                       quick=Budget(epochs=2, train_limit=500, test_limit=200))
    real_replace = os.replace

    def full_for_results(src, dst):
        if str(dst).endswith("result.json"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", full_for_results)
    with pytest.raises(fileio.OutputError) as caught:
        reproduce(pipeline, "quick", [1], tmp_path, threads=1, log=quiet([]), progress=False)
    monkeypatch.setattr(os, "replace", real_replace)
    folder = runs.run_dir(tmp_path, "chollet_dense", "quick", 1)
    partial = runs.partial_dir(folder)
    assert str(caught.value) == (f"no space left on device writing {partial / 'result.json'}; "
                                 f"free space and run the same command again to resume")
    assert not folder.exists() and not (partial / "result.json").exists()
    assert not [p for p in partial.rglob(".*")]  # no temporary left behind
    lines = []
    result, = reproduce(pipeline, "quick", [1], tmp_path, threads=1, log=lines.append,
                        progress=False)
    assert "resuming from the last checkpoint: 2 of 2 epochs done" in lines
    assert json.loads((folder / "result.json").read_text())["final"] == result["final"]


def test_a_full_disk_stops_the_run_in_one_line_and_it_resumes_once_there_is_space(tmp_path):
    """On a real 8 MB tmpfs (where the machine lets a test mount one): the resume checkpoint
    fits, the final checkpoint does not; with more space the same command finishes."""
    disk = tmp_path / "disk"
    if not _mount_tmpfs(disk, "size=8m"):
        pytest.skip("no tmpfs can be mounted here (needs root on Linux)")
    try:
        first = run_cli("reproduce", "chollet_dense", "--out", disk / "runs", "--threads", "1")
        partial = disk / "runs" / "chollet_dense" / "quick-seed1.partial"
        assert first.returncode == 1
        assert first.stderr.strip().splitlines()[-1] == (
            f"graph-cnn: error: no space left on device writing {partial / 'model.ckpt'}; free "
            f"space and run the same command again to resume")
        assert (partial / "resume" / "state.json").is_file()
        assert not [p for p in partial.rglob("*") if p.name.startswith(".")]
        assert not list(partial.glob("model.ckpt*"))
        subprocess.run(["mount", "-o", "remount,size=64m", str(disk)], check=True)
        again = run_cli("reproduce", "chollet_dense", "--out", disk / "runs", "--threads", "1")
        assert again.returncode == 0, again.stderr[-2000:]
        assert "resuming from the last checkpoint: 1 of 1 epochs done" in again.stdout
        assert (disk / "runs" / "chollet_dense" / "quick-seed1" / "model.ckpt.index").is_file()
    finally:
        subprocess.run(["umount", str(disk)], check=True)


def test_a_step_feed_restored_draws_the_batches_the_first_one_would(tmp_path):
    from graph_cnn.data.feeds import make_feed

    pipeline = pipeline_of("lenet5_sigmoid")
    first = make_feed(pipeline, pipeline.quick, 3)
    for _ in range(13):  # 5 batches an epoch: into the third epoch
        first.next_batch()
    state = first.state()
    second = make_feed(pipeline, pipeline.quick, 3)
    second.restore(state["epochs_completed"], state["index_in_epoch"],
                   json.loads(json.dumps(_jsonable(state["rng"]))))
    for _ in range(7):
        (xa, ya), (xb, yb) = first.next_batch(), second.next_batch()
        assert np.array_equal(xa, xb) and np.array_equal(ya, yb)
    other = make_feed(pipeline, pipeline.quick, 4)
    with pytest.raises(ValueError, match="does not follow from this feed's seed"):
        other.restore(state["epochs_completed"], state["index_in_epoch"], state["rng"])


def _jsonable(state):
    from graph_cnn.harness.resume import rng_state

    return rng_state(state)


def test_a_resume_after_the_pipeline_changed_is_refused_saying_what_changed(tmp_path):
    """A run stopped after epoch 1, then resumed by code whose learning rate differs (the same
    function, so only the graph's constants tell): refused in one line naming the constant,
    and with --force started over."""
    from graph_cnn.harness.optimizers import keras_rmsprop

    rate = [0.001]

    def optimizer():
        return keras_rmsprop(learning_rate=rate[0])

    pipeline = replace(reproductions.get("chollet_dense"), optimizer=optimizer,
                       quick=Budget(epochs=2, train_limit=500, test_limit=200))
    with pytest.raises(Interrupted):
        reproduce(pipeline, "quick", [1], tmp_path, threads=1,
                  log=stop_after("epoch 1/2", []), progress=False)
    rate[0] = 0.01
    with pytest.raises(GraphCnnError) as caught:
        reproduce(pipeline, "quick", [1], tmp_path, threads=1, log=quiet([]), progress=False)
    message = str(caught.value)
    assert "the pipeline changed since its checkpoint" in message, message
    assert "0.001 -> 0.01 in train/RMSprop/" in message, message
    assert message.endswith("add --force to start the run over") and "\n" not in message
    lines = []
    done, = reproduce(pipeline, "quick", [1], tmp_path, threads=1, log=lines.append,
                      progress=False, force=True)
    assert any(x.startswith("starting over (--force): cannot resume from") for x in lines)
    assert done["provenance"].get("resumed_at") is None
    rate[0] = 0.001  # the same pipeline again: a finished run is skipped, nothing refused
    reproduce(pipeline, "quick", [1], tmp_path, threads=1, log=quiet([]), progress=False)
