"""The canned estimators ``DNNClassifier`` and ``LinearClassifier`` and their classification
head, as TF1's ``canned/dnn.py``, ``canned/linear.py`` and ``canned/head.py``."""

import math

import tensorflow as tf

from graph_cnn.legacy.estimator.estimator import Estimator
from graph_cnn.legacy.estimator.model_fn import EstimatorSpec, ModeKeys

v1 = tf.compat.v1


_OPTIMIZERS = {
    "Adagrad": v1.train.AdagradOptimizer,
    "Adam": v1.train.AdamOptimizer,
    "Ftrl": v1.train.FtrlOptimizer,
    "RMSProp": v1.train.RMSPropOptimizer,
    "SGD": v1.train.GradientDescentOptimizer,
}


def _optimizer(opt, learning_rate):
    """TF1's optimizer argument: a name (built with ``learning_rate``), an instance or a
    callable returning one."""
    if isinstance(opt, str):
        if opt not in _OPTIMIZERS:
            raise ValueError(f"Unsupported optimizer name: {opt}. Supported names are: "
                             f"{tuple(sorted(_OPTIMIZERS))}")
        return _OPTIMIZERS[opt](learning_rate=learning_rate)
    if callable(opt):
        opt = opt()
    if not isinstance(opt, v1.train.Optimizer):
        raise ValueError(f"The given object is not an Optimizer instance. Given: {opt}")
    return opt


def _unsupported(**arguments):
    for name, (value, default) in arguments.items():
        if value != default:
            raise NotImplementedError(f"{name}={value!r} is not supported by graph_cnn's canned "
                                      f"estimators")


