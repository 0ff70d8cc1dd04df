"""The canned estimators ``DNNClassifier``, ``DNNRegressor``, ``LinearClassifier``,
``LinearRegressor``, ``DNNLinearCombinedClassifier`` and ``DNNLinearCombinedRegressor`` and their
classification and regression heads, as TF1's ``canned/dnn.py``, ``canned/linear.py``,
``canned/dnn_linear_combined.py`` and ``canned/head.py``."""

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

    def _unreduced_loss(self, labels, logits):
        if self.n_classes == 2:
            return tf.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits)
        return tf.expand_dims(v1.losses.sparse_softmax_cross_entropy(
            labels=labels[:, 0], logits=logits, reduction=v1.losses.Reduction.NONE), -1)

    def create_estimator_spec(self, features, mode, logits, labels, optimizer=None,
                              train_op_fn=None):
        """The spec for ``mode``; in TRAIN, ``optimizer`` minimises the loss (stepping the
        global step), or ``train_op_fn(loss)`` makes the train op."""
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
            unreduced = self._unreduced_loss(labels, logits)
            loss = v1.losses.compute_weighted_loss(unreduced, reduction=self.reduction)
            if mode == ModeKeys.EVAL:
                return EstimatorSpec(mode, predictions=predictions, loss=loss,
                                     eval_metric_ops=self._metrics(labels, predictions, unreduced))
            if train_op_fn is not None:
                train_op = train_op_fn(loss)
            else:
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


class _RegressionHead(_ClassificationHead):
    """TF1's regression head: the squared error of each of ``label_dimension`` outputs, summed
    over the batch (``loss_reduction``); predictions ``{"predictions": logits}``; metrics
    ``average_loss``, ``label/mean`` and ``prediction/mean``."""

    def __init__(self, label_dimension, loss_reduction):
        if label_dimension < 1:
            raise ValueError(f"Invalid label_dimension {label_dimension}.")
        if (loss_reduction not in v1.losses.Reduction.all()
                or loss_reduction == v1.losses.Reduction.NONE):
            raise ValueError(f"Invalid loss_reduction: {loss_reduction}")
        self.reduction, self.logits_dimension = loss_reduction, label_dimension

    def _labels(self, labels):
        if labels is None:
            raise ValueError("You must provide a labels Tensor. Given: None.")
        labels = tf.cast(tf.convert_to_tensor(labels), tf.float32)
        if labels.shape.rank == 1:
            labels = tf.expand_dims(labels, -1)
        if labels.shape[-1] not in (None, self.logits_dimension):
            raise ValueError(f"Mismatched label shape. Expected labels dimension="
                             f"{self.logits_dimension}. Received {labels.shape[-1]}.")
        return tf.identity(labels, name="labels")

    def _predictions(self, logits):
        return {"predictions": logits}

    def _unreduced_loss(self, labels, logits):
        return v1.losses.mean_squared_error(labels=labels, predictions=logits,
                                            reduction=v1.losses.Reduction.NONE)

    def _metrics(self, labels, predictions, unreduced_loss):
        with v1.name_scope("metrics"):
            return {"average_loss": v1.metrics.mean(unreduced_loss, name="average_loss"),
                    "prediction/mean": v1.metrics.mean(predictions["predictions"],
                                                       name="prediction/mean"),
                    "label/mean": v1.metrics.mean(labels, name="label/mean")}


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


