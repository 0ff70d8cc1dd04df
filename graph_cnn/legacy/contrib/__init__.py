"""``tf.contrib`` as TF1 MNIST code used it, a real package: ``tf.contrib.layers``, ``slim``,
``rnn``, ``learn`` (its MNIST datasets, ``RunConfig``), ``framework`` (``arg_scope``), ``data``
(``tf.data`` before 1.4), ``eager`` (``tfe``), ``tensor_forest`` (random forests grown in NumPy)
and ``boosted_trees`` (GBDT on scikit-learn). Both
``import tensorflow.contrib.X`` and ``tf.contrib.X`` work for these; any other X raises one line
naming it."""

import importlib

from graph_cnn.errors import not_provided

PROVIDED = ("boosted_trees", "cudnn_rnn", "data", "eager", "framework", "layers", "learn",
            "legacy_seq2seq", "rnn", "seq2seq", "slim", "tensor_forest")


def __getattr__(name):
    if name in PROVIDED:
        return importlib.import_module(f"{__name__}.{name}")
    if name.startswith("__"):
        raise AttributeError(name)
    raise AttributeError(not_provided(f"tf.contrib.{name}"))


def __dir__():
    return sorted(set(globals()) | set(PROVIDED))
