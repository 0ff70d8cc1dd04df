"""A run's checkpoint as a SavedModel and a frozen GraphDef (``model.pb``): files that Netron
opens and TensorFlow loads. Inputs ``X`` (and the ``training`` flag, default False); outputs
``probabilities`` and ``logits``."""

import os
import secrets
import shutil
from pathlib import Path

import tensorflow as tf

from graph_cnn import quiet
from graph_cnn.errors import GraphCnnError

v1 = tf.compat.v1


def start(out_dir):
    """Check ``out_dir`` (new, or an empty folder) and make a private folder beside it to build
    the export in, unique to this process; returns that folder. Done before any work, so that a
    bad --out costs nothing."""
    out_dir = Path(out_dir)
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        what = "is not empty" if out_dir.is_dir() else "is a file"
        raise GraphCnnError(f"{out_dir}: exists and {what}; choose a new --out folder (export "
                            f"replaces nothing)")
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        partial = out_dir.with_name(f".{out_dir.name}.{os.getpid()}.{secrets.token_hex(4)}"
                                    f".partial")
        partial.mkdir()  # the umask's mode, as the folder it becomes should have
        return partial
    except OSError as exc:
        raise GraphCnnError(f"{out_dir}: cannot be written ({exc.strerror}: "
                            f"{exc.filename}); choose another --out folder") from None


def export(run, out_dir, partial=None):
    """Write ``saved_model/`` and ``model.pb`` into ``out_dir``: built in ``partial`` (from
    :func:`start`), then renamed, so that ``out_dir`` is whole or absent."""
    out_dir = Path(out_dir)
    partial = partial or start(out_dir)
    try:
        t = run.t
        outputs = {"probabilities": t["probabilities"], "logits": t["logits"]}
        inputs = {"X": t["X"]}
        if t["training"] is not None:
            inputs["training"] = t["training"]
        with run.graph.as_default():
            builder = v1.saved_model.Builder(str(partial / "saved_model"))
            signature = v1.saved_model.predict_signature_def(inputs, outputs)
            builder.add_meta_graph_and_variables(
                run.sess, [v1.saved_model.SERVING],
                signature_def_map={"serving_default": signature}, strip_default_attrs=True)
            builder.save()
            frozen = v1.graph_util.convert_variables_to_constants(
                run.sess, run.graph.as_graph_def(),
                [t["probabilities"].op.name, t["logits"].op.name])
            frozen = v1.graph_util.extract_sub_graph(
                frozen, [t["probabilities"].op.name, t["logits"].op.name])
        (partial / "model.pb").write_bytes(frozen.SerializeToString())
        if out_dir.is_dir():
            out_dir.rmdir()  # empty (checked by start); fails rather than lose what came since
        partial.rename(out_dir)
    except tf.errors.OpError as exc:  # the SavedModel writer's OSError
        raise GraphCnnError(f"{out_dir}: cannot be written ({exc.message.splitlines()[0]}); "
                            f"choose another --out folder") from None
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return out_dir


def frozen_predict(pb_path, x, input_name="X:0", output_name=None):
    """Probabilities from a frozen ``model.pb`` for prepared inputs ``x``."""
    graph_def = v1.GraphDef()
    graph_def.ParseFromString(Path(pb_path).read_bytes())
    graph = v1.Graph()
    with graph.as_default():
        v1.import_graph_def(graph_def, name="")
    output_name = output_name or "eval/probabilities:0"
    with v1.Session(graph=graph) as sess:
        return sess.run(output_name, {input_name: x})


def saved_model_predict(saved_dir, x):
    """Probabilities from the SavedModel's serving signature for prepared inputs ``x``."""
    graph = v1.Graph()
    with v1.Session(graph=graph) as sess:
        meta = v1.saved_model.loader.load(sess, [v1.saved_model.SERVING], str(saved_dir))
        sig = meta.signature_def["serving_default"]
        return sess.run(sig.outputs["probabilities"].name, {sig.inputs["X"].name: x})


def export_run(run_dir, out_dir, verbose=False):
    """``graph-cnn export``: restore the run folder and export it; returns ``out_dir``.
    TensorFlow's deprecation notices for the TF1 export APIs are hidden unless ``verbose``."""
    from graph_cnn.tools.inference import Run

    partial = start(out_dir)
    try:
        run = Run(run_dir)
    except BaseException:
        partial.rmdir()
        raise
    try:
        with quiet.tensorflow_warnings_hidden(verbose):
            return export(run, out_dir, partial)
    finally:
        run.close()
