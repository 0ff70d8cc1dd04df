"""contrib.learn's ``ModeKeys`` and ``ModelFnOps``, what a contrib ``model_fn`` sees and returns
(TF1's ``estimators/model_fn.py``); ``ModelFnOps.estimator_spec()`` is the ``tf.estimator``
spec the Estimator here runs."""

import collections

import tensorflow as tf

from graph_cnn.legacy.estimator.model_fn import EstimatorSpec
from graph_cnn.legacy.estimator.model_fn import ModeKeys as _CoreModeKeys


class ModeKeys:
    """contrib's mode names; the strings are ``tf.estimator.ModeKeys``'."""

    TRAIN = _CoreModeKeys.TRAIN
    EVAL = _CoreModeKeys.EVAL
    INFER = _CoreModeKeys.PREDICT


class ModelFnOps(collections.namedtuple("ModelFnOps", [
        "predictions", "loss", "train_op", "eval_metric_ops", "output_alternatives",
        "training_chief_hooks", "training_hooks", "scaffold", "mode"])):
    """What a contrib ``model_fn`` returns: checked as ``EstimatorSpec`` is (TRAIN needs
    ``loss`` and ``train_op``, EVAL ``loss``, INFER ``predictions``)."""

    def __new__(cls, mode, predictions=None, loss=None, train_op=None, eval_metric_ops=None,
                output_alternatives=None, training_chief_hooks=None, training_hooks=None,
                scaffold=None):
        if isinstance(eval_metric_ops, dict):  # contrib took a bare value as a metric too
            eval_metric_ops = {key: value if isinstance(value, tuple) else (value, tf.no_op())
                               for key, value in eval_metric_ops.items()}
        spec = EstimatorSpec(mode, predictions=predictions, loss=loss, train_op=train_op,
                             eval_metric_ops=eval_metric_ops, scaffold=scaffold,
                             training_chief_hooks=training_chief_hooks,
                             training_hooks=training_hooks)
        return super().__new__(cls, spec.predictions, spec.loss, spec.train_op,
                               dict(spec.eval_metric_ops), output_alternatives,
                               list(spec.training_chief_hooks), list(spec.training_hooks),
                               spec.scaffold, mode)

    def estimator_spec(self, default_serving_output_alternative_key=None):
        """The same ops as a ``tf.estimator.EstimatorSpec``."""
        del default_serving_output_alternative_key
        return EstimatorSpec(self.mode, predictions=self.predictions, loss=self.loss,
                             train_op=self.train_op, eval_metric_ops=self.eval_metric_ops,
                             training_chief_hooks=self.training_chief_hooks,
                             training_hooks=self.training_hooks, scaffold=self.scaffold)
