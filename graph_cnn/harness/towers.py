"""Towers: the model built once per slice of the batch, variables shared, outputs concatenated.

TensorFlow runs the slices side by side on its inter-op threads, which uses two cores better than
splitting each small op (intra-op). Each example's forward pass is the same as with one tower;
the weight gradients are summed per slice first (float rounding). Batch norm still takes the
whole batch's statistics through the replica context of :mod:`graph_cnn.compat.speed`.
"""

import tensorflow as tf

from graph_cnn.compat import speed as replica

v1 = tf.compat.v1


def build(model, X, training, towers):
    """``model(X, training)`` on ``towers`` slices of ``X``; returns ``(logits, end_points)``
    concatenated over the slices, as one tower would return them.

    A batch smaller than ``towers`` (an empty slice would stop oneDNN's convolutions) is repeated
    to fill every slice and only its first copy is kept: the repeats add exact zeros to the
    gradients and leave batch norm's mean and biased variance as they were."""
    graph = v1.get_default_graph()
    n = tf.shape(X)[0]
    rank = X.shape.rank
    filled = tf.cond(n < towers, lambda: tf.tile(X, [towers] + [1] * (rank - 1)),
                     lambda: tf.identity(X))
    filled_n = tf.shape(filled)[0]
    slices = tf.split(filled, _slice_sizes(filled_n, towers), name="towers")
    scope, name_scope = v1.get_variable_scope(), graph.get_name_scope()

    def build_tower(i):
        with v1.variable_scope(scope, reuse=True if i else None), \
                v1.name_scope(_tower_scope(name_scope, i)):
            return model(slices[i], training=training)

    outputs = replica.build_towers(
        towers, build_tower, tf.cast(n, tf.float32) / tf.cast(filled_n, tf.float32))
    logits = tf.identity(tf.concat([o[0] for o in outputs], 0)[:n], name="logits")
    end_points = type(outputs[0][1])((k, tf.concat([o[1][k] for o in outputs], 0)[:n])
                                     for k in outputs[0][1])
    return logits, end_points


def _tower_scope(outer, i):
    if not i:
        return outer + "/" if outer else None
    return f"{outer}/tower{i}/" if outer else f"tower{i}/"


def _slice_sizes(n, towers):
    base = n // towers
    return tf.stack([base] * (towers - 1) + [n - base * (towers - 1)])
