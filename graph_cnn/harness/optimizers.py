"""Optimizers with the original frameworks' rules, as ``tf.compat.v1.train`` optimizers.

The trap ARTICLES.md names: TF1's ``RMSPropOptimizer`` starts its mean-square accumulator at ones
and adds epsilon (1e-10) inside the square root, while Keras 2 (standalone Keras 2.x, and tf.keras
2.x without momentum) starts it at zeros and adds epsilon (1e-7) outside:
``w -= lr g / (sqrt(ms) + epsilon)``. Keras 3 moved epsilon inside the root again.
"""

from graph_cnn import lazy

v1 = lazy.module("tensorflow.compat.v1")  # imported when an optimizer is made


def adam():
    """TF1 ``AdamOptimizer`` defaults: lr 0.001, beta1 0.9, beta2 0.999, epsilon 1e-8."""
    return v1.train.AdamOptimizer()


def sgd(learning_rate):
    """Plain gradient descent: TF1's ``GradientDescentOptimizer``, PyTorch's ``SGD`` without
    momentum or weight decay."""
    return v1.train.GradientDescentOptimizer(learning_rate)


def keras_rmsprop(**options):
    """Keras 2's ``RMSprop()`` (``epsilon_inside=True``: Keras 3's rule); see
    :class:`graph_cnn.harness.keras_rmsprop.KerasRMSprop`."""
    from graph_cnn.harness.keras_rmsprop import KerasRMSprop
    return KerasRMSprop(**options)


OPTIMIZERS = {"adam": adam, "sgd": sgd, "keras_rmsprop": keras_rmsprop}


def __getattr__(name):
    """``KerasRMSprop``, imported (with TensorFlow) when first asked for."""
    if name == "KerasRMSprop":
        from graph_cnn.harness.keras_rmsprop import KerasRMSprop
        return KerasRMSprop
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