class _ClassificationHead:
    """TF1's classification head: softmax cross entropy for n_classes > 2, sigmoid for 2,
    summed over the batch (``loss_reduction``) as the v1 canned estimators did."""

    def __init__(self, n_classes, loss_reduction):
        if n_classes is None or n_classes <= 1:
            raise ValueError(f"n_classes must be > 1: {n_classes}")
        if (loss_reduction not in v1.losses.Reduction.all()
                or loss_reduction == v1.losses.Reduction.NONE):
            raise ValueError(f"Invalid loss_reduction: {loss_reduction}")
        self.n_classes, self.reduction = n_classes, loss_reduction
        self.logits_dimension = 1 if n_classes == 2 else n_classes

    def _labels(self, labels):
        if labels is None:
            raise ValueError("You must provide a labels Tensor. Given: None. Suggested "
                             "troubleshooting steps: Check that your data contain your label "
                             "feature. Check that your input_fn properly parses and returns "
                             "labels.")
        if isinstance(labels, dict):
            raise ValueError(f"labels must be a Tensor for a single-head classifier; got a dict "
                             f"with keys {sorted(labels)}")
        labels = tf.convert_to_tensor(labels)
        if labels.shape.rank == 1:
            labels = tf.expand_dims(labels, -1)
        if labels.shape.rank not in (None, 2) or labels.shape[-1] not in (None, 1):
            raise ValueError(f"labels shape must be [D0, D1, ... DN, 1]. Suggested Fix: check "
                             f"your n_classes argument to the estimator and/or the shape of "
                             f"your label. Given shape: {labels.shape}")
        if self.n_classes == 2:
            labels = tf.cast(labels, tf.float32)
            checks = [v1.assert_less_equal(labels, 1.0, message="Labels must <= n_classes - 1"),
                      v1.assert_non_negative(labels, message="Labels must >= 0")]
        else:
            if not labels.dtype.is_integer:
                raise ValueError(f"Labels dtype should be integer. Instead got {labels.dtype}.")
            labels = tf.cast(labels, tf.int64)
            checks = [v1.assert_less(labels, tf.constant(self.n_classes, tf.int64),
                                     message="Labels must <= n_classes - 1"),
                      v1.assert_non_negative(labels, message="Labels must >= 0")]
        with tf.control_dependencies(checks):
            return tf.identity(labels, name="labels")

    def _predictions(self, logits):
        batch = tf.shape(logits)[0]
        if self.n_classes == 2:
            logistic = tf.sigmoid(logits, name="logistic")
            class_logits = tf.concat([tf.zeros_like(logits), logits], -1, name="two_class_logits")
        else:
            class_logits = logits
        probabilities = tf.nn.softmax(class_logits, name="probabilities")
        class_ids = tf.expand_dims(tf.argmax(class_logits, -1, name="class_ids"), -1)
        ids = tf.range(self.n_classes)
        predictions = {
            "logits": logits,
            "probabilities": probabilities,
            "class_ids": class_ids,
            "classes": tf.strings.as_string(class_ids, name="str_classes"),
            "all_class_ids": tf.tile(ids[None], [batch, 1]),
            "all_classes": tf.tile(tf.strings.as_string(ids)[None], [batch, 1]),
        }
        if self.n_classes == 2:
            predictions["logistic"] = logistic
        return predictions

    def _metrics(self, labels, predictions, unreduced_loss):
        with v1.name_scope("metrics"):
            class_ids = predictions["class_ids"]
            metrics = {
                "average_loss": v1.metrics.mean(unreduced_loss, name="average_loss"),
                "accuracy": v1.metrics.accuracy(labels, class_ids, name="accuracy"),
            }
            if self.n_classes == 2:
                logistic = predictions["logistic"]
                label_mean = v1.metrics.mean(labels, name="label/mean")
                metrics.update({
                    "precision": v1.metrics.precision(labels, class_ids, name="precision"),
                    "recall": v1.metrics.recall(labels, class_ids, name="recall"),
                    "prediction/mean": v1.metrics.mean(logistic, name="prediction/mean"),
                    "label/mean": label_mean,
                    "accuracy_baseline": (tf.maximum(label_mean[0], 1.0 - label_mean[0]),
                                          tf.maximum(label_mean[1], 1.0 - label_mean[1])),
                    "auc": v1.metrics.auc(labels, logistic, name="auc"),
                    "auc_precision_recall": v1.metrics.auc(labels, logistic, curve="PR",
                                                           name="auc_precision_recall"),
                })
        return metrics

    def create_estimator_spec(self, features, mode, logits, labels, optimizer):
        """The spec for ``mode``; ``optimizer`` is used in TRAIN only."""
        del features  # no weight column
        with v1.name_scope("head"):
            logits = tf.cast(logits, tf.float32)
            if logits.shape[-1] != self.logits_dimension:
                raise ValueError(f"logits shape must be [D0, D1, ... DN, logits_dimension="
                                 f"{self.logits_dimension}], got {logits.shape}.")
            with v1.name_scope("predictions"):
                predictions = self._predictions(logits)
            if mode == ModeKeys.PREDICT:
                return EstimatorSpec(mode, predictions=predictions)
            labels = self._labels(labels)
            if self.n_classes == 2:
                unreduced = tf.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits)
            else:
                unreduced = tf.expand_dims(v1.losses.sparse_softmax_cross_entropy(
                    labels=labels[:, 0], logits=logits, reduction=v1.losses.Reduction.NONE), -1)
            loss = v1.losses.compute_weighted_loss(unreduced, reduction=self.reduction)
            if mode == ModeKeys.EVAL:
                return EstimatorSpec(mode, predictions=predictions, loss=loss,
                                     eval_metric_ops=self._metrics(labels, predictions, unreduced))
            train_op = optimizer.minimize(loss, global_step=v1.train.get_global_step())
            update_ops = v1.get_collection(v1.GraphKeys.UPDATE_OPS)
            if update_ops:
                train_op = tf.group(train_op, *update_ops)
            if self.reduction == v1.losses.Reduction.SUM:
                mean_loss = loss / tf.cast(tf.size(unreduced), tf.float32)
            else:
                mean_loss = None
        with v1.name_scope(""):
            v1.summary.scalar("loss", loss)
            if mean_loss is not None:
                v1.summary.scalar("average_loss", mean_loss)
        return EstimatorSpec(mode, predictions=predictions, loss=loss, train_op=train_op)


def _check_features(features):
    if not isinstance(features, dict):
        raise ValueError(f"features should be a dictionary of `Tensor`s. Given type: "
                         f"{type(features)}")


def _dense(inputs, units, activation):
    kernel = v1.get_variable("kernel", [int(inputs.shape[-1]), units],
                             initializer=v1.glorot_uniform_initializer())
    bias = v1.get_variable("bias", [units], initializer=v1.zeros_initializer())
    outputs = tf.nn.bias_add(tf.matmul(inputs, kernel), bias)
    return activation(outputs) if activation is not None else outputs


def _layer_summary(value, tag):
    v1.summary.scalar(f"{tag}/fraction_of_zero_values", tf.math.zero_fraction(value))
    v1.summary.histogram(f"{tag}/activation", value)


