"""``tf.contrib.metrics`` (also ``slim.metrics``): streaming metrics as (value, update_op) pairs
on ``tf.compat.v1.metrics``, with contrib's argument order (predictions first) and TF1's local
variable names (``accuracy/total``, ``accuracy/count`` ...), the helpers that gather them into
value and update lists, and the one-shot ``accuracy`` and ``confusion_matrix``.

Not emulated: the rarer streaming metrics (covariance, Pearson correlation, sparse
average precision, dynamic AUC ...); ``streaming_concat`` keeps its values in a local variable
of changing shape rather than TF1's doubling buffer (same values, same (value, update) use).
"""

import tensorflow as tf

v1 = tf.compat.v1


def _streaming(metric, extra=()):
    """contrib's ``streaming_<metric>(predictions, labels, *extra, weights=None, ...)`` on
    ``tf.metrics.<metric>(labels, predictions, ...)``."""

    def streaming_metric(predictions, labels, *args, weights=None, metrics_collections=None,
                         updates_collections=None, name=None, **kwargs):
        kwargs.update(zip(extra, args))
        return metric(labels=labels, predictions=predictions, weights=weights,
                      metrics_collections=metrics_collections,
                      updates_collections=updates_collections, name=name, **kwargs)

    streaming_metric.__name__ = streaming_metric.__qualname__ = f"streaming_{metric.__name__}"
    streaming_metric.__doc__ = (f"``tf.metrics.{metric.__name__}`` with the predictions first"
                                f"{' (then ' + ', '.join(extra) + ')' if extra else ''}.")
    return streaming_metric


streaming_accuracy = _streaming(v1.metrics.accuracy)
streaming_precision = _streaming(v1.metrics.precision)
streaming_recall = _streaming(v1.metrics.recall)
streaming_mean_squared_error = _streaming(v1.metrics.mean_squared_error)
streaming_mean_absolute_error = _streaming(v1.metrics.mean_absolute_error)
streaming_root_mean_squared_error = _streaming(v1.metrics.root_mean_squared_error)
streaming_mean_cosine_distance = _streaming(v1.metrics.mean_cosine_distance, ("dim",))
streaming_mean_relative_error = _streaming(v1.metrics.mean_relative_error, ("normalizer",))
streaming_mean_iou = _streaming(v1.metrics.mean_iou, ("num_classes",))
streaming_true_positives = _streaming(v1.metrics.true_positives)
streaming_true_negatives = _streaming(v1.metrics.true_negatives)
streaming_false_positives = _streaming(v1.metrics.false_positives)
streaming_false_negatives = _streaming(v1.metrics.false_negatives)
streaming_precision_at_thresholds = _streaming(v1.metrics.precision_at_thresholds,
                                               ("thresholds",))
streaming_recall_at_thresholds = _streaming(v1.metrics.recall_at_thresholds, ("thresholds",))
streaming_sparse_precision_at_k = _streaming(v1.metrics.sparse_precision_at_k,
                                             ("k", "class_id"))
streaming_sparse_recall_at_k = _streaming(v1.metrics.recall_at_k, ("k", "class_id"))
streaming_sensitivity_at_specificity = _streaming(v1.metrics.sensitivity_at_specificity,
                                                  ("specificity",))
streaming_specificity_at_sensitivity = _streaming(v1.metrics.specificity_at_sensitivity,
                                                  ("sensitivity",))


def streaming_auc(predictions, labels, weights=None, num_thresholds=200,
                  metrics_collections=None, updates_collections=None, curve="ROC", name=None,
                  summation_method="trapezoidal"):
    """Area under the ROC (or ``curve='PR'``) curve of ``predictions`` in [0, 1] against
    boolean ``labels``, by ``num_thresholds`` thresholds: ``tf.metrics.auc``."""
    return v1.metrics.auc(labels=labels, predictions=predictions, weights=weights,
                          num_thresholds=num_thresholds,
                          metrics_collections=metrics_collections,
                          updates_collections=updates_collections, curve=curve, name=name,
                          summation_method=summation_method)


def streaming_mean(values, weights=None, metrics_collections=None, updates_collections=None,
                   name=None):
    """The running (weighted) mean of ``values``: ``tf.metrics.mean``."""
    return v1.metrics.mean(values, weights=weights, metrics_collections=metrics_collections,
                           updates_collections=updates_collections, name=name)


def streaming_mean_tensor(values, weights=None, metrics_collections=None,
                          updates_collections=None, name=None):
    """The running element-wise mean of ``values``: ``tf.metrics.mean_tensor``."""
    return v1.metrics.mean_tensor(values, weights=weights,
                                  metrics_collections=metrics_collections,
                                  updates_collections=updates_collections, name=name)


