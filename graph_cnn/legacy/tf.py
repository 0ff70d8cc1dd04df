"""The ``tensorflow`` module an old TF1 program imports::

    from graph_cnn.legacy import tf

:mod:`graph_cnn.compat.tf1` (``tf.compat.v1`` in graph mode, ``tf.layers``) with the rest of the
old world on top: ``tf.contrib``, ``tf.estimator`` and ``tf.nn.rnn_cell``. ``graph-cnn legacy``
serves this module as ``tensorflow``. Importing it switches the process to TF1 graph mode, as
:mod:`graph_cnn.compat.tf1` does.
"""

from graph_cnn.compat import tf1 as _tf1
from graph_cnn.legacy import contrib, estimator  # noqa: F401  (tf.contrib, tf.estimator)
from graph_cnn.legacy import rnn as _rnn

Namespace = _tf1.Namespace
layers = _tf1.layers
nn = Namespace("tf.nn", {"rnn_cell": Namespace("tf.nn.rnn_cell", _tf1._public(_rnn))}, _tf1.nn)
__version__ = _tf1.__version__


def __getattr__(name):
    """Every other ``tf.<name>`` is :mod:`graph_cnn.compat.tf1`'s."""
    if name.startswith("__"):
        raise AttributeError(name)
    return getattr(_tf1, name)


def __dir__():
    return sorted(set(dir(_tf1)) | {"contrib", "estimator"})


# TF 1.15 names that today's tf.compat.v1 lacks (graph_cnn.legacy.coverage lists what is left).
def _experimental_list_devices():
    """TF 1.15's ``tf.config.experimental_list_devices()``: the full names of this process's
    devices, ``/job:localhost/replica:0/task:0/device:CPU:0`` ... (Keras 2.2's backend looked for
    GPUs in it). Not emulated: the ``XLA_CPU``/``XLA_GPU`` devices 1.15 also listed."""
    import tensorflow

    return [f"/job:localhost/replica:0/task:0{device.name}"
            for device in tensorflow.config.list_logical_devices()]


config = Namespace("tf.config", {"experimental_list_devices": _experimental_list_devices}, _tf1.config)
