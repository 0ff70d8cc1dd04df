"""The TensorFlow 1 graph API on today's TensorFlow, in one import::

    from graph_cnn.compat import tf1 as tf

Everything in ``tf.compat.v1`` (placeholders, sessions, ``tf.train`` optimizers, queues,
``Saver``, ``tf.summary.FileWriter``, ``nn.in_top_k(predictions, targets, k)``), in graph mode,
plus ``tf.layers``, which Keras 3 removed. The rest of the old world (``tf.contrib``,
``tf.estimator``, ``tf.nn.rnn_cell``) is :mod:`graph_cnn.legacy.tf`, which extends this one. A name
the layer lacks raises one line naming it. Importing this module switches the process to TF1
behaviour (``disable_v2_behavior``): that is its job, and no other module of graph_cnn does it.
"""

import functools
import types
import warnings

import tensorflow as _tf

from graph_cnn.compat import graph_mode as _graph_mode
from graph_cnn.compat import layers as _layers
from graph_cnn.errors import not_provided

_v1 = _tf.compat.v1
_graph_mode.enter()


class Namespace(types.ModuleType):
    """A ``tf.<name>`` namespace: graph_cnn's own names first, then TensorFlow's ``compat.v1``
    ones; a name that neither has raises one line naming it."""

    def __init__(self, name, own=(), fallback=None):
        super().__init__(name)
        self.__dict__.update(own)
        self._fallback = fallback

    def __getattr__(self, name):
        if name.startswith("__") or name == "_fallback":
            raise AttributeError(name)
        if self._fallback is not None:
            try:
                return getattr(self._fallback, name)
            except (AttributeError, ImportError):  # Keras 3's lazy loaders raise either
                pass
        raise AttributeError(not_provided(f"{self.__name__}.{name}"))

    def __dir__(self):
        names = set(self.__dict__) | (set(dir(self._fallback)) if self._fallback else set())
        return sorted(n for n in names if not n.startswith("_"))


def _public(module):
    return {name: getattr(module, name) for name in module.__all__}


def _named_arguments_only(function):
    """TF 1.x's cross-entropy functions took labels and logits by name only (a positional call
    was an error); a positional call can only be TensorFlow 0.12's ``(logits, labels)``, which
    is how it is read, with a warning, instead of silently swapping the two."""

    @functools.wraps(function)
    def cross_entropy(*args, **kwargs):
        if args:
            warnings.warn(f"tf.nn.{function.__name__} called with positional arguments: read as "
                          f"TensorFlow 0.12's (logits, labels); TF 1.x wants labels=, logits=",
                          stacklevel=2)
            kwargs.update(zip(("logits", "labels", "dim" if "dim" in kwargs else "axis"), args))
        return function(**kwargs)

    return cross_entropy


layers = Namespace("tf.layers", _public(_layers))
nn = Namespace("tf.nn", {
    name: _named_arguments_only(getattr(_v1.nn, name)) for name in (
        "softmax_cross_entropy_with_logits", "sparse_softmax_cross_entropy_with_logits",
        "sigmoid_cross_entropy_with_logits")}, _v1.nn)
__version__ = _tf.__version__
_wrapped = {}


def _missing(name):
    if name in ("contrib", "estimator"):
        return (f"tf.{name} is in graph_cnn's legacy layer: `from graph_cnn.legacy import tf` "
                f"(or run the script with `graph-cnn legacy`)")
    return not_provided(f"tf.{name}")


def __getattr__(name):
    """``tf.<name>`` from ``compat.v1``; its sub-namespaces answer missing names in one line."""
    if name.startswith("__"):
        raise AttributeError(name)
    try:
        value = getattr(_v1, name)
    except (AttributeError, ImportError):
        raise AttributeError(_missing(name)) from None
    if isinstance(value, types.ModuleType) and value.__name__.startswith("tensorflow._api"):
        value = _wrapped.setdefault(name, Namespace(f"tf.{name}", fallback=value))
    return value


def __dir__():
    return sorted(set(dir(_v1)) | {"layers", "nn"})
