"""What an unfinished run keeps so that the same command continues it exactly.

``<run>.partial/resume/`` holds the last checkpoint, ``ckpt-<k>/`` (weights, optimizer slots,
global step, batch norm's moving statistics: every global variable), and ``state.json``, which
names it and holds the rest: epochs or steps done, the data order's NumPy RNG state, the
records so far, the seconds spent, and the thread and tower counts the numbers depend on.
Each checkpoint folder is written under a private name and renamed, then ``state.json`` is
replaced, then older checkpoints are removed, so a kill at any moment leaves a consistent state.
The RNG state lives outside the TensorFlow graph, which is therefore unchanged.
"""

import hashlib
import json
import shutil
from pathlib import Path

import numpy as np

from graph_cnn import fileio
from graph_cnn.errors import GraphCnnError

STATE = "state.json"
VERSION = 1


def rng_state(rng):
    """A NumPy RandomState's state (or the tuple ``get_state`` gave) as JSON-ready data, exact:
    integers and a float written by its repr."""
    name, keys, pos, has_gauss, gauss = rng.get_state() if hasattr(rng, "get_state") else rng
    return [name, keys.tolist(), int(pos), int(has_gauss), float(gauss)]


def set_rng_state(rng, state):
    name, keys, pos, has_gauss, gauss = state
    rng.set_state((name, np.array(keys, dtype=np.uint32), pos, has_gauss, gauss))
    return rng


# Pipeline fields that define what a run computes (the rest - title, figures, claims, causes,
# notes - describe the article and may change without changing the run).
_DEFINING = ("model", "input_shape", "data", "one_hot", "loss", "optimizer", "batch_size",
             "log_every", "train_every", "scale", "augment", "flip", "training_flag")


def _describe(value):
    """A stable text for a pipeline field: a function by its module and name, a partial with
    its arguments, data as its repr."""
    if hasattr(value, "func"):  # functools.partial
        arguments = [repr(a) for a in value.args] + [f"{k}={v!r}" for k, v in
                                                     sorted(value.keywords.items())]
        return f"{_describe(value.func)}({', '.join(arguments)})"
    if callable(value) and hasattr(value, "__qualname__"):
        return f"{getattr(value, '__module__', '')}.{value.__qualname__}"
    return repr(value)


def fingerprint(pipeline, budget, graph):
    """What defines a run, for a resume to check it continues the same run: the pipeline's
    defining fields, the budget, a digest of the graph (structure, initialisers and every
    constant, so an optimizer's hyperparameters too) and the graph's scalar constants by name
    (to say which one changed)."""
    graph_def = graph.as_graph_def()
    scalars = {}
    for node in graph_def.node:
        if node.op == "Const" and "gradients" not in node.name:
            tensor = node.attr["value"].tensor
            if not tensor.tensor_shape.dim and (tensor.float_val or tensor.double_val):
                scalars[node.name] = float(f"{(tensor.float_val or tensor.double_val)[0]:.7g}")
    return {"pipeline": {name: _describe(getattr(pipeline, name)) for name in _DEFINING},
            "budget": {k: v for k, v in vars(budget).items()},
            "graph": hashlib.sha256(graph_def.SerializeToString(deterministic=True)).hexdigest(),
            "constants": scalars}


def fingerprint_changes(saved, now):
    """What differs between two fingerprints, in words (empty when they agree)."""
    changes = []
    for part in ("pipeline", "budget"):
        for key in sorted(set(saved.get(part, {})) | set(now[part])):
            before, after = saved.get(part, {}).get(key), now[part].get(key)
            if before != after:
                changes.append(f"{key} {before} -> {after}")
    moved = {}  # (before, after) -> the constants that changed so
    for name in sorted(set(saved.get("constants", {})) | set(now["constants"])):
        before, after = saved.get("constants", {}).get(name), now["constants"].get(name)
        if before != after:
            moved.setdefault((before, after), []).append(name)
    for (before, after), names in moved.items():
        more = f" and {len(names) - 1} more" if len(names) > 1 else ""
        changes.append(f"{before} -> {after} in {names[0]}{more}")
    if not changes and saved.get("graph") != now["graph"]:
        changes.append("the graph's structure")
    return changes


class ResumeFolder:
    """The resume state of one run (see the module's docstring)."""

    def __init__(self, folder):
        self.folder = Path(folder)

    @property
    def state_path(self):
        return self.folder / STATE

    def load(self):
        """The saved state, or None when the run has no checkpoint yet. A damaged state raises
        a one-line error."""
        if not self.state_path.is_file():
            return None
        try:
            state = json.loads(self.state_path.read_text())
            ok = (isinstance(state, dict) and state.get("version") == VERSION
                  and isinstance(state.get("done"), int) and isinstance(state["records"], list)
                  and (self.folder / state["checkpoint"] / "model.index").is_file())
        except (OSError, ValueError, KeyError, TypeError) as exc:
            ok, state = False, exc
        if not ok:
            raise GraphCnnError(f"the resume state {self.state_path} is damaged or from another "
                                f"version; add --force to start the run over")
        return state

    def save(self, session, state):
        """Checkpoint ``session`` and record ``state`` (JSON-ready) beside it."""
        name = f"ckpt-{state['done']}"
        fileio.ensure_folder(self.folder)
        shutil.rmtree(self.folder / name, ignore_errors=True)  # a kill's leftover, never named
        with fileio.atomic_path(self.folder / name) as tmp:
            tmp.mkdir()
            session.saver.save(session.sess, str(tmp / "model"), write_meta_graph=False,
                               write_state=False)
        fileio.write_json(self.state_path, dict(state, version=VERSION, checkpoint=name))
        for old in self.folder.glob("ckpt-*"):
            if old.name != name:
                shutil.rmtree(old, ignore_errors=True)

    def restore(self, session, state):
        """Load the checkpoint ``state`` names into ``session``; a damaged one raises a one-line
        error."""
        import tensorflow as tf

        path = self.folder / state["checkpoint"]
        try:
            session.saver.restore(session.sess, str(path / "model"))
        except (tf.errors.OpError, ValueError) as exc:
            reason = str(getattr(exc, "message", exc)).strip().splitlines()[0]
            raise GraphCnnError(f"the checkpoint {path} cannot be read ({reason}); delete "
                                f"{self.folder} to start the run over") from exc

    def clear(self):
        shutil.rmtree(self.folder, ignore_errors=True)
