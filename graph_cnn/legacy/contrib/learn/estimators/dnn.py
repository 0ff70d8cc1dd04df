"""contrib.learn's ``DNNClassifier`` and ``DNNRegressor`` (TF1's ``estimators/dnn.py``): feature
columns into ``dnn/input_from_feature_columns``, ``dnn/hiddenlayer_N`` and ``dnn/logits`` fully
connected layers (``weights``, xavier; ``biases``, zeros), Adagrad at 0.05 by default, the loss
the batch mean; ``predict`` gives classes (or scores) as TF 1.x did.

Not emulated: ``weight_column_name``, ``enable_centered_bias=True``, ``label_keys``,
``embedding_lr_multipliers`` and parameter-server partitioning.
"""

import tensorflow as tf

from graph_cnn.legacy.contrib import feature_column as _columns
from graph_cnn.legacy.contrib import layers as _layers
from graph_cnn.legacy.contrib.learn.estimators import head as head_lib
from graph_cnn.legacy.contrib.learn.estimators.estimator import Estimator
from graph_cnn.legacy.contrib.learn.estimators.model_fn import ModeKeys
from graph_cnn.legacy.estimator.canned import _unsupported

v1 = tf.compat.v1
_LEARNING_RATE = 0.05


def _feature_dict(features):
    return features if isinstance(features, dict) else {"": features}


def _optimizer(optimizer, default):
    """TF1's optimizer argument: None (``default``), a name, an instance or a callable."""
    if optimizer is None:
        return default
    if callable(optimizer) and not isinstance(optimizer, (str, v1.train.Optimizer, type)):
        return optimizer()
    return optimizer


def _add_layer_summary(value, tag):
    v1.summary.scalar(f"{tag}/fraction_of_zero_values", tf.math.zero_fraction(value))
    v1.summary.histogram(f"{tag}/activation", value)


def _dnn_model_fn(features, labels, mode, params):
    head = params["head"]
    features = _feature_dict(features)
    with v1.variable_scope("dnn", values=tuple(features.values())):
        net = _columns.input_from_feature_columns(features, params["feature_columns"],
                                                  weight_collections=["dnn"])
        for layer_id, units in enumerate(params["hidden_units"]):
            with v1.variable_scope(f"hiddenlayer_{layer_id}", values=(net,)) as scope:
                net = _layers.fully_connected(net, units, activation_fn=params["activation_fn"],
                                              variables_collections=["dnn"], scope=scope)
                if params["dropout"] is not None and mode == ModeKeys.TRAIN:
                    net = _layers.dropout(net, keep_prob=1.0 - params["dropout"])
            _add_layer_summary(net, scope.name)
        with v1.variable_scope("logits", values=(net,)) as scope:
            logits = _layers.fully_connected(net, head.logits_dimension, activation_fn=None,
                                             variables_collections=["dnn"], scope=scope)
        _add_layer_summary(logits, scope.name)

        def train_op_fn(loss):
            return _layers.optimize_loss(
                loss=loss, global_step=v1.train.get_global_step(),
                learning_rate=_LEARNING_RATE,
                optimizer=_optimizer(params["optimizer"], "Adagrad"),
                clip_gradients=params["gradient_clip_norm"], name="dnn", summaries=[])

        return head.create_model_fn_ops(features, mode, labels, train_op_fn, logits)


class _DNNEstimator(Estimator):
    def __init__(self, head, hidden_units, feature_columns, model_dir, optimizer, activation_fn,
                 dropout, gradient_clip_norm, config, feature_engineering_fn):
        self._feature_columns = tuple(feature_columns or ())
        super().__init__(model_fn=_dnn_model_fn, model_dir=model_dir, config=config,
                         params={"head": head, "hidden_units": list(hidden_units),
                                 "feature_columns": self._feature_columns,
                                 "optimizer": optimizer, "activation_fn": activation_fn,
                                 "dropout": dropout, "gradient_clip_norm": gradient_clip_norm},
                         feature_engineering_fn=feature_engineering_fn)


class DNNClassifier(head_lib.ClassifierPredictions, _DNNEstimator):
    """A feed-forward classifier; ``predict`` gives class ids."""

    def __init__(self, hidden_units, feature_columns, model_dir=None, n_classes=2,
                 weight_column_name=None, optimizer=None, activation_fn=tf.nn.relu,
                 dropout=None, gradient_clip_norm=None, enable_centered_bias=False,
                 config=None, feature_engineering_fn=None, embedding_lr_multipliers=None,
                 input_layer_min_slice_size=None, label_keys=None):
        _unsupported(weight_column_name=(weight_column_name, None),
                     enable_centered_bias=(enable_centered_bias, False),
                     embedding_lr_multipliers=(embedding_lr_multipliers, None),
                     label_keys=(label_keys, None))
        super().__init__(head_lib.multi_class_head(n_classes), hidden_units, feature_columns,
                         model_dir, optimizer, activation_fn, dropout, gradient_clip_norm,
                         config, feature_engineering_fn)


class DNNRegressor(head_lib.RegressorPredictions, _DNNEstimator):
    """A feed-forward regressor of ``label_dimension`` targets; ``predict`` gives scores."""

    def __init__(self, hidden_units, feature_columns, model_dir=None, weight_column_name=None,
                 optimizer=None, activation_fn=tf.nn.relu, dropout=None,
                 gradient_clip_norm=None, enable_centered_bias=False, config=None,
                 feature_engineering_fn=None, label_dimension=1, embedding_lr_multipliers=None,
                 input_layer_min_slice_size=None):
        _unsupported(weight_column_name=(weight_column_name, None),
                     enable_centered_bias=(enable_centered_bias, False),
                     embedding_lr_multipliers=(embedding_lr_multipliers, None))
        super().__init__(head_lib.regression_head(label_dimension), hidden_units,
                         feature_columns, model_dir, optimizer, activation_fn, dropout,
                         gradient_clip_norm, config, feature_engineering_fn)
