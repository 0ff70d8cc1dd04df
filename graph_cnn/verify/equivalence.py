"""Step-by-step numerical equivalence of a rebuild with its original framework.

Our graph is built and initialised; its initial weights and K training batches go to a case
file; the reference (``graph_cnn.verify.references.<framework>``, run in a process of its own) loads the
same weights into the original model and trains on the same batches. Both record the logits and
loss on each batch before its update, every parameter after each update, and the logits in
evaluation mode at the end; this module reports the largest differences against a float32
tolerance.

Both sides run on one CPU thread (summation order changes float32 results) and on TensorFlow's
own (Eigen) CPU kernels: oneDNN's reductions differ between runs of the same code (0.62e-5 and
0.97e-5 for ``barter_selu_bn_aug``'s largest parameter difference in two runs of one commit), and
the check compares two graphs, not two kernel libraries. TensorFlow sizes a process's CPU thread
pool at its first session and reads ``TF_ENABLE_ONEDNN_OPTS`` once, so run the check in a fresh
process, as ``graph-cnn equivalence`` does (:func:`use_plain_kernels`).
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from graph_cnn import reproductions
from graph_cnn.errors import GraphCnnError

MODULES = {"keras": "keras", "torch": "torch", "tf1": "tf_keras"}
# float32: each tensor within 1e-5 of its own largest magnitude, plus 1e-5 absolute (one
# optimizer step of 1e-3 carries float error of that order where gradients nearly cancel)
RTOL, ATOL = 1e-5, 1e-5


def use_plain_kernels():
    """Make this process (before it imports TensorFlow) and the references it starts run
    TensorFlow's own CPU kernels instead of oneDNN's, whose results vary from run to run."""
    if "tensorflow" not in sys.modules:
        os.environ["TF_ENABLE_ONEDNN_OPTS"] = "0"


def reference_of(pipeline_id):
    """The framework ``pipeline_id``'s reproduction names for this check
    (``Pipeline.reference.equivalence``), or None."""
    reference = reproductions.get(pipeline_id).reference
    return (reference.equivalence or None) if reference else None


def reference_available(reference):
    import importlib.util
    return importlib.util.find_spec(MODULES[reference]) is not None


def comparable(pipeline, hold_dead_biases=False):
    """The pipeline as compared: dropout off (its random masks cannot be matched across two
    graphs; the compat tests check dropout on its own) and, with ``hold_dead_biases``, the
    biases that feed batch norm held at their initial values (see ``dead_biases``)."""
    import functools
    import inspect
    from dataclasses import replace

    if "dropout_rate" in inspect.signature(pipeline.model).parameters:
        pipeline = replace(pipeline, model=functools.partial(pipeline.model, dropout_rate=0.0))
    if hold_dead_biases:
        make = pipeline.optimizer
        pipeline = replace(pipeline, optimizer=lambda: _HoldingDeadBiases(make()))
    return pipeline


def dead_biases(graph):
    """Names of the biases whose every use is a batch norm's input. Batch norm subtracts the
    batch mean, so their gradient is zero by construction and what a float32 graph computes
    for it is rounding noise; Adam divides each gradient by its own running magnitude, which
    turns that noise into steps of up to the learning rate, different in any two graphs."""
    from tensorflow.compat import v1

    with graph.as_default():
        variables = v1.global_variables()
    bn_scopes = {v.op.name[:-len("moving_mean")] for v in variables
                 if v.op.name.endswith("/moving_mean")}
    names = set()
    for op in graph.get_operations() if bn_scopes else []:
        if op.type != "BiasAdd":
            continue
        source = op.inputs[1].op
        while source.type in ("Identity", "ReadVariableOp") and source.inputs:
            source = source.inputs[0].op
        consumers = [c for c in op.outputs[0].consumers()
                     if "gradients" not in c.name.split("/")]  # the backward pass, once built
        if consumers and all(any(c.name.startswith(s) for s in bn_scopes) for c in consumers):
            names.add(source.name)
    return sorted(names)


class _HoldingDeadBiases:
    """An optimizer that leaves ``dead_biases`` out of its update, as both sides of the
    comparison do; everything else is the wrapped optimizer's."""

    def __init__(self, optimizer):
        self._optimizer = optimizer

    def __getattr__(self, name):
        return getattr(self._optimizer, name)

    def minimize(self, loss, global_step=None, **kwargs):
        from tensorflow.compat import v1

        held = set(dead_biases(loss.graph))
        var_list = [v for v in v1.trainable_variables() if v.op.name not in held]
        return self._optimizer.minimize(loss, global_step=global_step, var_list=var_list,
                                        **kwargs)


