"""The ``tensorflow`` module an old TF1 program imports::

    from graph_cnn.legacy import tf

:mod:`graph_cnn.compat.tf1` (``tf.compat.v1`` in graph mode, ``tf.layers``) with the rest of the
old world on top: ``tf.contrib``, ``tf.estimator``, ``tf.nn.rnn_cell`` (and TF 0.12's
``tf.nn.seq2seq``, ``tf.nn.rnn``). ``graph-cnn legacy``
serves this module as ``tensorflow``. Importing it switches the process to TF1 graph mode, as
:mod:`graph_cnn.compat.tf1` does.

``tf.__version__``, ``tf.VERSION`` and ``tf.version.VERSION`` read :data:`TF1_VERSION`, the last
TensorFlow 1 release, whose API (``tf.compat.v1``) is the one this layer serves, so that old
version checks (``LooseVersion(tf.__version__) >= '1.4'``, ``tf.__version__.startswith('1.')``)
take the TF1 branch they were written for; the first read says so once on stderr. The TensorFlow
really running is :data:`TENSORFLOW_VERSION`.
"""

import sys

from graph_cnn.compat import tf1 as _tf1
from graph_cnn.legacy import contrib, estimator  # noqa: F401  (tf.contrib, tf.estimator)
from graph_cnn.legacy import rnn as _rnn
from graph_cnn.legacy.contrib import legacy_seq2seq as _legacy_seq2seq

TF1_VERSION = "1.15.5"
TENSORFLOW_VERSION = _tf1.__version__
_VERSION_NAMES = ("__version__", "VERSION")

Namespace = _tf1.Namespace
# tf.layers.InputSpec was Keras' (a custom Layer's ``input_spec``)
layers = Namespace("tf.layers", {"InputSpec": _tf1.keras.layers.InputSpec}, _tf1.layers)
nn = Namespace("tf.nn", {"rnn_cell": Namespace("tf.nn.rnn_cell", _tf1._public(_rnn)),
                         # TF 0.12's names: tf.nn.seq2seq became tf.contrib.legacy_seq2seq
                         "seq2seq": _legacy_seq2seq, "rnn": _rnn.static_rnn,
                         "bidirectional_rnn": _rnn.static_bidirectional_rnn}, _tf1.nn)


def _announce_version(_said=[]):  # noqa: B006  (said once per process, on purpose)
    if not _said:
        _said.append(True)
        print(f"graph_cnn: tf.__version__ reads {TF1_VERSION} (TensorFlow {TENSORFLOW_VERSION} "
              f"underneath)", file=sys.stderr)
    return TF1_VERSION


class _VersionNamespace(Namespace):
    """``tf.version``: ``VERSION`` is the TF1 version, the rest TensorFlow's own."""

    def __getattr__(self, name):
        if name == "VERSION":
            return _announce_version()
        return super().__getattr__(name)


version = _VersionNamespace("tf.version", {}, _tf1.version)


def __getattr__(name):
    """Every other ``tf.<name>`` is :mod:`graph_cnn.compat.tf1`'s."""
    if name in _VERSION_NAMES:
        return _announce_version()
    if name.startswith("__"):
        raise AttributeError(name)
    return getattr(_tf1, name)


def __dir__():
    return sorted(set(dir(_tf1)) | {"contrib", "estimator", "__version__", "VERSION"})


# TF 1.15 names that today's tf.compat.v1 lacks (graph_cnn.legacy.coverage lists what is left).
def _experimental_list_devices():
    """TF 1.15's ``tf.config.experimental_list_devices()``: the full names of this process's
    devices, ``/job:localhost/replica:0/task:0/device:CPU:0`` ... (Keras 2.2's backend looked for
    GPUs in it). Not emulated: the ``XLA_CPU``/``XLA_GPU`` devices 1.15 also listed."""
    import tensorflow

    return [f"/job:localhost/replica:0/task:0{device.name}"
            for device in tensorflow.config.list_logical_devices()]


config = Namespace("tf.config", {"experimental_list_devices": _experimental_list_devices}, _tf1.config)


def _pywrap_tensorflow():
    """TF 1.15's ``tf.pywrap_tensorflow``, as TF1 code used it: ``NewCheckpointReader(path)``
    (a checkpoint's variables, shapes and values) over TensorFlow's own module."""
    from tensorflow.python import pywrap_tensorflow

    return Namespace("tf.pywrap_tensorflow",
                     {"NewCheckpointReader": _tf1.train.NewCheckpointReader}, pywrap_tensorflow)


pywrap_tensorflow = _pywrap_tensorflow()