class DNNClassifier(Estimator):
    """TF1's canned feed-forward classifier: ``dnn/hiddenlayer_N`` layers (glorot-uniform
    kernels, ``activation_fn``, dropout while training) and ``dnn/logits``; Adagrad at 0.05 and
    the loss summed over the batch by default."""

    def __init__(self, hidden_units, feature_columns, model_dir=None, n_classes=2,
                 weight_column=None, label_vocabulary=None, optimizer="Adagrad",
                 activation_fn=tf.nn.relu, dropout=None, input_layer_partitioner=None,
                 config=None, warm_start_from=None, loss_reduction=v1.losses.Reduction.SUM,
                 batch_norm=False):
        _unsupported(weight_column=(weight_column, None),
                     label_vocabulary=(label_vocabulary, None),
                     input_layer_partitioner=(input_layer_partitioner, None),
                     batch_norm=(batch_norm, False))
        head = _ClassificationHead(n_classes, loss_reduction)
        hidden_units, feature_columns = list(hidden_units), tuple(feature_columns or ())

        def _model_fn(features, labels, mode, config):
            _check_features(features)
            opt = _optimizer(optimizer, learning_rate=0.05)
            # one-part partitioners, as TF1 set up for zero parameter servers: checkpoints
            # hold the same names (``dnn/hiddenlayer_0/kernel/t_0/Adagrad`` for its slots)
            with v1.variable_scope("dnn", values=tuple(features.values()),
                                   partitioner=v1.min_max_variable_partitioner(0)):
                with v1.variable_scope("input_from_feature_columns",
                                       partitioner=v1.min_max_variable_partitioner(
                                           0, min_slice_size=64 << 20)):
                    net = v1.feature_column.input_layer(features, feature_columns)
                for index, units in enumerate(hidden_units):
                    with v1.variable_scope(f"hiddenlayer_{index}") as scope:
                        net = _dense(net, units, activation_fn)
                        if dropout is not None and mode == ModeKeys.TRAIN:
                            net = tf.nn.dropout(net, rate=dropout)
                    _layer_summary(net, scope.name)
                with v1.variable_scope("logits") as scope:
                    logits = _dense(net, head.logits_dimension, None)
                _layer_summary(logits, scope.name)
                return head.create_estimator_spec(features, mode, logits, labels, opt)

        super().__init__(_model_fn, model_dir=model_dir, config=config,
                         warm_start_from=warm_start_from)


def _zero_fraction(variables):
    sizes = [tf.cast(tf.size(v), tf.float32) for v in variables]
    zeros = [tf.math.zero_fraction(v) * size for v, size in zip(variables, sizes)]
    return tf.identity(tf.add_n(zeros) / tf.add_n(sizes), name="zero_fraction")


class LinearClassifier(Estimator):
    """TF1's canned linear classifier: ``linear/linear_model/<column>/weights`` and
    ``bias_weights`` from zero; FTRL at 0.2 (``optimizer=None``: min(0.2, 1/sqrt(columns))) and
    the loss summed over the batch by default."""

    def __init__(self, feature_columns, model_dir=None, n_classes=2, weight_column=None,
                 label_vocabulary=None, optimizer="Ftrl", config=None, partitioner=None,
                 warm_start_from=None, loss_reduction=v1.losses.Reduction.SUM,
                 sparse_combiner="sum"):
        _unsupported(weight_column=(weight_column, None),
                     label_vocabulary=(label_vocabulary, None),
                     partitioner=(partitioner, None))
        head = _ClassificationHead(n_classes, loss_reduction)
        feature_columns = tuple(feature_columns or ())

        def _model_fn(features, labels, mode, config):
            _check_features(features)
            opt = _optimizer(optimizer or v1.train.FtrlOptimizer(
                min(0.2, 1.0 / math.sqrt(len(feature_columns)))), learning_rate=0.2)
            with v1.variable_scope("linear", values=tuple(features.values()),
                                   partitioner=v1.min_max_variable_partitioner(
                                       0, min_slice_size=64 << 20)):
                columns_to_variables = {}
                logits = v1.feature_column.linear_model(
                    features, feature_columns, units=head.logits_dimension,
                    sparse_combiner=sparse_combiner, cols_to_vars=columns_to_variables)
                bias = columns_to_variables.pop("bias")
                if head.logits_dimension > 1:
                    v1.summary.histogram("bias", bias)
                else:
                    v1.summary.scalar("bias", bias[0][0])
                v1.summary.scalar("fraction_of_zero_weights", _zero_fraction(
                    [v for vs in columns_to_variables.values() for v in vs]))
                return head.create_estimator_spec(features, mode, logits, labels, opt)

        super().__init__(_model_fn, model_dir=model_dir, config=config,
                         warm_start_from=warm_start_from)
