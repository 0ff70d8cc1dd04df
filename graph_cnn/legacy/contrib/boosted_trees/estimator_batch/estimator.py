"""``tensorflow.contrib.boosted_trees.estimator_batch.estimator``:
``GradientBoostedDecisionTreeClassifier`` with TF1's ``contrib.learn`` Estimator calls (``fit``,
``evaluate``, ``predict``), backed by **scikit-learn's** ``HistGradientBoostingClassifier``.
TensorFlow's boosted-trees kernels are gone and are not used; the model is scikit-learn's, its
numbers are not TF's.

What TF did, and what this does instead. TF's batch GBDT ran one training step per batch drawn
from ``input_fn``; it grew a tree layer by layer, one layer each time ``examples_per_layer``
examples had been accumulated, up to ``constraints.max_tree_depth`` layers, and stopped training
once ``num_trees`` trees were built. So TF ran at most ``num_trees * max_tree_depth *
ceil(examples_per_layer / batch_size)`` steps whatever ``max_steps`` said. ``fit`` here draws
that many batches from ``input_fn`` (fewer if ``steps``/``max_steps`` or the input end first) in
a ``tf.compat.v1`` session, keeps every example drawn (repeats counted as sample weights), and
fits ``HistGradientBoostingClassifier(learning_rate, max_iter=trees, max_depth=max_tree_depth,
l2_regularization=regularization.l2)`` on them, where ``trees`` is ``num_trees``, or the number
of trees TF would have started in the steps drawn if fewer.

Differences that remain: scikit-learn grows each tree best-first with at most 31 leaves (its
default) from all the examples, where TF grew layer by layer from ``examples_per_layer``
examples per layer; for ``n_classes > 2`` it fits one tree per class per iteration (TF's
``DIAGONAL_HESSIAN`` grew one tree with a value per class); it starts from the class log-priors
whatever ``center_bias``; it applies ``regularization.l2`` as its ``l2_regularization`` (both add
it to the leaf's hessian sum). ``regularization.l1``, ``tree_complexity``,
``constraints.min_node_weight``, feature fractions, ``pruning_mode`` and ``averaging_config``
are not applied (a warning names those set). Nothing is written to ``model_dir``: the fitted
model lives in the Python object, and a second ``fit`` on a model with all its trees does
nothing, as TF's stopped at once.
"""

import hashlib
import math
import time

import numpy as np
import tensorflow as tf

from graph_cnn.legacy import estimator as _core
from graph_cnn.legacy.contrib.boosted_trees.proto import learner_pb2

v1 = tf.compat.v1
_DEFAULT_DEPTH = 6
_DEFAULT_LEARNING_RATE = 0.1


def _matrix(features):
    """Dense features as one float32 ``[batch, n]`` tensor (a dict's tensors by sorted key)."""
    if isinstance(features, dict):
        columns = [features[k] for k in sorted(features)]
    else:
        columns = [features]
    flat = []
    for column in columns:
        if isinstance(column, tf.SparseTensor):
            raise NotImplementedError("sparse features in GradientBoostedDecisionTreeClassifier "
                                      "are not provided by graph_cnn's TF1 layer")
        column = tf.cast(column, tf.float32)
        flat.append(tf.reshape(column, [tf.shape(column)[0], -1]))
    return flat[0] if len(flat) == 1 else tf.concat(flat, 1)


def _unsupported(**arguments):
    for name, value in arguments.items():
        if value is not None:
            raise NotImplementedError(f"GradientBoostedDecisionTreeClassifier({name}=...) is not "
                                      f"provided by graph_cnn's TF1 layer")


