"""``slim.losses`` (``tf.contrib.losses``): losses that add themselves to ``GraphKeys.LOSSES``, with
``get_total_loss`` summing them and the regularization losses, as TF1-era slim scripts used them.

Arguments come in contrib's order, logits or predictions first. ``weights`` scales each sample's
loss; the result is the weighted sum divided by the number of elements with a non-zero weight.
"""

import tensorflow as tf

from graph_cnn.legacy.contrib import layers as contrib_layers

v1 = tf.compat.v1


def _num_present(losses, weights):
    """How many elements of ``losses`` carry a non-zero weight once ``weights`` broadcasts."""
    if weights.shape.ndims == 0:
        return tf.where(tf.equal(weights, 0.0), 0.0, tf.cast(tf.size(losses), tf.float32))
    nonzero = tf.reduce_sum(tf.cast(tf.not_equal(weights, 0.0), tf.float32))
    broadcast = tf.reduce_prod(tf.shape(losses)[weights.shape.ndims:])
    return nonzero * tf.cast(broadcast, tf.float32)


def compute_weighted_loss(losses, weights=1.0, scope=None):
    """The weighted mean of ``losses`` (see the module docstring), added to ``LOSSES``."""
    with v1.name_scope(scope, "weighted_loss", [losses, weights]):
        losses = tf.convert_to_tensor(losses)
        input_dtype = losses.dtype
        losses = tf.cast(losses, tf.float32)
        weights = tf.cast(tf.convert_to_tensor(weights), tf.float32)
        if losses.shape.ndims is None:
            raise ValueError("losses.get_shape().ndims cannot be None")
        if weights.shape.ndims is None:
            raise ValueError("weights.get_shape().ndims cannot be None")
        if weights.shape.ndims > 1 and weights.shape.dims[-1].is_compatible_with(1):
            weights = tf.squeeze(weights, [-1])
        per_weight = tf.reduce_sum(losses, axis=list(range(weights.shape.ndims,
                                                           losses.shape.ndims)))
        total = tf.reduce_sum(per_weight * weights)
        mean_loss = tf.cast(tf.math.divide_no_nan(total, _num_present(losses, weights),
                                                  name="value"), input_dtype)
        add_loss(mean_loss)
        return mean_loss


@contrib_layers.add_arg_scope
def add_loss(loss, loss_collection=v1.GraphKeys.LOSSES):
    """Adds a loss computed elsewhere to ``loss_collection``."""
    if loss_collection:
        v1.add_to_collection(loss_collection, loss)


def get_losses(scope=None, loss_collection=v1.GraphKeys.LOSSES):
    """The losses in ``loss_collection`` whose names start with ``scope``."""
    return v1.get_collection(loss_collection, scope)


def get_regularization_losses(scope=None):
    """The ``REGULARIZATION_LOSSES`` whose names start with ``scope``."""
    return v1.get_collection(v1.GraphKeys.REGULARIZATION_LOSSES, scope)


def get_total_loss(add_regularization_losses=True, name="total_loss"):
    """The sum of the ``LOSSES`` and (by default) the ``REGULARIZATION_LOSSES``."""
    losses = get_losses()
    if add_regularization_losses:
        losses += get_regularization_losses()
    return tf.add_n(losses, name=name)


def _logits_and_labels(logits, labels):
    """``logits`` as a tensor and ``labels`` cast to its dtype, checked to have its shape."""
    logits = tf.convert_to_tensor(logits)
    labels = tf.cast(labels, logits.dtype)
    logits.shape.assert_is_compatible_with(labels.shape)
    return logits, labels


def softmax_cross_entropy(logits, onehot_labels, weights=1.0, label_smoothing=0, scope=None):
    """Mean softmax cross-entropy; ``label_smoothing`` moves the labels towards 1/num_classes."""
    with v1.name_scope(scope, "softmax_cross_entropy_loss",
                       [logits, onehot_labels, weights]) as sc:
        logits, onehot_labels = _logits_and_labels(logits, onehot_labels)
        if label_smoothing > 0:
            classes = tf.cast(tf.shape(onehot_labels)[1], logits.dtype)
            onehot_labels = onehot_labels * (1.0 - label_smoothing) + label_smoothing / classes
        losses = tf.nn.softmax_cross_entropy_with_logits(
            labels=tf.stop_gradient(onehot_labels), logits=logits, name="xentropy")
        return compute_weighted_loss(losses, weights, scope=sc)


def sparse_softmax_cross_entropy(logits, labels, weights=1.0, scope=None):
    """Mean softmax cross-entropy of class indices, shaped [batch] or [batch, 1]."""
    with v1.name_scope(scope, "sparse_softmax_cross_entropy_loss",
                       [logits, labels, weights]) as sc:
        labels = tf.reshape(labels, [tf.shape(labels)[0]])
        losses = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits,
                                                                name="xentropy")
        return compute_weighted_loss(losses, weights, scope=sc)


def sigmoid_cross_entropy(logits, multi_class_labels, weights=1.0, label_smoothing=0,
                          scope=None):
    """Mean sigmoid cross-entropy; ``label_smoothing`` moves the labels towards 1/2."""
    with v1.name_scope(scope, "sigmoid_cross_entropy_loss",
                       [logits, multi_class_labels, weights]) as sc:
        logits, labels = _logits_and_labels(logits, multi_class_labels)
        if label_smoothing > 0:
            labels = labels * (1 - label_smoothing) + 0.5 * label_smoothing
        losses = tf.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits,
                                                         name="xentropy")
        return compute_weighted_loss(losses, weights, scope=sc)


def mean_squared_error(predictions, labels=None, weights=1.0, scope=None):
    """Mean of the squared differences."""
    with v1.name_scope(scope, "mean_squared_error", [predictions, labels, weights]) as sc:
        predictions = tf.cast(predictions, tf.float32)
        labels = tf.cast(labels, tf.float32)
        predictions.shape.assert_is_compatible_with(labels.shape)
        return compute_weighted_loss(tf.math.squared_difference(predictions, labels), weights,
                                     scope=sc)
