"""Optimizers with the original frameworks' rules, as ``tf.compat.v1.train`` optimizers.

The trap ARTICLES.md names: TF1's ``RMSPropOptimizer`` starts its mean-square accumulator at ones
with epsilon 1e-10, while Keras 2 (standalone and tf.keras 2.x) starts it at zeros with epsilon
1e-7. Both put epsilon inside the square root (tf.keras 2.x runs the same ApplyRMSProp kernel).
"""

import tensorflow as tf

v1 = tf.compat.v1


class KerasRMSprop(v1.train.RMSPropOptimizer):
    """tf.keras 2.x ``RMSprop(learning_rate=0.001, rho=0.9, epsilon=1e-7)``: accumulators at zero.

    ``ms = rho ms + (1 - rho) g^2; w -= lr g / sqrt(ms + epsilon)``.
    """

    def __init__(self, learning_rate=0.001, rho=0.9, epsilon=1e-7, name="RMSprop"):
        super().__init__(learning_rate, decay=rho, momentum=0.0, epsilon=epsilon, name=name)

    def _create_slots(self, var_list):
        for var in var_list:
            self._zeros_slot(var, "rms", self._name)
            self._zeros_slot(var, "momentum", self._name)


def adam():
    """TF1 ``AdamOptimizer`` defaults: lr 0.001, beta1 0.9, beta2 0.999, epsilon 1e-8."""
    return v1.train.AdamOptimizer()


def sgd(learning_rate):
    """Plain gradient descent: TF1's ``GradientDescentOptimizer``, PyTorch's ``SGD`` without
    momentum or weight decay."""
    return v1.train.GradientDescentOptimizer(learning_rate)


def keras_rmsprop():
    return KerasRMSprop()


OPTIMIZERS = {"adam": adam, "sgd": sgd, "keras_rmsprop": keras_rmsprop}
