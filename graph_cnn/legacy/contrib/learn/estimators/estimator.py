"""contrib.learn's ``Estimator`` and ``SKCompat`` on :mod:`graph_cnn.legacy.estimator`'s
``Estimator``: ``fit``/``evaluate``/``predict`` with TF1's contrib signatures, numpy ``x``/``y``
fed as TF1's data feeder fed them, monitors, ``metrics`` (``MetricSpec``s or bare functions),
and ``model_fn``s of the contrib kind (``(features, labels[, mode, params, config,
model_dir])`` returning ``ModelFnOps`` or a ``(predictions, loss, train_op)`` tuple).

As in TF 1.x: ``x``/``y`` go in batches of ``batch_size`` rows (all rows when None), reshuffled
each epoch for ``fit`` (forever) and in order once for ``evaluate``/``predict``, float64 read as
float32; ``evaluate`` and ``predict`` raise ``NotFittedError`` without a checkpoint;
``predict`` from an ``input_fn`` of constant tensors (no queue, dataset or feeding) makes one
pass; an ``INFER`` call of a ``model_fn`` gets label placeholders shaped like the labels it was
trained on. Checkpoints, events and ``eval`` folders are the core Estimator's.

Not emulated: ``export``/``export_savedmodel``, iterator (generator) ``x``/``y``,
``feed_fn`` beyond a ``FeedFnHook``, and a ``model_fn``'s own ``loss`` eval metric (the
evaluated ``loss`` is the mean of the per-batch loss, contrib's default).
"""

import itertools

import numpy as np
import tensorflow as tf

from graph_cnn.legacy.contrib import feature_column as _columns
from graph_cnn.legacy.contrib.learn import metric_spec as _metric_spec
from graph_cnn.legacy.contrib.learn import monitors as _monitors
from graph_cnn.legacy.contrib.learn.estimators.model_fn import ModeKeys, ModelFnOps
from graph_cnn.legacy.estimator import estimator as _core
from graph_cnn.legacy.estimator.run_config import RunConfig  # noqa: F401

v1 = tf.compat.v1
_log = v1.logging
_STATEFUL_INPUT_OPS = ("IteratorGetNext", "IteratorGetNextSync", "QueueDequeueV2",
                       "QueueDequeueManyV2", "QueueDequeueUpToV2")


class NotFittedError(ValueError, AttributeError):
    """Raised by ``evaluate``/``predict`` before the model has a checkpoint."""


def _feeding_dtype(array):
    if array.dtype == np.float64:
        return np.float32
    return array.dtype


def _as_arrays(value):
    if isinstance(value, dict):
        return {key: np.asarray(v) for key, v in value.items()}
    if tf.is_tensor(value):
        raise ValueError("Inputs cannot be tensors. Please provide input_fn.")
    if hasattr(value, "__next__"):
        raise NotImplementedError("x/y as iterators are not supported by graph_cnn's "
                                  "contrib.learn: pass arrays, or an input_fn")
    return np.asarray(value)


def _feeding_input_fn(x, y=None, batch_size=None, shuffle=False, epochs=1):
    """An ``input_fn`` giving numpy ``x`` (array or dict of arrays) and ``y`` as TF1's data
    feeder did: ``batch_size`` rows (all when None), ``epochs`` passes (None: forever), a new
    random order each epoch when ``shuffle``; float64 becomes float32."""
    x, y = _as_arrays(x), None if y is None else _as_arrays(y)
    parts = [("x", k, a) for k, a in (x.items() if isinstance(x, dict) else [(None, x)])]
    if y is not None:
        parts += [("y", k, a) for k, a in (y.items() if isinstance(y, dict) else [(None, y)])]
    rows = parts[0][2].shape[0]
    if any(a.shape[0] != rows for _, _, a in parts):
        raise ValueError(f"x and y must have the same number of rows: "
                         f"{[a.shape[0] for _, _, a in parts]}")
    arrays = [a.astype(_feeding_dtype(a)) for _, _, a in parts]
    batch = min(batch_size or rows, rows)
    if batch < 1:
        raise ValueError(f"Invalid batch_size {batch_size}, or empty input")

    def input_fn():
        _, op_seed = v1.get_seed(None)
        rng = np.random.RandomState(op_seed)

        def order():
            for _ in itertools.count() if epochs is None else range(epochs):
                yield from (rng.permutation(rows) if shuffle else range(rows))

        def batches():
            indices = order()
            while True:
                chunk = list(itertools.islice(indices, batch))
                if not chunk:
                    return
                yield tuple(a[chunk] for a in arrays)

        dataset = tf.data.Dataset.from_generator(batches, output_signature=tuple(
            tf.TensorSpec((None,) + a.shape[1:], tf.as_dtype(a.dtype)) for a in arrays))
        values = v1.data.make_one_shot_iterator(dataset).get_next()
        features = {k: t for (side, k, _), t in zip(parts, values) if side == "x"}
        labels = {k: t for (side, k, _), t in zip(parts, values) if side == "y"}
        features = features if isinstance(x, dict) else features[None]
        if y is None:
            return features, None
        return features, labels if isinstance(y, dict) else labels[None]

    return input_fn


