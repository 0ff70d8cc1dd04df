"""``MetricSpec``: which prediction, label and weight feature a metric function is called with
in ``Estimator.evaluate(metrics={name: MetricSpec(...)})``, as TF1's ``metric_spec.py``.

The function's arguments are matched by name as TF1 did: one of ``labels``/``label``/
``targets``/``target``, one of ``predictions``/``prediction``/``logits``/``logit``, one of
``weights``/``weight``; without a predictions name the predictions go first positionally, and
without a labels name no labels are passed. So ``streaming_accuracy(predictions, labels)`` and
``tf.metrics.accuracy(labels, predictions)`` both get the right tensors.
"""

import inspect

import tensorflow as tf

_LABELS_ARGS = {"labels", "label", "targets", "target"}
_PREDICTIONS_ARGS = {"predictions", "prediction", "logits", "logit"}
_WEIGHTS_ARGS = {"weights", "weight"}


def _args(fn):
    """Names of ``fn``'s positional-or-keyword arguments (a partial's bound ones left out)."""
    if hasattr(fn, "func") and hasattr(fn, "keywords"):
        bound = set(fn.keywords)
        return tuple(a for a in _args(fn.func)[len(fn.args):] if a not in bound)
    return tuple(name for name, p in inspect.signature(fn).parameters.items()
                 if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY))


def _fn_name(fn):
    return getattr(fn, "__name__", None) or getattr(getattr(fn, "func", None), "__name__",
                                                    str(fn))


def _matching_arg(fn_name, fn_args, candidates, canonical, is_required=False):
    matches = candidates.intersection(fn_args)
    if len(matches) > 1:
        raise ValueError(f"Ambiguous arguments {matches}, must provide only one of "
                         f"{candidates}.")
    match = matches.pop() if matches else None
    if match and match != canonical:
        tf.compat.v1.logging.warning("Canonical arg %s missing from %s(%s), using %s.",
                                     canonical, fn_name, fn_args, match)
    if match is None and is_required:
        raise ValueError(f"{candidates} missing from {fn_name}({fn_args}).")
    return match


def _adapt_metric_fn(metric_fn, metric_fn_name, is_labels_required, is_weights_required):
    """``metric_fn`` as a function of named ``labels``, ``predictions``, ``weights``."""
    args = _args(metric_fn)
    labels_arg = _matching_arg(metric_fn_name, args, _LABELS_ARGS, "labels", is_labels_required)
    predictions_arg = _matching_arg(metric_fn_name, args, _PREDICTIONS_ARGS, "predictions")
    weights_arg = _matching_arg(metric_fn_name, args, _WEIGHTS_ARGS, "weights",
                                is_weights_required)

    def adapted(labels=None, predictions=None, weights=None):
        positional, named = [], {}
        if weights is not None:
            named[weights_arg] = weights
        if labels_arg and not predictions_arg and labels_arg == args[0]:
            positional = [labels, predictions]  # labels first by name, predictions after it
        else:
            if labels_arg:
                named[labels_arg] = labels
            if predictions_arg:
                named[predictions_arg] = predictions
            else:
                positional = [predictions]
        return metric_fn(*positional, **named)

    return adapted


class MetricSpec:
    """Connects a model's outputs to a metric function for ``Estimator.evaluate``."""

    def __init__(self, metric_fn, prediction_key=None, label_key=None, weight_key=None):
        self._metric_fn_name = _fn_name(metric_fn)
        self._metric_fn = _adapt_metric_fn(metric_fn, self._metric_fn_name,
                                           is_labels_required=label_key is not None,
                                           is_weights_required=weight_key is not None)
        self._prediction_key = prediction_key
        self._label_key = label_key
        self._weight_key = weight_key

    prediction_key = property(lambda self: self._prediction_key)
    label_key = property(lambda self: self._label_key)
    weight_key = property(lambda self: self._weight_key)
    metric_fn = property(lambda self: self._metric_fn,
                         doc="The metric function of named labels, predictions, weights.")

    def __str__(self):
        return (f"MetricSpec(metric_fn={self._metric_fn_name}, prediction_key="
                f"{self.prediction_key}, label_key={self.label_key}, weight_key="
                f"{self.weight_key})")

    def create_metric_ops(self, inputs, labels, predictions):
        """``metric_fn(predictions[prediction_key], labels[label_key],
        weights=inputs[weight_key])``; a key may be None when its side is one tensor or a
        one-entry dict."""
        prediction = _get_dict("prediction", predictions, self.prediction_key)
        label = _get_dict("label", labels, self.label_key)
        try:
            return self.metric_fn(labels=label, predictions=prediction,
                                  weights=inputs[self.weight_key] if self.weight_key else None)
        except Exception as exc:
            tf.compat.v1.logging.error("Could not create metric ops for %s, %s.", self, exc)
            raise


def _get_dict(name, dict_or_tensor, key):
    if key:
        if not isinstance(dict_or_tensor, dict):
            raise ValueError(f"MetricSpec with {name}_key specified requires {name}s dict, got "
                             f"{dict_or_tensor}")
        if key not in dict_or_tensor:
            raise KeyError(f"Key '{key}' missing from {list(dict_or_tensor)}.")
        return dict_or_tensor[key]
    if isinstance(dict_or_tensor, dict):
        if len(dict_or_tensor) != 1:
            raise ValueError(f"MetricSpec without specified {name}_key requires {name}s tensor "
                             f"or single element dict, got {dict_or_tensor}")
        return next(iter(dict_or_tensor.values()))
    return dict_or_tensor
