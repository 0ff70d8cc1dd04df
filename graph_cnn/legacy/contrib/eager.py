"""``tf.contrib.eager`` (``tfe``) as the TF 1.5-1.8 eager examples used it: switching eager
execution on, ``Variable``, the implicit-gradient functions, ``Iterator`` over a dataset with
its ``next()``, and ``Network`` tracking ``tf.layers`` objects. TensorFlow's own eager runtime
does the work."""

import tensorflow as tf
from tensorflow.python.eager import backprop

Variable = tf.Variable
executing_eagerly = tf.executing_eagerly
implicit_gradients = backprop.implicit_grad
implicit_value_and_gradients = backprop.implicit_val_and_grad
gradients_function = backprop.gradients_function
value_and_gradients_function = backprop.val_and_grad_function


def enable_eager_execution(config=None, device_policy=None, execution_mode=None):
    """TF1's switch to eager execution, for a process the TF1 layer put in graph mode."""
    tf.compat.v1.enable_eager_execution(config, device_policy, execution_mode)


class Iterator:
    """An eager iterator over a ``tf.data`` dataset with TF1's ``next()`` method."""

    def __init__(self, dataset):
        self._iterator = iter(dataset)

    def __iter__(self):
        return self

    def __next__(self):
        return next(self._iterator)

    next = __next__


class Network:
    """TF 1.5's ``tfe.Network``: a model made of tracked ``tf.layers`` objects, called through
    its ``call``; ``variables`` are its layers' variables."""

    def __init__(self, name=None):
        self._layers = []
        self.name = name or type(self).__name__.lower()

    def track_layer(self, layer):
        self._layers.append(layer)
        return layer

    @property
    def layers(self):
        return list(self._layers)

    @property
    def variables(self):
        return [v for layer in self._layers for v in layer.variables]

    trainable_variables = variables
    weights = variables

    def __call__(self, *args, **kwargs):
        return self.call(*args, **kwargs)

    def call(self, *args, **kwargs):
        raise NotImplementedError("a tfe.Network subclass defines call()")
