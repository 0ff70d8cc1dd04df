"""``ModeKeys`` and ``EstimatorSpec``, what a ``model_fn`` is called with and returns, as TF1's
``model_fn.py`` had them, with the checks of tensors and hooks the other modules share."""

import collections

import tensorflow as tf

v1 = tf.compat.v1


class ModeKeys:
    """Standard names for the three modes a ``model_fn`` is called in."""

    TRAIN = "train"
    EVAL = "eval"
    PREDICT = "infer"


def _in_default_graph(value, what):
    if value.graph is not v1.get_default_graph():
        raise ValueError(f"{what} with {value.name!r} must be from the default graph: build it "
                         f"inside the model_fn call that returns it")


def _check_tensor(value, what, operation_ok=False):
    kinds = (tf.Tensor, tf.Variable) + ((tf.Operation,) if operation_ok else ())
    if not isinstance(value, kinds):
        raise TypeError(f"{what} must be {'Operation or ' if operation_ok else ''}Tensor, "
                        f"given: {value}")
    return value


def _check_hooks(hooks, what="Hooks"):
    hooks = list(hooks or [])
    for hook in hooks:
        if not isinstance(hook, v1.train.SessionRunHook):
            raise TypeError(f"{what} must be SessionRunHook instances, given: {hook}")
    return hooks


class EstimatorSpec(collections.namedtuple("EstimatorSpec", [
        "mode", "predictions", "loss", "train_op", "eval_metric_ops", "export_outputs",
        "training_chief_hooks", "training_hooks", "scaffold", "evaluation_hooks",
        "prediction_hooks"])):
    """What a ``model_fn`` returns, validated as TF1 did: TRAIN needs ``loss`` and ``train_op``,
    EVAL ``loss``, PREDICT ``predictions``."""

    def __new__(cls, mode, predictions=None, loss=None, train_op=None, eval_metric_ops=None,
                export_outputs=None, training_chief_hooks=None, training_hooks=None,
                scaffold=None, evaluation_hooks=None, prediction_hooks=None):
        if train_op is None:
            if mode == ModeKeys.TRAIN:
                raise ValueError("Missing train_op.")
        else:
            _in_default_graph(_check_tensor(train_op, "train_op", operation_ok=True), "train_op")
        if loss is None:
            if mode in (ModeKeys.TRAIN, ModeKeys.EVAL):
                raise ValueError("Missing loss.")
        else:
            _check_tensor(loss, "loss")
            if loss.shape.num_elements() not in (None, 1):
                raise ValueError(f"Loss must be scalar, given: {loss}")
            _in_default_graph(loss, "loss")
            if loss.shape.rank != 0:
                loss = tf.reshape(loss, [])
        if predictions is None:
            if mode == ModeKeys.PREDICT:
                raise ValueError("Missing predictions.")
            predictions = {}
        elif isinstance(predictions, dict):
            for key, value in predictions.items():
                _in_default_graph(_check_tensor(value, f"predictions[{key}]"), "prediction values")
        else:
            _in_default_graph(_check_tensor(predictions, "predictions"), "prediction values")
        if export_outputs is not None and not isinstance(export_outputs, dict):
            raise TypeError(f"export_outputs must be dict, given: {export_outputs}")
        if eval_metric_ops is None:
            eval_metric_ops = {}
        elif not isinstance(eval_metric_ops, dict):
            raise TypeError(f"eval_metric_ops must be a dict, given: {eval_metric_ops}")
        for key, value in eval_metric_ops.items():
            if not isinstance(value, tuple) or len(value) != 2:
                raise TypeError(f"Values of eval_metric_ops must be (metric_value, update_op) "
                                f"tuples, given: {value} for key: {key}")
            for member in tf.nest.flatten(value):
                _in_default_graph(_check_tensor(member, f"eval_metric_ops[{key}]", True),
                                  "eval_metric_ops")
        scaffold = scaffold or v1.train.Scaffold()
        if not isinstance(scaffold, v1.train.Scaffold):
            raise TypeError(f"scaffold must be tf.train.Scaffold. Given: {scaffold}")
        hooks = [tuple(_check_hooks(h, "All hooks")) for h in (
            training_chief_hooks, training_hooks, evaluation_hooks, prediction_hooks)]
        return super().__new__(cls, mode, predictions, loss, train_op, eval_metric_ops,
                               export_outputs, hooks[0], hooks[1], scaffold, hooks[2], hooks[3])

    def _replace(self, **changes):
        """A copy with ``changes``, validated again; the mode cannot change."""
        if changes.get("mode", self.mode) != self.mode:
            raise ValueError("mode of EstimatorSpec cannot be changed.")
        return EstimatorSpec(**dict(self._asdict(), **changes))
