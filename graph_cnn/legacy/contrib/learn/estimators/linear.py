"""contrib.learn's ``LinearClassifier`` and ``LinearRegressor`` (TF1's ``estimators/linear.py``):
one weight per column value, ``linear/<column>/weight`` and ``linear/bias_weight`` as TF1 named
them, FTRL at min(0.2, 1/sqrt(columns)) by default, the loss the batch mean.

Not emulated: ``weight_column_name``, ``enable_centered_bias=True``, ``_joint_weight``,
``label_keys`` and the SDCA optimizer.
"""

import math
import re

import tensorflow as tf

from graph_cnn.legacy.contrib import layers as _layers
from graph_cnn.legacy.contrib.learn.estimators import head as head_lib
from graph_cnn.legacy.contrib.learn.estimators.dnn import _feature_dict, _optimizer
from graph_cnn.legacy.contrib.learn.estimators.estimator import Estimator
from graph_cnn.legacy.estimator.canned import _unsupported

v1 = tf.compat.v1
_LEARNING_RATE = 0.2


def _contrib_names(getter, name, *args, **kwargs):
    """``linear/linear_model/<column>/weights`` as contrib named it: ``linear/<column>/weight``
    (and ``linear/bias_weight``)."""
    name = re.sub(r"^(.*)linear_model/bias_weights$", r"\1bias_weight", name)
    name = re.sub(r"^(.*)linear_model/(.*)/weights$", r"\1\2/weight", name)
    return getter(name, *args, **kwargs)


def _linear_model_fn(features, labels, mode, params):
    head, columns = params["head"], params["feature_columns"]
    features = _feature_dict(features)
    with v1.variable_scope("linear", values=tuple(features.values()),
                           custom_getter=_contrib_names):
        logits = v1.feature_column.linear_model(features, columns,
                                                units=head.logits_dimension,
                                                weight_collections=["linear"])

        def train_op_fn(loss):
            default = v1.train.FtrlOptimizer(min(_LEARNING_RATE, 1.0 / math.sqrt(len(columns))))
            return _layers.optimize_loss(
                loss=loss, global_step=v1.train.get_global_step(),
                learning_rate=_LEARNING_RATE, optimizer=_optimizer(params["optimizer"], default),
                clip_gradients=params["gradient_clip_norm"], name="linear", summaries=[])

        return head.create_model_fn_ops(features, mode, labels, train_op_fn, logits)


class LinearClassifier(head_lib.ClassifierPredictions, Estimator):
    """A linear classifier; ``predict`` gives class ids."""

    def __init__(self, feature_columns, model_dir=None, n_classes=2, weight_column_name=None,
                 optimizer=None, gradient_clip_norm=None, enable_centered_bias=False,
                 _joint_weight=False, config=None, feature_engineering_fn=None,
                 label_keys=None):
        _unsupported(weight_column_name=(weight_column_name, None),
                     enable_centered_bias=(enable_centered_bias, False),
                     _joint_weight=(_joint_weight, False), label_keys=(label_keys, None))
        self._feature_columns = tuple(feature_columns or ())
        super().__init__(model_fn=_linear_model_fn, model_dir=model_dir, config=config,
                         params={"head": head_lib.multi_class_head(n_classes),
                                 "feature_columns": self._feature_columns,
                                 "optimizer": optimizer,
                                 "gradient_clip_norm": gradient_clip_norm},
                         feature_engineering_fn=feature_engineering_fn)


class LinearRegressor(head_lib.RegressorPredictions, Estimator):
    """A linear regressor of ``label_dimension`` targets; ``predict`` gives scores."""

    def __init__(self, feature_columns, model_dir=None, weight_column_name=None,
                 optimizer=None, gradient_clip_norm=None, enable_centered_bias=False,
                 label_dimension=1, _joint_weights=False, config=None,
                 feature_engineering_fn=None):
        _unsupported(weight_column_name=(weight_column_name, None),
                     enable_centered_bias=(enable_centered_bias, False),
                     _joint_weights=(_joint_weights, False))
        self._feature_columns = tuple(feature_columns or ())
        super().__init__(model_fn=_linear_model_fn, model_dir=model_dir, config=config,
                         params={"head": head_lib.regression_head(label_dimension),
                                 "feature_columns": self._feature_columns,
                                 "optimizer": optimizer,
                                 "gradient_clip_norm": gradient_clip_norm},
                         feature_engineering_fn=feature_engineering_fn)