def _verify_input_args(x, y, input_fn, feed_fn, batch_size):
    if input_fn is None:
        if x is None:
            raise ValueError("Either x or input_fn must be provided.")
        if tf.is_tensor(x) or (y is not None and tf.is_tensor(y)):
            raise ValueError("Inputs cannot be tensors. Please provide input_fn.")
        if feed_fn is not None:
            raise ValueError("Can not provide both feed_fn and x or y.")
    else:
        if x is not None or y is not None:
            raise ValueError("Can not provide both input_fn and x or y.")
        if batch_size is not None:
            raise ValueError("Can not provide both input_fn and batch_size.")


def infer_real_valued_columns_from_input_fn(input_fn):
    """``real_valued_column``s for the features ``input_fn`` gives."""
    with tf.Graph().as_default():
        features, _, _ = _core._parse_input(input_fn())
        return _columns.infer_real_valued_columns(features)


def infer_real_valued_columns_from_input(x):
    """``real_valued_column``s for numpy ``x`` (``''`` for an array, one per key of a dict)."""
    return infer_real_valued_columns_from_input_fn(_feeding_input_fn(x))


def _make_metrics_ops(metrics, features, labels, predictions):
    """TF1's evaluate(metrics=...): ``MetricSpec``s, bare ``fn(predictions, labels)``, or
    ``(name, prediction_key)`` keys."""
    labels_tensor_or_dict = labels
    if isinstance(labels, dict) and len(labels) == 1:
        labels_tensor_or_dict = next(iter(labels.values()))
    result = {}
    for name, metric in sorted(metrics.items(), key=lambda item: str(item[0])):
        if isinstance(metric, _metric_spec.MetricSpec):
            result[name] = metric.create_metric_ops(features, labels, predictions)
            continue
        _log.warning("Please specify metrics using MetricSpec. Using bare functions or (key, "
                     "fn) tuples is deprecated and support for it will be removed on Oct 1, "
                     "2016.")
        if isinstance(name, tuple):
            if len(name) != 2:
                raise ValueError(f"Invalid metric for {name}. It returned a tuple with len "
                                 f"{len(name)}, expected 2.")
            if not isinstance(predictions, dict):
                raise ValueError(  # noqa: TRY004  (TF1 raised ValueError)
                    f"Metrics passed provide (name, prediction), but predictions are not "
                    f"dict. Metrics: {metrics}, Predictions: {predictions}.")
            if isinstance(labels, dict) and name[1] in labels:
                result[name[0]] = metric(predictions[name[1]], labels[name[1]])
            else:
                result[name[0]] = metric(predictions[name[1]], labels_tensor_or_dict)
        else:
            if isinstance(predictions, dict):
                raise ValueError(  # noqa: TRY004  (TF1 raised ValueError)
                    f"Metrics passed provide only name, no prediction, but predictions are "
                    f"dict. Metrics: {metrics}, Labels: {labels_tensor_or_dict}.")
            result[name] = metric(predictions, labels_tensor_or_dict)
    return result


def _model_fn_args(fn):
    if hasattr(fn, "func") and hasattr(fn, "keywords") and hasattr(fn, "args"):
        bound = set(fn.keywords)
        return tuple(a for a in _model_fn_args(fn.func)[len(fn.args):] if a not in bound)
    return _core._fn_args(fn)


def _identity_feature_engineering_fn(features, labels):
    return features, labels


def _is_input_constant(graph, feeds):
    """TF1's rule for ``predict``: no queue (here also no dataset or feeding) means one pass."""
    if feeds or graph.get_collection(v1.GraphKeys.QUEUE_RUNNERS):
        return False
    return not any(op.type in _STATEFUL_INPUT_OPS for op in graph.get_operations())


