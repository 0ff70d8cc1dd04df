"""``tf.contrib`` as TF1 code used it, a real package: ``tf.contrib.layers`` (with contrib's
feature columns), ``slim``, ``rnn`` (with the block cells), ``seq2seq``, ``legacy_seq2seq``,
``cudnn_rnn`` (on the standard cells), ``learn`` (datasets, canned estimators,
``VocabularyProcessor``, monitors), ``metrics``, ``framework`` (``arg_scope``, global-step and
variable helpers), ``tensorboard`` (the projector config), ``data`` (``tf.data`` before 1.4),
``eager`` (``tfe``), ``factorization`` (k-means), ``summary`` (TF2-style summary ops),
``training`` (``HParams``, ``checkpoints_iterator``), ``tensor_forest`` (random forests grown in
NumPy) and ``boosted_trees`` (GBDT on scikit-learn); the TPU family as TF1 ran it with
``use_tpu=False``: ``tpu`` (``TPUEstimator`` ... on the CPU), ``cluster_resolver`` and
``distribute`` (the TPU names refuse in one line). Both ``import tensorflow.contrib.X`` and
``tf.contrib.X`` work for these; any other X raises one line naming it."""

import importlib

from graph_cnn.errors import not_provided

PROVIDED = ("autograph", "boosted_trees", "cluster_resolver", "cudnn_rnn", "data", "distribute",
            "distributions", "eager", "factorization", "framework", "graph_editor", "image",
            "keras", "layers", "learn", "legacy_seq2seq", "lookup", "metrics", "opt", "rnn",
            "seq2seq", "signal", "slim", "summary", "tensor_forest", "tensorboard", "tpu",
            "training", "util")


def __getattr__(name):
    if name in PROVIDED:
        return importlib.import_module(f"{__name__}.{name}")
    if name.startswith("__"):
        raise AttributeError(name)
    raise AttributeError(not_provided(f"tf.contrib.{name}"))


def __dir__():
    return sorted(set(globals()) | set(PROVIDED))
