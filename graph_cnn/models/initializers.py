"""Initializers of the original frameworks that ``tf.compat.v1`` does not name directly."""

import math

from graph_cnn import lazy

v1 = lazy.module("tensorflow.compat.v1")  # imported when a graph is built


def torch_default(fan_in, seed=None):
    """PyTorch's Conv2d/Linear default for weights and biases: U(-1/sqrt(fan_in), 1/sqrt(fan_in))
    (``kaiming_uniform_(a=sqrt(5))`` works out to this bound)."""
    bound = 1.0 / math.sqrt(fan_in)
    return v1.random_uniform_initializer(-bound, bound, seed=seed)


def truncated_normal(stddev=1.0):
    """TF1 tutorials' ``tf.truncated_normal(shape, stddev=...)`` (a bare call has stddev 1.0)."""
    return v1.truncated_normal_initializer(stddev=stddev)


def constant(value):
    return v1.constant_initializer(value)


def lecun_normal():
    """SELU's recommended initializer (Keras's ``lecun_normal``: truncated normal, scale 1/fan_in)."""
    return v1.variance_scaling_initializer(1.0, "fan_in", "truncated_normal")