class Estimator(_core.Estimator):
    """``tf.contrib.learn.Estimator``: a contrib ``model_fn`` trained with ``fit``, scored with
    ``evaluate`` and run with ``predict``."""

    def __init__(self, model_fn=None, model_dir=None, config=None, params=None,
                 feature_engineering_fn=None):
        if model_fn is not None:
            args = _model_fn_args(model_fn)
            if params is not None and "params" not in args:
                raise ValueError(f"Estimator's model_fn ({model_fn}) does not have a params "
                                 f"argument, but params ({params}) were passed to the "
                                 f"Estimator's constructor.")
            if params is None and "params" in args:
                _log.warning("Estimator's model_fn (%s) includes params argument, but params "
                             "are not passed to Estimator.", model_fn)
        self._contrib_model_fn = model_fn
        self._contrib_params = params
        self._feature_engineering_fn = (feature_engineering_fn
                                        or _identity_feature_engineering_fn)
        self._eval_metrics = None
        self._labels_info = None
        super().__init__(self._run_contrib_model_fn, model_dir=model_dir, config=config)

    params = property(lambda self: self._contrib_params)

    def export_savedmodel(self, *args, **kwargs):
        """Not emulated: contrib.learn's export took ``InputFnOps``, not the core receivers."""
        raise NotImplementedError("tf.contrib.learn Estimator.export_savedmodel is not emulated "
                                  "by graph_cnn; use tf.estimator.Estimator.export_saved_model")

    export_saved_model = export_savedmodel

    def _run_contrib_model_fn(self, features, labels, mode, config):
        """The contrib ``model_fn`` called as TF1 called it, as a ``tf.estimator`` spec."""
        features, labels = self._feature_engineering_fn(features, labels)
        if mode != ModeKeys.INFER and tf.is_tensor(labels):
            self._labels_info = (labels.dtype, [None] + labels.get_shape().as_list()[1:]
                                 if labels.get_shape().rank else None)
        if mode == ModeKeys.INFER and labels is None and self._labels_info is not None:
            labels = v1.placeholder(self._labels_info[0], self._labels_info[1], name="labels")
        args = _model_fn_args(self._contrib_model_fn)
        kwargs = {}
        for name, value in (("mode", mode), ("params", self._contrib_params),
                            ("config", config), ("model_dir", self.model_dir)):
            if name in args:
                kwargs[name] = value
        result = self._contrib_model_fn(features, labels, **kwargs)
        if not isinstance(result, ModelFnOps):
            if not isinstance(result, (tuple, list)) or len(result) != 3:
                raise ValueError("Unrecognized value returned by model_fn, please return "
                                 "ModelFnOps.")
            result = ModelFnOps(mode, predictions=result[0], loss=result[1],
                                train_op=result[2])
        eval_metric_ops = dict(result.eval_metric_ops)
        if mode == ModeKeys.EVAL and self._eval_metrics:
            made = _make_metrics_ops(self._eval_metrics, features, labels, result.predictions)
            eval_metric_ops.update((k, v if isinstance(v, tuple) else (v, tf.no_op()))
                                   for k, v in made.items())
        eval_metric_ops.pop("loss", None)  # the core Estimator adds the mean loss
        return result._replace(eval_metric_ops=eval_metric_ops).estimator_spec()

    def fit(self, x=None, y=None, input_fn=None, steps=None, batch_size=None, monitors=None,
            max_steps=None):
        """Trains ``steps`` more steps (or to global step ``max_steps``, or until the input
        ends) on ``x``/``y`` or ``input_fn``; ``monitors`` may mix monitors and hooks."""
        if steps is not None and max_steps is not None:
            raise ValueError("Can not provide both steps and max_steps.")
        _verify_input_args(x, y, input_fn, None, batch_size)
        if x is not None:
            input_fn = _feeding_input_fn(x, y, batch_size, shuffle=True, epochs=None)
        hooks = _monitors.replace_monitors_with_hooks(monitors, self)
        self.train(input_fn, hooks=hooks, steps=steps, max_steps=max_steps)
        return self

    def partial_fit(self, x=None, y=None, input_fn=None, steps=1, batch_size=None,
                    monitors=None):
        """``fit`` for ``steps`` (default 1) more steps."""
        _log.warning("The current implementation of partial_fit is not optimized for use in "
                     "a loop. Consider using fit() instead.")
        return self.fit(x=x, y=y, input_fn=input_fn, steps=steps, batch_size=batch_size,
                        monitors=monitors)

    def _require_fitted(self, checkpoint_path=None):
        if not (checkpoint_path or self.latest_checkpoint()):
            raise NotFittedError(f"Couldn't find trained model at {self.model_dir}.")

    def evaluate(self, x=None, y=None, input_fn=None, feed_fn=None, batch_size=None,
                 steps=None, metrics=None, name=None, checkpoint_path=None, hooks=None,
                 log_progress=True):
        """{metric: value}, with ``loss`` and ``global_step``, over ``x``/``y`` once or
        ``input_fn`` (``steps`` batches, or until it ends)."""
        _verify_input_args(x, y, input_fn, feed_fn, batch_size)
        if metrics is not None and not isinstance(metrics, dict):
            raise ValueError(f"Metrics argument should be None or dict. Got {metrics}.")
        if x is not None:
            input_fn = _feeding_input_fn(x, y, batch_size, shuffle=False, epochs=1)
        self._require_fitted(checkpoint_path)
        hooks = list(hooks or [])
        if feed_fn is not None:
            hooks.append(v1.train.FeedFnHook(feed_fn))
        if steps == 0:
            _log.warning("evaluation steps are 0. If `input_fn` does not raise "
                         "`OutOfRangeError`, the evaluation will never stop. Use steps=None if "
                         "intended.")
        self._eval_metrics = metrics
        try:
            return super().evaluate(input_fn, steps=steps or None, hooks=hooks,
                                    checkpoint_path=checkpoint_path, name=name)
        finally:
            self._eval_metrics = None

    def predict(self, x=None, input_fn=None, batch_size=None, outputs=None, as_iterable=True,
                iterate_batches=False):
        """Predictions for ``x`` or ``input_fn``: an iterable of examples (dicts when the
        model predicts a dict), of batches with ``iterate_batches``, or with
        ``as_iterable=False`` one batch's arrays."""
        _verify_input_args(x, None, input_fn, None, batch_size)
        if x is not None and not as_iterable:
            return SKCompat(self).predict(x, batch_size)
        feeds = x is not None
        if x is not None:
            input_fn = _feeding_input_fn(x, None, batch_size)
        return self._infer_model(input_fn, outputs=outputs, as_iterable=as_iterable,
                                 iterate_batches=iterate_batches, feeds=feeds)

    def _infer_model(self, input_fn, outputs=None, as_iterable=True, iterate_batches=False,
                     feeds=False):
        self._require_fitted()
        with tf.Graph().as_default() as graph:
            self._start_graph(graph)
            features, _, input_hooks = self._call_input_fn(input_fn, ModeKeys.INFER)
            spec = self._call_model_fn(features, None, ModeKeys.INFER, self.config)
            predictions = _filter_predictions(spec.predictions, outputs)
            session = self._restoring_session(spec, self.latest_checkpoint(), input_hooks)
            constant = _is_input_constant(graph, feeds)
        if not as_iterable:
            with session:
                if not session.should_stop():
                    return session.run(predictions)
            return None
        return _predict_generator(session, predictions, iterate_batches, constant)


