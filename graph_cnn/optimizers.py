"""Optimizers with the original frameworks' rules, as ``tf.compat.v1.train`` optimizers.

The trap ARTICLES.md names: TF1's ``RMSPropOptimizer`` starts its mean-square accumulator at ones
and adds epsilon (1e-10) inside the square root, while Keras 2 (standalone Keras 2.x, and tf.keras
2.x without momentum) starts it at zeros and adds epsilon (1e-7) outside:
``w -= lr g / (sqrt(ms) + epsilon)``. Keras 3 moved epsilon inside the root again.
"""

import tensorflow as tf

v1 = tf.compat.v1


class KerasRMSprop(v1.train.Optimizer):
    """Keras 2's ``RMSprop(lr=0.001, rho=0.9, epsilon=1e-7)``:
    ``ms = rho ms + (1 - rho) g^2; w -= lr g / (sqrt(ms) + epsilon)``, ``ms`` starting at zero.
    ``epsilon_inside=True`` gives Keras 3's ``lr g / sqrt(ms + epsilon)`` instead."""

    def __init__(self, learning_rate=0.001, rho=0.9, epsilon=1e-7, epsilon_inside=False,
                 use_locking=False, name="RMSprop"):
        super().__init__(use_locking, name)
        self._lr, self._rho, self._epsilon = learning_rate, rho, epsilon
        self._epsilon_inside = epsilon_inside

    def _create_slots(self, var_list):
        for var in var_list:
            self._zeros_slot(var, "rms", self._name)

    def _update(self, grad, var, assign, assign_sub):
        dtype = var.dtype.base_dtype
        rho, lr, eps = (tf.cast(value, dtype) for value in (self._rho, self._lr, self._epsilon))
        rms = self.get_slot(var, "rms")
        rms_t = assign(rms, rho * rms + (1 - rho) * tf.square(grad), use_locking=self._use_locking)
        denominator = tf.sqrt(rms_t + eps) if self._epsilon_inside else tf.sqrt(rms_t) + eps
        return assign_sub(var, lr * grad / denominator, use_locking=self._use_locking)

    def _apply_dense(self, grad, var):
        return self._update(grad, var, v1.assign, v1.assign_sub).op

    def _resource_apply_dense(self, grad, handle):
        def assign(ref, value, use_locking):
            return ref.assign(value, use_locking=use_locking, read_value=True)

        def assign_sub(ref, value, use_locking):
            return ref.assign_sub(value, use_locking=use_locking, read_value=False)

        return self._update(grad, handle, assign, assign_sub)

    def _apply_sparse(self, grad, var):
        raise NotImplementedError("KerasRMSprop has no sparse update (no embedding here)")


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