def our_trace(pipeline, steps, seed=0, optimizer=None, hold_dead_biases=False):
    """(case, trace): the initial weights and batches, and what our graph computes on them."""
    from dataclasses import replace

    from graph_cnn.harness.spec import Budget
    from graph_cnn.harness.train import Session

    pipeline = comparable(pipeline, hold_dead_biases=hold_dead_biases)
    if optimizer is not None:
        pipeline = replace(pipeline, optimizer=optimizer)
    budget = Budget(epochs=1, train_limit=pipeline.batch_size * steps, test_limit=1)
    session = Session(pipeline, budget, seed, threads=1)
    t, sess = session.t, session.sess
    names = [v.op.name for v in t["model_variables"]]
    case = {f"w:{n}": v for n, v in zip(names, sess.run(t["model_variables"]))}
    trace = {}
    feed_data = session.feed
    if hasattr(feed_data, "next_batch"):  # input_data pipelines
        batches = [feed_data.next_batch() for _ in range(steps)]
    else:
        batches = list(feed_data.epoch(np.random.RandomState(seed)))[:steps]
    for k, (x, y) in enumerate(batches):
        case[f"x{k}"], case[f"y{k}"] = x, y
        feed = session._feed(x, y, training=True)
        trace[f"logits{k}"], trace[f"loss{k}"] = sess.run([t["logits"], t["loss"]], feed)
        sess.run(t["train_op"], feed)
        for n, value in zip(names, sess.run(t["model_variables"])):
            trace[f"p{k}:{n}"] = value
    trace["update_ops"] = np.array(len(t["update_ops"]))
    trace["held"] = np.array(dead_biases(session.graph) if hold_dead_biases else [], dtype=str)
    trace["eval_logits"] = sess.run(t["logits"], session._feed(batches[0][0], batches[0][1],
                                                               training=False))
    session.close()
    return case, trace


def reference_trace(pipeline_id, case, steps):
    """Run the original framework on ``case`` in a subprocess; returns its trace."""
    reference = reference_of(pipeline_id)
    with tempfile.TemporaryDirectory() as tmp:
        case_path, out_path = Path(tmp) / "case.npz", Path(tmp) / "trace.npz"
        np.savez(case_path, **case)
        env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", CUDA_VISIBLE_DEVICES="",
                   TF_USE_LEGACY_KERAS="1" if reference == "tf1" else "0",
                   TF_ENABLE_ONEDNN_OPTS=os.environ.get("TF_ENABLE_ONEDNN_OPTS", "0"))
        done = subprocess.run(
            [sys.executable, "-m", f"graph_cnn.verify.references.{reference}_ref", pipeline_id,
             str(case_path), str(out_path), str(steps)],
            capture_output=True, text=True, env=env, timeout=900)
        if done.returncode != 0:
            raise GraphCnnError(f"{pipeline_id}: the {reference} reference failed: "
                                f"{done.stderr.strip().splitlines()[-1:]}")
        with np.load(out_path) as data:
            return dict(data)


def _max_diff(ours, theirs, keys):
    worst, allowed = 0.0, True
    for key in keys:
        a, b = (np.atleast_1d(np.asarray(d[key], np.float64)) for d in (ours, theirs))
        gap = np.atleast_1d(np.abs(a - b))
        gap[np.isnan(a) & np.isnan(b)] = 0.0  # both NaN (a loss of log(0)): the same result
        gap[np.isnan(gap)] = np.inf
        diff = float(np.max(gap)) if a.size else 0.0
        worst = max(worst, diff)
        scale = float(np.nanmax(np.abs(b), initial=0.0)) if not np.isnan(b).all() else 0.0
        allowed &= diff <= ATOL + RTOL * scale
    return worst, allowed


def check(pipeline_id, steps=5, optimizer=None):
    """One report row: the largest differences and whether every one is within tolerance."""
    reference = reference_of(pipeline_id)
    row = dict(id=pipeline_id, reference=reference, steps=steps)
    if reference is None:
        return dict(row, passed=None, note="no reference framework for this pipeline")
    if not reference_available(reference):
        return dict(row, passed=None, note=f"{reference} is not installed: skipped")
    pipeline = reproductions.get(pipeline_id)
    # Only where both sides are built from our builders (the TF1 reference) can both hold them.
    hold = reference == "tf1"
    case, ours = our_trace(pipeline, steps, optimizer=optimizer, hold_dead_biases=hold)
    theirs = reference_trace(pipeline_id, case, steps)
    params = [k for k in ours if k.startswith("p")]
    logit_diff, logit_ok = _max_diff(ours, theirs, [f"logits{k}" for k in range(steps)]
                                     + ["eval_logits"])
    loss_diff, loss_ok = _max_diff(ours, theirs, [f"loss{k}" for k in range(steps)])
    param_diff, param_ok = _max_diff(ours, theirs, params)
    same_updates = int(theirs.get("update_ops", ours["update_ops"])) == int(ours["update_ops"])
    held = [str(n) for n in ours["held"]]
    same_held = held == [str(n) for n in theirs.get("held", ours["held"])]
    if held:
        row["held"] = held
        row["note"] = ("biases feeding batch norm held fixed on both sides: their gradient is "
                       "zero by construction, and Adam turns its float32 rounding into steps "
                       "of up to the learning rate")
    return dict(row, max_logit_diff=logit_diff, max_loss_diff=loss_diff,
                max_param_diff=param_diff,
                passed=logit_ok and loss_ok and param_ok and same_updates and same_held,
                tolerance=f"|ours - reference| <= {ATOL} + {RTOL} |reference|")


def main_rows(ids, steps):
    use_plain_kernels()
    return [check(pid, steps) for pid in ids]


def render(rows):
    lines = []
    for r in rows:
        if r.get("passed") is None:
            lines.append(f"{r['id']:20s} {r['reference'] or '-':6s} skipped: {r['note']}")
            continue
        lines.append(f"{r['id']:20s} {r['reference']:6s} {r['steps']} steps  "
                     f"logits {r['max_logit_diff']:.2e}  loss {r['max_loss_diff']:.2e}  "
                     f"params {r['max_param_diff']:.2e}  {'PASS' if r['passed'] else 'FAIL'}"
                     + (f"  ({len(r['held'])} biases feeding batch norm held: "
                        "zero gradient by construction)" if r.get("held") else ""))
    return "\n".join(lines)


def to_json(rows):
    return json.dumps(rows, indent=1)