def streaming_percentage_less(values, threshold, weights=None, metrics_collections=None,
                              updates_collections=None, name=None):
    """The running share of ``values`` below ``threshold``: ``tf.metrics.percentage_below``."""
    return v1.metrics.percentage_below(values, threshold, weights=weights,
                                       metrics_collections=metrics_collections,
                                       updates_collections=updates_collections, name=name)


def streaming_recall_at_k(predictions, labels, k, weights=None, metrics_collections=None,
                          updates_collections=None, name=None):
    """The running share of examples whose label is among the ``k`` top ``predictions``
    (``tf.nn.in_top_k``), a ``streaming_mean``."""
    with v1.variable_scope(name, "recall_at_k", (predictions, labels, weights)):
        in_top_k = tf.cast(tf.nn.in_top_k(predictions=predictions, targets=labels, k=k),
                           tf.float32)
        return streaming_mean(in_top_k, weights, metrics_collections, updates_collections,
                              name=None)


def _collect(collections, value):
    if collections:
        v1.add_to_collections(collections, value)


def streaming_concat(values, axis=0, max_size=None, metrics_collections=None,
                     updates_collections=None, name=None):
    """All ``values`` seen so far, concatenated along ``axis``, as (value, update_op).
    ``max_size`` (TF1's preallocation hint) does not limit anything here."""
    del max_size
    with v1.variable_scope(name, "streaming_concat", (values,)):
        values = tf.convert_to_tensor(values)
        shape = values.get_shape().as_list()
        if not shape or any(d is None for i, d in enumerate(shape) if i != axis % len(shape)):
            raise ValueError("streaming_concat needs values of rank >= 1 whose dimensions "
                             "other than axis are known")
        shape[axis] = 0
        array = v1.Variable(tf.zeros(shape, values.dtype), trainable=False, name="array",
                            collections=[v1.GraphKeys.LOCAL_VARIABLES], validate_shape=False)
        update = v1.assign(array, tf.concat([array, values], axis), validate_shape=False)
        value = tf.identity(array)
        _collect(metrics_collections, value)
        _collect(updates_collections, update)
        return value, update


def accuracy(predictions, labels, weights=None, name=None):
    """The (weighted) share of ``predictions`` equal to ``labels`` in this batch (no state)."""
    with v1.name_scope(name, "accuracy", (predictions, labels, weights)):
        labels = tf.convert_to_tensor(labels)
        predictions = tf.cast(predictions, labels.dtype)
        correct = tf.cast(tf.equal(predictions, labels), tf.float32)
        if weights is None:
            return tf.reduce_mean(correct)
        weights = tf.cast(weights, tf.float32) * tf.ones_like(correct)
        return tf.reduce_sum(correct * weights) / tf.reduce_sum(weights)


def confusion_matrix(labels, predictions, num_classes=None, dtype=tf.int32, name=None,
                     weights=None):
    """``tf.confusion_matrix``: rows are labels, columns predictions."""
    return v1.confusion_matrix(labels, predictions, num_classes=num_classes, dtype=dtype,
                               name=name, weights=weights)


def aggregate_metrics(*value_update_tuples):
    """(list of values, list of update ops) from (value, update_op) pairs."""
    if not value_update_tuples:
        raise ValueError("Expected at least one value_tensor/update_op pair")
    values, updates = zip(*value_update_tuples)
    return list(values), list(updates)


def aggregate_metric_map(names_to_tuples):
    """({name: value}, {name: update_op}) from {name: (value, update_op)}."""
    names = list(names_to_tuples)
    values, updates = zip(*names_to_tuples.values()) if names else ((), ())
    return dict(zip(names, values)), dict(zip(names, updates))



__all__ = ["accuracy", "aggregate_metric_map", "aggregate_metrics", "confusion_matrix",
           "streaming_accuracy", "streaming_auc", "streaming_concat", "streaming_false_negatives",
           "streaming_false_positives", "streaming_mean", "streaming_mean_absolute_error",
           "streaming_mean_cosine_distance", "streaming_mean_iou",
           "streaming_mean_relative_error", "streaming_mean_squared_error",
           "streaming_mean_tensor", "streaming_percentage_less", "streaming_precision",
           "streaming_precision_at_thresholds", "streaming_recall", "streaming_recall_at_k",
           "streaming_recall_at_thresholds", "streaming_root_mean_squared_error",
           "streaming_sensitivity_at_specificity", "streaming_sparse_precision_at_k",
           "streaming_sparse_recall_at_k", "streaming_specificity_at_sensitivity",
           "streaming_true_negatives", "streaming_true_positives"]
