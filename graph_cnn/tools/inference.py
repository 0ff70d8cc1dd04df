"""A finished run, restored from its checkpoint for prediction, export and feature maps."""

from pathlib import Path

import numpy as np
import tensorflow as tf

from graph_cnn import fileio, reproductions
from graph_cnn.data.feeds import prepare
from graph_cnn.errors import GraphCnnError
from graph_cnn.harness import results, runs
from graph_cnn.harness.graph import build_graph

v1 = tf.compat.v1


class Run:
    """The pipeline, graph, named tensors and a session holding a run's trained weights. A run
    folder that is not whole, or whose checkpoint is not the model its result.json names, is
    refused in one line (GraphCnnError) naming the file and what to do."""

    def __init__(self, run_dir):
        self.dir = runs.check_run_folder(run_dir)
        result_path, ckpt = self.dir / "result.json", self.dir / "model.ckpt"
        hint = results.rerun_hint(self.dir)
        self.result = results.read(result_path)
        try:
            self.pipeline = reproductions.get(self.result["id"])
        except GraphCnnError:
            raise GraphCnnError(f"{result_path}: names pipeline {self.result['id']!r}, which "
                                f"this graph_cnn does not have ('graph-cnn list' shows the "
                                f"ids); {hint}") from None
        self.graph, self.t = build_graph(self.pipeline, seed=self.result.get("seed"))
        stored = check_checkpoint(ckpt, self.t["model_variables"], self.pipeline.id, hint)
        with self.graph.as_default():  # every variable the checkpoint has; the rest (state a
            everything = v1.global_variables()  # newer graph_cnn adds) starts afresh
            kept = [v for v in everything if stored.get(v.op.name) == v.shape.as_list()]
            saver = v1.train.Saver(var_list=kept)
            fresh = v1.variables_initializer([v for v in everything if v not in kept])
        self.sess = v1.Session(graph=self.graph)
        try:
            saver.restore(self.sess, str(ckpt))
        except tf.errors.OpError as exc:
            self.sess.close()
            raise GraphCnnError(f"{_damaged_file(ckpt, exc, False)}: the checkpoint cannot be "
                                f"restored ({_reason(exc)}); {hint}") from None
        self.sess.run(fresh)

    def inputs(self, images):
        """uint8 28x28 images to this model's input."""
        return prepare(self.pipeline, images)

    def probabilities(self, images):
        return self.sess.run(self.t["probabilities"], {self.t["X"]: self.inputs(images)})

    def end_points(self, inputs, names):
        """``names``' outputs for already prepared ``inputs``."""
        return self.sess.run({n: self.t["end_points"][n] for n in names}, {self.t["X"]: inputs})

    def close(self):
        self.sess.close()


def check_checkpoint(ckpt, variables, pipeline_id, hint):
    """The checkpoint's {variable name: shape}; GraphCnnError (one line) unless ``ckpt`` can be
    read and holds each of ``variables`` with its shape: the model the run's result.json names."""
    if not list(Path(ckpt).parent.glob(Path(ckpt).name + ".data-*")):
        raise GraphCnnError(f"{ckpt}.data-00000-of-00001: missing (the checkpoint holds no "
                            f"weights); {hint}")
    try:
        stored = dict(tf.train.list_variables(str(ckpt)))
    except (tf.errors.OpError, ValueError, IndexError, RuntimeError, OSError) as exc:
        # the reader's C++ errors arrive as OpError or, translated by pybind, as built-ins
        raise GraphCnnError(f"{_damaged_file(ckpt, exc, True)}: the checkpoint cannot be read "
                            f"({_reason(exc)}); {hint}") from None
    stored = {name: list(shape) for name, shape in stored.items()}
    missing = [v.op.name for v in variables if v.op.name not in stored]
    wrong = [f"{v.op.name} is {stored[v.op.name]} there, {v.shape.as_list()} in the model"
             for v in variables if v.op.name in stored
             and stored[v.op.name] != v.shape.as_list()]
    if missing or wrong:
        found = (f"{len(missing)} of its {len(variables)} variables missing, e.g. "
                 f"{missing[0]}" if missing else wrong[0])
        raise GraphCnnError(f"{ckpt}: is not a checkpoint of {pipeline_id}, the pipeline its "
                            f"result.json names ({found}); the folder mixes two runs: {hint}")
    return stored


def _damaged_file(ckpt, exc, reading_index):
    """The checkpoint file a TensorFlow read error is about: the one its message names, else the
    index while the variables are listed, a data shard while they are restored."""
    message = getattr(exc, "message", str(exc))
    shards = sorted(Path(ckpt).parent.glob(Path(ckpt).name + ".data-*"))
    data = str(shards[0]) if len(shards) == 1 else f"{ckpt}.data-*"
    if ".data-" in message:
        return data
    if ".index" in message or "sstable" in message or reading_index:
        return f"{ckpt}.index"
    return data


def _reason(exc):
    """TensorFlow's own words for a read error (the innermost one: Session.run re-raises with a
    generic "Graph execution error"), first line, shortened."""
    inner = exc
    while isinstance(inner.__context__, tf.errors.OpError):
        inner = inner.__context__
    line = next((s for s in getattr(inner, "message", str(inner)).splitlines() if s.strip()), "")
    line = line.split(": ", 1)[1] if line.startswith("TensorBundle at ") else line
    return (line[:100] + "...") if len(line) > 100 else line


def output_folder(path, flag):
    """Make output folder ``path`` and check that files can be written in it, before any work;
    GraphCnnError naming it otherwise (a regular file on the way, no permission, read-only)."""
    path = Path(path)
    try:
        fileio.probe_writable(path)
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename and str(exc.filename) != str(path) else ""
        raise GraphCnnError(f"{path}: cannot be used as the {flag} folder: {exc.strerror}"
                            f"{where}; choose another folder") from None
    return path


def best_run(runs="runs"):
    """The run folder under ``runs`` (laid out RUNS/ID/BUDGET-seedN) with the highest test
    accuracy among finished runs with a checkpoint, full budgets before quick ones; GraphCnnError
    when there is none. Folders whose result.json cannot be read are passed over."""
    found = []
    for path in Path(runs).glob("*/*-seed*/result.json"):
        if not Path(path.parent / "model.ckpt.index").is_file():
            continue
        try:
            result = results.read(path)
        except GraphCnnError:
            continue
        accuracy = result["final"].get("test_acc")
        if result["status"] == "ok" and accuracy is not None:
            found.append((result["budget"] == "full", accuracy, str(path.parent)))
    if not found:
        raise GraphCnnError(f"no trained run under {runs}/ to predict with; train one with "
                            f"'graph-cnn reproduce chollet_convnet --budget full' or give --run "
                            f"DIR")
    return Path(max(found)[2])


def first_test_digits(digits, data_dir=None):
    """The first test image of each wanted label, as uint8 28x28."""
    from graph_cnn.data import mnist
    (_, _), (x_test, y_test) = mnist.load_data(data_dir)
    images = []
    for d in digits:
        if not 0 <= d <= 9:
            raise GraphCnnError(f"--digits takes 0 to 9, not {d}")
        images.append(x_test[np.flatnonzero(y_test == d)[0]])
    return np.stack(images)
