"""contrib.learn's heads, as its canned estimators used them (TF1's ``estimators/head.py``):
predictions, the loss (the batch mean), the training op and the evaluation metrics for
multi-class, binary and regression models.

Keys as TF 1.x: ``classes`` (int64 ids), ``probabilities``, ``logits``, ``logistic`` (binary),
``scores`` (regression); evaluation gives ``accuracy`` (and for binary ``auc``,
``auc_precision_recall``, ``accuracy/baseline_label_mean``, ``accuracy/threshold_0.500000_mean``,
``labels/actual_label_mean``, ``labels/prediction_mean``,
``precision/positive_threshold_0.500000_mean``, ``recall/positive_threshold_0.500000_mean``);
``loss`` and ``global_step`` come from the Estimator. Not emulated: weight columns, centered
bias, ``label_keys``, per-class metrics.
"""

import tensorflow as tf

from graph_cnn.legacy.contrib.learn.estimators.model_fn import ModeKeys, ModelFnOps

v1 = tf.compat.v1


class PredictionKey:
    CLASSES = "classes"
    PROBABILITIES = "probabilities"
    LOGITS = "logits"
    LOGISTIC = "logistic"
    SCORES = "scores"


class _Head:
    """One head: ``logits_dimension`` outputs turned into predictions, loss and metrics."""

    def __init__(self, kind, logits_dimension):
        self.kind, self.logits_dimension = kind, logits_dimension

    def _predictions(self, logits):
        with v1.name_scope(None, "predictions", (logits,)):
            if self.kind == "regression":
                if self.logits_dimension == 1:
                    return {PredictionKey.SCORES: tf.squeeze(logits, axis=[1], name="scores")}
                return {PredictionKey.SCORES: tf.identity(logits, name="scores")}
            predictions = {PredictionKey.LOGITS: logits}
            if self.kind == "binary":
                predictions[PredictionKey.LOGISTIC] = tf.sigmoid(logits, name="logistic")
                logits = tf.concat([tf.zeros_like(logits), logits], 1, name="two_class_logits")
            predictions[PredictionKey.PROBABILITIES] = tf.nn.softmax(logits,
                                                                     name="probabilities")
            predictions[PredictionKey.CLASSES] = tf.argmax(logits, 1, name="classes")
            return predictions

    def _loss(self, labels, logits):
        """(mean loss, labels as the metrics take them)."""
        with v1.name_scope(None, "training_loss", (labels, logits)):
            if self.kind == "regression":
                labels = tf.reshape(tf.cast(labels, tf.float32), [-1, self.logits_dimension])
                return tf.reduce_mean(tf.square(logits - labels)), labels
            if isinstance(labels, tf.SparseTensor):
                raise ValueError("SparseTensor is not supported.")  # noqa: TRY004
            if not labels.dtype.is_integer and self.kind == "multi":
                raise ValueError(f"Labels dtype should be integer Instead got {labels.dtype}.")
            if self.kind == "binary":
                labels = tf.reshape(tf.cast(labels, tf.float32), [-1, 1])
                loss = tf.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits)
                return tf.reduce_mean(loss), labels
            labels = tf.reshape(labels, [-1])
            loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
            return tf.reduce_mean(loss), labels

    def _metrics(self, labels, predictions):
        if self.kind == "regression":
            return {}
        with v1.name_scope("metrics"):
            classes = predictions[PredictionKey.CLASSES]
            if self.kind == "multi":
                return {"accuracy": v1.metrics.accuracy(labels, classes)}
            logistic = predictions[PredictionKey.LOGISTIC]
            int_labels = tf.cast(labels, tf.int64)
            label_mean = v1.metrics.mean(labels)
            baseline = tuple(tf.maximum(m, 1.0 - m) for m in label_mean)
            above = tf.cast(tf.greater_equal(logistic, 0.5), tf.float32)
            suffix = "threshold_0.500000_mean"
            return {
                "accuracy": v1.metrics.accuracy(int_labels, tf.reshape(classes, [-1, 1])),
                "labels/prediction_mean": v1.metrics.mean(logistic),
                "labels/actual_label_mean": label_mean,
                "accuracy/baseline_label_mean": baseline,
                f"accuracy/{suffix}": v1.metrics.accuracy(labels, above),
                "auc": v1.metrics.auc(labels, logistic),
                "auc_precision_recall": v1.metrics.auc(labels, logistic, curve="PR"),
                f"precision/positive_{suffix}": v1.metrics.precision(labels, above),
                f"recall/positive_{suffix}": v1.metrics.recall(labels, above),
            }

    def create_model_fn_ops(self, features, mode, labels, train_op_fn, logits):
        """``ModelFnOps`` for ``mode`` from ``logits``; ``train_op_fn(loss)`` trains."""
        del features
        predictions = self._predictions(logits)
        if mode == ModeKeys.INFER:
            return ModelFnOps(mode, predictions=predictions)
        loss, labels = self._loss(labels, logits)
        if mode == ModeKeys.EVAL:
            return ModelFnOps(mode, predictions=predictions, loss=loss,
                              eval_metric_ops=self._metrics(labels, predictions))
        v1.summary.scalar("loss", loss)
        return ModelFnOps(mode, predictions=predictions, loss=loss, train_op=train_op_fn(loss))


