"""``slim.metrics`` (``tf.contrib.metrics``): streaming metrics as (value, update_op) pairs over
``tf.metrics``, with contrib's argument order (predictions first), and the helpers that gather
them into value and update collections.
"""

import tensorflow as tf

v1 = tf.compat.v1


def _streaming(metric):
    def streaming_metric(predictions, labels, weights=None, metrics_collections=None,
                         updates_collections=None, name=None):
        return metric(labels, predictions, weights=weights,
                      metrics_collections=metrics_collections,
                      updates_collections=updates_collections, name=name)

    streaming_metric.__name__ = streaming_metric.__qualname__ = f"streaming_{metric.__name__}"
    streaming_metric.__doc__ = f"``tf.metrics.{metric.__name__}`` with the predictions first."
    return streaming_metric


streaming_accuracy = _streaming(v1.metrics.accuracy)
streaming_precision = _streaming(v1.metrics.precision)
streaming_recall = _streaming(v1.metrics.recall)
streaming_mean_squared_error = _streaming(v1.metrics.mean_squared_error)
streaming_mean_absolute_error = _streaming(v1.metrics.mean_absolute_error)
streaming_root_mean_squared_error = _streaming(v1.metrics.root_mean_squared_error)


def streaming_mean(values, weights=None, metrics_collections=None, updates_collections=None,
                   name=None):
    """The running (weighted) mean of ``values``: ``tf.metrics.mean``."""
    return v1.metrics.mean(values, weights=weights, metrics_collections=metrics_collections,
                           updates_collections=updates_collections, name=name)


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