def _dnn_logits(features, feature_columns, hidden_units, units, activation_fn, dropout, mode):
    """TF1's DNN logit function, in the current variable scope: ``hiddenlayer_N`` (glorot-uniform
    kernels, ``activation_fn``, dropout while training) and ``logits``, with their summaries."""
    # one-part partitioners, as TF1 set up for zero parameter servers: checkpoints hold the
    # same names (``dnn/hiddenlayer_0/kernel/t_0/Adagrad`` for its slots)
    with v1.variable_scope("input_from_feature_columns",
                           partitioner=v1.min_max_variable_partitioner(
                               0, min_slice_size=64 << 20)):
        net = v1.feature_column.input_layer(features, feature_columns)
    for index, width in enumerate(hidden_units):
        with v1.variable_scope(f"hiddenlayer_{index}") as scope:
            net = _dense(net, width, activation_fn)
            if dropout is not None and mode == ModeKeys.TRAIN:
                net = tf.nn.dropout(net, rate=dropout)
        _layer_summary(net, scope.name)
    with v1.variable_scope("logits") as scope:
        logits = _dense(net, units, None)
    _layer_summary(logits, scope.name)
    return logits


def _linear_logits(features, feature_columns, units, sparse_combiner):
    """TF1's linear logit function, in the current variable scope: ``linear_model/<column>/
    weights`` and ``bias_weights`` from zero; also the variables by column."""
    columns_to_variables = {}
    logits = v1.feature_column.linear_model(
        features, feature_columns, units=units, sparse_combiner=sparse_combiner,
        cols_to_vars=columns_to_variables)
    return logits, columns_to_variables


class _DNN(Estimator):
    """A canned feed-forward network on ``head``: ``dnn/hiddenlayer_N`` and ``dnn/logits``;
    Adagrad at 0.05 and the loss summed over the batch by default."""

    def __init__(self, head, hidden_units, feature_columns, model_dir, optimizer, activation_fn,
                 dropout, config, warm_start_from, **unsupported):
        _unsupported(**unsupported)
        hidden_units, feature_columns = list(hidden_units), tuple(feature_columns or ())

        def _model_fn(features, labels, mode, config):
            _check_features(features)
            opt = _optimizer(optimizer, learning_rate=0.05)
            with v1.variable_scope("dnn", values=tuple(features.values()),
                                   partitioner=v1.min_max_variable_partitioner(0)):
                logits = _dnn_logits(features, feature_columns, hidden_units,
                                     head.logits_dimension, activation_fn, dropout, mode)
                return head.create_estimator_spec(features, mode, logits, labels, opt)

        super().__init__(_model_fn, model_dir=model_dir, config=config,
                         warm_start_from=warm_start_from)


class DNNClassifier(_DNN):
    """TF1's canned feed-forward classifier (see ``_DNN``)."""

    def __init__(self, hidden_units, feature_columns, model_dir=None, n_classes=2,
                 weight_column=None, label_vocabulary=None, optimizer="Adagrad",
                 activation_fn=tf.nn.relu, dropout=None, input_layer_partitioner=None,
                 config=None, warm_start_from=None, loss_reduction=v1.losses.Reduction.SUM,
                 batch_norm=False):
        super().__init__(_ClassificationHead(n_classes, loss_reduction), hidden_units,
                         feature_columns, model_dir, optimizer, activation_fn, dropout, config,
                         warm_start_from, weight_column=(weight_column, None),
                         label_vocabulary=(label_vocabulary, None),
                         input_layer_partitioner=(input_layer_partitioner, None),
                         batch_norm=(batch_norm, False))


class DNNRegressor(_DNN):
    """TF1's canned feed-forward regressor (see ``_DNN``): squared error, ``label_dimension``
    outputs."""

    def __init__(self, hidden_units, feature_columns, model_dir=None, label_dimension=1,
                 weight_column=None, optimizer="Adagrad", activation_fn=tf.nn.relu,
                 dropout=None, input_layer_partitioner=None, config=None,
                 warm_start_from=None, loss_reduction=v1.losses.Reduction.SUM,
                 batch_norm=False):
        super().__init__(_RegressionHead(label_dimension, loss_reduction), hidden_units,
                         feature_columns, model_dir, optimizer, activation_fn, dropout, config,
                         warm_start_from, weight_column=(weight_column, None),
                         input_layer_partitioner=(input_layer_partitioner, None),
                         batch_norm=(batch_norm, False))


