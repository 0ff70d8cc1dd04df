"""The ``tensorflow`` module an old TF1 program imports::

    from graph_cnn.legacy import tf

:mod:`graph_cnn.compat.tf1` (``tf.compat.v1`` in graph mode, ``tf.layers``) with the rest of the
old world on top: ``tf.contrib``, ``tf.estimator``, ``tf.nn.rnn_cell`` (and TF 0.12's
``tf.nn.seq2seq``, ``tf.nn.rnn``). ``graph-cnn legacy``
serves this module as ``tensorflow``. Importing it switches the process to TF1 graph mode, as
:mod:`graph_cnn.compat.tf1` does.
"""

from graph_cnn.compat import tf1 as _tf1
from graph_cnn.legacy import contrib, estimator  # noqa: F401  (tf.contrib, tf.estimator)
from graph_cnn.legacy import rnn as _rnn
from graph_cnn.legacy.contrib import legacy_seq2seq as _legacy_seq2seq

Namespace = _tf1.Namespace
layers = _tf1.layers
nn = Namespace("tf.nn", {"rnn_cell": Namespace("tf.nn.rnn_cell", _tf1._public(_rnn)),
                         # TF 0.12's names: tf.nn.seq2seq became tf.contrib.legacy_seq2seq
                         "seq2seq": _legacy_seq2seq, "rnn": _rnn.static_rnn,
                         "bidirectional_rnn": _rnn.static_bidirectional_rnn}, _tf1.nn)
__version__ = _tf1.__version__


def __getattr__(name):
    """Every other ``tf.<name>`` is :mod:`graph_cnn.compat.tf1`'s."""
    if name.startswith("__"):
        raise AttributeError(name)
    return getattr(_tf1, name)


def __dir__():
    return sorted(set(dir(_tf1)) | {"contrib", "estimator"})