def _filter_predictions(predictions, outputs):
    if not outputs:
        return predictions
    if not isinstance(predictions, dict):
        raise ValueError(  # noqa: TRY004  (TF1 raised ValueError)
            "outputs argument is not valid in case of non-dict predictions.")
    chosen = {key: value for key, value in predictions.items() if key in outputs}
    if not chosen:
        raise ValueError(f"Expected to run at least one output from {list(predictions)}, "
                         f"provided {outputs}.")
    return chosen


def _predict_generator(session, predictions, iterate_batches, constant):
    with session:
        while not session.should_stop():
            values = session.run(predictions)
            if iterate_batches:
                yield values
            elif not isinstance(predictions, dict):
                yield from values
            else:
                for i in range(len(next(iter(values.values())))):
                    yield {key: value[i] for key, value in values.items()}
            if constant:
                return


class SKCompat:
    """scikit-learn's fit/score/predict on a contrib ``Estimator`` (numpy in, numpy out)."""

    def __init__(self, estimator):
        self._estimator = estimator

    def fit(self, x, y, batch_size=128, steps=None, max_steps=None, monitors=None):
        """Trains on ``x``/``y`` in shuffled batches of ``batch_size``; returns self."""
        input_fn = _feeding_input_fn(x, y, batch_size, shuffle=True, epochs=None)
        self._estimator.fit(input_fn=input_fn, steps=steps, max_steps=max_steps,
                            monitors=monitors)
        return self

    def score(self, x, y, batch_size=128, steps=None, metrics=None, name=None):
        """``evaluate`` over ``x``/``y`` once."""
        input_fn = _feeding_input_fn(x, y, batch_size, shuffle=False, epochs=1)
        return self._estimator.evaluate(input_fn=input_fn, steps=steps, metrics=metrics,
                                        name=name)

    def predict(self, x, batch_size=128, outputs=None):
        """All predictions for ``x``: an array, or a dict of arrays."""
        batches = list(self._estimator._infer_model(
            _feeding_input_fn(x, None, batch_size), outputs=outputs, iterate_batches=True,
            feeds=True))
        if batches and isinstance(batches[0], dict):
            return {key: np.concatenate([b[key] for b in batches]) for key in batches[0]}
        return np.concatenate(batches) if batches else np.array([])