def _zero_fraction(variables):
    sizes = [tf.cast(tf.size(v), tf.float32) for v in variables]
    zeros = [tf.math.zero_fraction(v) * size for v, size in zip(variables, sizes)]
    return tf.identity(tf.add_n(zeros) / tf.add_n(sizes), name="zero_fraction")


class _Linear(Estimator):
    """A canned linear model on ``head``: ``linear/linear_model/<column>/weights`` and
    ``bias_weights`` from zero; FTRL at 0.2 (``optimizer=None``: min(0.2, 1/sqrt(columns))) and
    the loss summed over the batch by default."""

    def __init__(self, head, feature_columns, model_dir, optimizer, config, warm_start_from,
                 sparse_combiner, **unsupported):
        _unsupported(**unsupported)
        feature_columns = tuple(feature_columns or ())

        def _model_fn(features, labels, mode, config):
            _check_features(features)
            opt = _optimizer(optimizer or v1.train.FtrlOptimizer(
                min(0.2, 1.0 / math.sqrt(len(feature_columns)))), learning_rate=0.2)
            with v1.variable_scope("linear", values=tuple(features.values()),
                                   partitioner=v1.min_max_variable_partitioner(
                                       0, min_slice_size=64 << 20)):
                logits, columns_to_variables = _linear_logits(
                    features, feature_columns, head.logits_dimension, sparse_combiner)
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


class LinearClassifier(_Linear):
    """TF1's canned linear classifier (see ``_Linear``)."""

    def __init__(self, feature_columns, model_dir=None, n_classes=2, weight_column=None,
                 label_vocabulary=None, optimizer="Ftrl", config=None, partitioner=None,
                 warm_start_from=None, loss_reduction=v1.losses.Reduction.SUM,
                 sparse_combiner="sum"):
        super().__init__(_ClassificationHead(n_classes, loss_reduction), feature_columns,
                         model_dir, optimizer, config, warm_start_from, sparse_combiner,
                         weight_column=(weight_column, None),
                         label_vocabulary=(label_vocabulary, None),
                         partitioner=(partitioner, None))


class LinearRegressor(_Linear):
    """TF1's canned linear regressor (see ``_Linear``): squared error, ``label_dimension``
    outputs."""

    def __init__(self, feature_columns, model_dir=None, label_dimension=1, weight_column=None,
                 optimizer="Ftrl", config=None, partitioner=None, warm_start_from=None,
                 loss_reduction=v1.losses.Reduction.SUM, sparse_combiner="sum"):
        super().__init__(_RegressionHead(label_dimension, loss_reduction), feature_columns,
                         model_dir, optimizer, config, warm_start_from, sparse_combiner,
                         weight_column=(weight_column, None), partitioner=(partitioner, None))