def multi_class_head(n_classes):
    """Softmax head for ``n_classes`` > 2, sigmoid (binary) head for 2."""
    if n_classes is None or n_classes < 2:
        raise ValueError(f"n_classes must be > 1 for classification: {n_classes}.")
    return _Head("binary", 1) if n_classes == 2 else _Head("multi", n_classes)


def regression_head(label_dimension=1):
    """Squared-error head for ``label_dimension`` real targets."""
    return _Head("regression", label_dimension)


class _PredictionsOf:
    """``predict`` of one prediction key for a canned estimator (mixed in before Estimator)."""

    def _predict_key(self, key, x, input_fn, batch_size, as_iterable):
        preds = super().predict(x=x, input_fn=input_fn, batch_size=batch_size, outputs=[key],
                                as_iterable=as_iterable)
        if as_iterable:
            return (pred[key] for pred in preds)
        return preds[key] if key == PredictionKey.PROBABILITIES else preds[key].reshape(-1)


class ClassifierPredictions(_PredictionsOf):
    """A classifier's ``predict`` (class ids), ``predict_classes`` and ``predict_proba``."""

    def predict(self, x=None, input_fn=None, batch_size=None, outputs=None, as_iterable=True):
        """Class ids (or, with ``outputs``, those predictions)."""
        if not outputs:
            return self.predict_classes(x=x, input_fn=input_fn, batch_size=batch_size,
                                        as_iterable=as_iterable)
        return super().predict(x=x, input_fn=input_fn, batch_size=batch_size, outputs=outputs,
                               as_iterable=as_iterable)

    def predict_classes(self, x=None, input_fn=None, batch_size=None, as_iterable=True):
        """Predicted class ids (int64)."""
        return self._predict_key(PredictionKey.CLASSES, x, input_fn, batch_size, as_iterable)

    def predict_proba(self, x=None, input_fn=None, batch_size=None, as_iterable=True):
        """Predicted class probabilities, [n_classes] per example."""
        return self._predict_key(PredictionKey.PROBABILITIES, x, input_fn, batch_size,
                                 as_iterable)


class RegressorPredictions(_PredictionsOf):
    """A regressor's ``predict`` and ``predict_scores``."""

    def predict(self, x=None, input_fn=None, batch_size=None, outputs=None, as_iterable=True):
        """Scores (or, with ``outputs``, those predictions)."""
        if not outputs:
            return self.predict_scores(x=x, input_fn=input_fn, batch_size=batch_size,
                                       as_iterable=as_iterable)
        return super().predict(x=x, input_fn=input_fn, batch_size=batch_size, outputs=outputs,
                               as_iterable=as_iterable)

    def predict_scores(self, x=None, input_fn=None, batch_size=None, as_iterable=True):
        """Predicted scores."""
        return self._predict_key(PredictionKey.SCORES, x, input_fn, batch_size, as_iterable)