class GradientBoostedDecisionTreeClassifier:
    """TF1's GBDT classifier on scikit-learn's histogram gradient boosting (see the module's
    docstring for what is TF's and what is scikit-learn's)."""

    def __init__(self, learner_config, examples_per_layer, n_classes=2, num_trees=None,
                 feature_columns=None, weight_column_name=None, model_dir=None, config=None,
                 label_keys=None, feature_engineering_fn=None, logits_modifier_function=None,
                 center_bias=True):
        _unsupported(feature_columns=feature_columns, weight_column_name=weight_column_name,
                     label_keys=label_keys, logits_modifier_function=logits_modifier_function)
        if not isinstance(learner_config, learner_pb2.LearnerConfig):
            raise TypeError(f"learner_config must be a learner_pb2.LearnerConfig; got "
                            f"{type(learner_config).__name__}")
        if n_classes < 2:
            raise ValueError(f"n_classes must be >= 2; got {n_classes}")
        if learner_config.num_classes == 0:
            learner_config.num_classes = n_classes
        elif learner_config.num_classes != n_classes:
            raise ValueError(f"n_classes ({n_classes}) doesn't match learner_config "
                             f"({learner_config.num_classes}).")
        self._learner_config = learner_config
        self._examples_per_layer = examples_per_layer
        self._n_classes = n_classes
        self._num_trees = num_trees
        self._model_dir = model_dir
        self._config = config if config is not None else _core.RunConfig()
        self._feature_engineering_fn = feature_engineering_fn
        self._center_bias = center_bias
        self._learning_rate, self._depth, self._l2 = self._read_config(learner_config)
        self._global_step = 0
        self._model = None

    @staticmethod
    def _read_config(config):
        tuner = config.learning_rate_tuner.WhichOneof("tuner")
        if tuner in ("dropout", "line_search"):
            raise NotImplementedError(f"learning_rate_tuner.{tuner} is not provided by "
                                      f"graph_cnn's GBDT (scikit-learn's); use fixed")
        rate = (config.learning_rate_tuner.fixed.learning_rate if tuner == "fixed"
                else _DEFAULT_LEARNING_RATE)
        if rate <= 0:
            raise ValueError(f"learning_rate_tuner.fixed.learning_rate must be > 0; got {rate}")
        ignored = [name for name, value in (
            ("regularization.l1", config.regularization.l1),
            ("regularization.tree_complexity", config.regularization.tree_complexity),
            ("constraints.min_node_weight", config.constraints.min_node_weight),
            ("feature_fraction", config.WhichOneof("feature_fraction")),
            ("averaging_config", config.averaging_config.WhichOneof("config"))) if value]
        if ignored:
            v1.logging.warning("GradientBoostedDecisionTreeClassifier: %s not applied by "
                               "scikit-learn's HistGradientBoostingClassifier", ", ".join(ignored))
        depth = config.constraints.max_tree_depth or _DEFAULT_DEPTH
        return rate, depth, config.regularization.l2

    model_dir = property(lambda self: self._model_dir)
    config = property(lambda self: self._config)

    def _steps_per_tree(self, batch_size):
        """The steps TF took to grow one tree: a layer per ``examples_per_layer`` examples."""
        per_layer = self._examples_per_layer
        layers = [per_layer(depth) if callable(per_layer) else per_layer
                  for depth in range(self._depth)]
        return sum(max(1, math.ceil(n / batch_size)) for n in layers)

    def _batches(self, input_fn):
        """``(x, y)`` NumPy batches from ``input_fn`` until it ends or the caller stops."""
        graph = tf.Graph()
        with graph.as_default():
            seed = getattr(self._config, "tf_random_seed", None)
            if seed is not None:
                v1.set_random_seed(seed)
            result = input_fn()
            features, labels = result if isinstance(result, (tuple, list)) else (result, None)
            if self._feature_engineering_fn is not None:
                features, labels = self._feature_engineering_fn(features, labels)
            if isinstance(labels, dict):
                raise NotImplementedError("GradientBoostedDecisionTreeClassifier takes labels as "
                                          "one tensor of class ids")
            fetches = [_matrix(features)]
            if labels is not None:
                fetches.append(tf.reshape(tf.cast(labels, tf.int64), [-1]))
            creator = v1.train.ChiefSessionCreator()
            with v1.train.MonitoredSession(session_creator=creator) as session:
                while True:
                    try:
                        values = session.run(fetches)
                    except tf.errors.OutOfRangeError:
                        return
                    yield values[0], (values[1] if len(values) > 1 else None)

    def _input_fn(self, x, y, batch_size, num_epochs, shuffle):
        return _core.numpy_input_fn(x, y, batch_size=batch_size or 128, num_epochs=num_epochs,
                                    shuffle=shuffle)

    def _check_labels(self, y):
        if y is None:
            raise ValueError("GradientBoostedDecisionTreeClassifier needs labels from input_fn")
        if len(y) and (y.min() < 0 or y.max() >= self._n_classes):
            raise ValueError(f"labels must be class ids in [0, {self._n_classes}); got "
                             f"{y.min()}..{y.max()}")

    def fit(self, x=None, y=None, input_fn=None, steps=None, batch_size=None, monitors=None,
            max_steps=None):
        """Draws up to TF's number of training steps from ``input_fn`` and fits the trees."""
        _unsupported(monitors=monitors)
        if (x is None) == (input_fn is None):
            raise ValueError("Either x or input_fn must be provided.")
        if steps is not None and max_steps is not None:
            raise ValueError("Can not provide both steps and max_steps.")
        for name, value in (("steps", steps), ("max_steps", max_steps)):
            if value is not None and value <= 0:
                raise ValueError(f"Must specify {name} > 0, given: {value}")
        if input_fn is None:
            input_fn = self._input_fn(x, y, batch_size, None, True)
        if max_steps is not None and self._global_step >= max_steps:
            v1.logging.info("Skipping training since max_steps has already saved.")
            return self
        if self._model is not None:
            v1.logging.info("The ensemble already has its trees; training stops, as TF's did.")
            return self
        limit = steps if steps is not None else (
            None if max_steps is None else max_steps - self._global_step)
        start = time.time()
        rows, weights, labels, index = [], [], [], {}
        drawn = needed = 0
        batches = self._batches(input_fn)
        for batch_x, batch_y in batches:
            self._check_labels(batch_y)
            if drawn == 0:
                per_tree = self._steps_per_tree(len(batch_x))
                needed = None if self._num_trees is None else self._num_trees * per_tree
            drawn += 1
            keys = np.concatenate([batch_x.view(np.uint8).reshape(len(batch_x), -1),
                                   batch_y.astype(np.int64).view(np.uint8).reshape(-1, 8)], 1)
            for row, key in enumerate(keys):
                digest = hashlib.blake2b(key.tobytes(), digest_size=16).digest()
                at = index.setdefault(digest, len(rows))
                if at == len(rows):
                    rows.append(batch_x[row])
                    labels.append(batch_y[row])
                    weights.append(0)
                weights[at] += 1
            if drawn == limit or drawn == needed:
                break
        batches.close()
        if not drawn:
            raise ValueError("input_fn gave no batch to train on")
        self._global_step += drawn
        trees = math.ceil(drawn / per_tree)
        if self._num_trees is not None:
            trees = min(trees, self._num_trees)
        v1.logging.info("GBDT: %d steps drew %d examples (%d distinct) in %.1f s", drawn,
                        int(sum(weights)), len(rows), time.time() - start)
        start = time.time()
        self._fit(np.stack(rows), np.asarray(labels), np.asarray(weights, np.float64), trees)
        v1.logging.info("GBDT: scikit-learn's HistGradientBoostingClassifier fitted %d boosting "
                        "iterations in %.1f s", trees, time.time() - start)
        return self

    def _fit(self, x, y, weights, trees):
        from sklearn.ensemble import HistGradientBoostingClassifier

        seed = getattr(self._config, "tf_random_seed", None)
        model = HistGradientBoostingClassifier(
            learning_rate=self._learning_rate, max_iter=trees, max_depth=self._depth,
            l2_regularization=self._l2, early_stopping=False,
            random_state=0 if seed is None else seed)
        if len(np.unique(y)) < 2:
            raise ValueError("the examples drawn hold one class only: gradient boosting needs "
                             "two or more")
        model.fit(x, y, sample_weight=weights)
        self._model = model

    def _probabilities(self, x):
        if self._model is None:
            raise ValueError("Could not find trained model: call fit first (graph_cnn's GBDT "
                             "keeps its model in the Python object, not in model_dir)")
        probabilities = np.zeros((len(x), self._n_classes))
        probabilities[:, self._model.classes_] = self._model.predict_proba(x)
        return probabilities

    def evaluate(self, x=None, y=None, input_fn=None, feed_fn=None, batch_size=None, steps=None,
                 metrics=None, name=None, checkpoint_path=None, hooks=None):
        """``{'accuracy', 'loss', 'global_step'}`` over the batches of ``input_fn`` (until it
        ends, or ``steps`` batches); ``loss`` is the mean softmax cross-entropy."""
        _unsupported(feed_fn=feed_fn, metrics=metrics, checkpoint_path=checkpoint_path,
                     hooks=hooks)
        if (x is None) == (input_fn is None):
            raise ValueError("Either x or input_fn must be provided.")
        if input_fn is None:
            input_fn = self._input_fn(x, y, batch_size, 1, False)
        correct = examples = 0
        loss = 0.0
        batches = self._batches(input_fn)
        for count, (batch_x, batch_y) in enumerate(batches, 1):
            self._check_labels(batch_y)
            probabilities = self._probabilities(batch_x)
            correct += int(np.sum(probabilities.argmax(1) == batch_y))
            picked = probabilities[np.arange(len(batch_y)), batch_y]
            loss += float(-np.log(np.maximum(picked, 1e-15)).sum())
            examples += len(batch_y)
            if count == steps:
                break
        batches.close()
        if not examples:
            raise ValueError("input_fn gave no batch to evaluate")
        results = {"accuracy": np.float32(correct / examples),
                   "loss": np.float32(loss / examples), "global_step": self._global_step}
        v1.logging.info("Saving dict for global step %d: %s", self._global_step,
                        ", ".join(f"{k} = {v}" for k, v in sorted(results.items())))
        return results

    def predict(self, x=None, input_fn=None, batch_size=None, outputs=None, as_iterable=True):
        """Per example ``{'probabilities', 'classes'}`` (an iterator), or with
        ``as_iterable=False`` one dict of arrays."""
        if (x is None) == (input_fn is None):
            raise ValueError("Either x or input_fn must be provided.")
        if input_fn is None:
            input_fn = self._input_fn(x, None, batch_size, 1, False)
        keys = outputs or ["probabilities", "classes"]

        def rows():
            for batch_x, _ in self._batches(input_fn):
                probabilities = self._probabilities(batch_x)
                classes = probabilities.argmax(1)
                for p, c in zip(probabilities, classes):
                    yield {k: v for k, v in (("probabilities", p), ("classes", c)) if k in keys}

        if as_iterable:
            return rows()
        every = list(rows())
        return {k: np.stack([r[k] for r in every]) for k in keys}

    def predict_classes(self, x=None, input_fn=None, batch_size=None, as_iterable=True):
        result = self.predict(x, input_fn, batch_size, ["classes"], as_iterable)
        return (r["classes"] for r in result) if as_iterable else result["classes"]

    def predict_proba(self, x=None, input_fn=None, batch_size=None, as_iterable=True):
        result = self.predict(x, input_fn, batch_size, ["probabilities"], as_iterable)
        return (r["probabilities"] for r in result) if as_iterable else result["probabilities"]