class _DNNLinearCombined(Estimator):
    """TF1's wide and deep model on ``head``: the logits of a linear model (``linear/``, FTRL at
    min(0.005, 1/sqrt(columns)) by default) and of a DNN (``dnn/``, Adagrad at 0.001) summed;
    each optimizer updates its own part, then the global step moves once."""

    def __init__(self, head, model_dir, linear_feature_columns, linear_optimizer,
                 dnn_feature_columns, dnn_optimizer, dnn_hidden_units, dnn_activation_fn,
                 dnn_dropout, config, warm_start_from, linear_sparse_combiner, **unsupported):
        _unsupported(**unsupported)
        linear_columns = tuple(linear_feature_columns or ())
        dnn_columns = tuple(dnn_feature_columns or ())
        if not linear_columns and not dnn_columns:
            raise ValueError("Either linear_feature_columns or dnn_feature_columns must be "
                             "defined.")
        if dnn_columns and not dnn_hidden_units:
            raise ValueError(f"dnn_hidden_units must be defined when dnn_feature_columns is "
                             f"specified. Given: {dnn_feature_columns}")

        def _model_fn(features, labels, mode, config):
            _check_features(features)
            parts = []  # (logits, scope name, optimizer)
            if dnn_columns:
                with v1.variable_scope("dnn", values=tuple(features.values()),
                                       partitioner=v1.min_max_variable_partitioner(0)) as scope:
                    logits = _dnn_logits(features, dnn_columns, list(dnn_hidden_units),
                                         head.logits_dimension, dnn_activation_fn, dnn_dropout,
                                         mode)
                parts.append((logits, scope.name, _optimizer(dnn_optimizer, 0.001)))
            if linear_columns:
                with v1.variable_scope("linear", values=tuple(features.values()),
                                       partitioner=v1.min_max_variable_partitioner(
                                           0, min_slice_size=64 << 20)) as scope:
                    logits, _ = _linear_logits(features, linear_columns, head.logits_dimension,
                                               linear_sparse_combiner)
                    _layer_summary(logits, scope.name)
                rate = min(0.005, 1.0 / math.sqrt(len(linear_columns)))
                parts.append((logits, scope.name, _optimizer(linear_optimizer, rate)))

            def _train_op_fn(loss):
                steps = [opt.minimize(loss, var_list=v1.get_collection(
                    v1.GraphKeys.TRAINABLE_VARIABLES, scope=name)) for _, name, opt in parts]
                with tf.control_dependencies([tf.group(*steps)]):
                    return v1.assign_add(v1.train.get_global_step(), 1)

            total = tf.add_n([logits for logits, _, _ in parts])
            return head.create_estimator_spec(features, mode, total, labels,
                                              train_op_fn=_train_op_fn)

        super().__init__(_model_fn, model_dir=model_dir, config=config,
                         warm_start_from=warm_start_from)


class DNNLinearCombinedClassifier(_DNNLinearCombined):
    """TF1's wide and deep classifier (see ``_DNNLinearCombined``)."""

    def __init__(self, model_dir=None, linear_feature_columns=None, linear_optimizer="Ftrl",
                 dnn_feature_columns=None, dnn_optimizer="Adagrad", dnn_hidden_units=None,
                 dnn_activation_fn=tf.nn.relu, dnn_dropout=None, n_classes=2,
                 weight_column=None, label_vocabulary=None, input_layer_partitioner=None,
                 config=None, warm_start_from=None, loss_reduction=v1.losses.Reduction.SUM,
                 batch_norm=False, linear_sparse_combiner="sum"):
        super().__init__(_ClassificationHead(n_classes, loss_reduction), model_dir,
                         linear_feature_columns, linear_optimizer, dnn_feature_columns,
                         dnn_optimizer, dnn_hidden_units, dnn_activation_fn, dnn_dropout, config,
                         warm_start_from, linear_sparse_combiner,
                         weight_column=(weight_column, None),
                         label_vocabulary=(label_vocabulary, None),
                         input_layer_partitioner=(input_layer_partitioner, None),
                         batch_norm=(batch_norm, False))


class DNNLinearCombinedRegressor(_DNNLinearCombined):
    """TF1's wide and deep regressor (see ``_DNNLinearCombined``)."""

    def __init__(self, model_dir=None, linear_feature_columns=None, linear_optimizer="Ftrl",
                 dnn_feature_columns=None, dnn_optimizer="Adagrad", dnn_hidden_units=None,
                 dnn_activation_fn=tf.nn.relu, dnn_dropout=None, label_dimension=1,
                 weight_column=None, input_layer_partitioner=None, config=None,
                 warm_start_from=None, loss_reduction=v1.losses.Reduction.SUM,
                 batch_norm=False, linear_sparse_combiner="sum"):
        super().__init__(_RegressionHead(label_dimension, loss_reduction), model_dir,
                         linear_feature_columns, linear_optimizer, dnn_feature_columns,
                         dnn_optimizer, dnn_hidden_units, dnn_activation_fn, dnn_dropout, config,
                         warm_start_from, linear_sparse_combiner,
                         weight_column=(weight_column, None),
                         input_layer_partitioner=(input_layer_partitioner, None),
                         batch_norm=(batch_norm, False))
